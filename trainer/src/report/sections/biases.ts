/**
 * Section "Bias terms": distributions of the learned user and movie biases, the movies with the highest and
 * lowest bias, and how the variance of test predictions splits between biases and the interaction terms.
 */
import { biasExtremes, type RankedBias } from '../analysis/bias-ranking.ts';
import { histogram } from '../analysis/histogram.ts';
import { varianceDecomposition } from '../analysis/variance.ts';
import { biasHistogramChart, varianceSharesChart } from '../charts/biases.ts';
import { count, fmt, htmlTable, pct, signed } from '../render/html.ts';
import type { ReportContext } from './context.ts';
import type { ReportOptions, Section } from './types.ts';

const BIAS_BINS = 40;

export function biasesSection(ctx: ReportContext, options: ReportOptions): Section {
  const w = ctx.inputs.weights;
  const trained = (biases: Float32Array, counts: Int32Array): Float32Array =>
    biases.filter((_, i) => (counts[i] as number) > 0);
  const extremes = biasExtremes(w.movieBias, ctx.movieCounts, options.biasExtremes);
  const { test } = ctx;
  const terms: Record<string, Float32Array> = {
    'user bias': test.userBias,
    'movie bias': test.movieBias,
    MLP: test.mlp,
  };
  if (test.dot !== undefined) terms['dot product'] = test.dot;
  const decomposition = varianceDecomposition(terms);
  const bars = decomposition.terms.map((t) => ({ term: t.term, share: t.share }));
  const biasShare = decomposition.terms
    .filter((t) => t.term.endsWith('bias'))
    .reduce((s, t) => s + t.share, 0);
  const rankTable = (caption: string, rows: RankedBias[]): string =>
    htmlTable(
      ['#', 'movie', 'bias', 'training ratings'],
      rows.map((r, i) => [String(i + 1), ctx.movieName(r.index), signed(r.bias, 3), count(r.count)]),
      { numeric: [0, 2, 3], caption },
    );
  const varianceTable = htmlTable(
    ['term', 'variance', 'share of prediction variance'],
    decomposition.terms.map((t) => [t.term, fmt(t.variance, 4), pct(t.share)]),
    {
      numeric: [1, 2],
      caption: `Var(prediction) = ${fmt(decomposition.total, 4)} over ${count(decomposition.count)} test pairs`,
    },
  );
  return {
    id: 'biases',
    title: 'Bias terms',
    intro: `Global mean mu = ${fmt(w.mu, 3)}. Biases shift every prediction of a user or movie up or down; the MLP models the interaction. On the test pairs, the biases explain ${pct(biasShare)} of the variance of the predictions and the interaction terms ${pct(1 - biasShare)} (covariance shared evenly between terms; shares sum to 100%).`,
    figures: [
      {
        id: 'user-biases',
        title: 'User biases',
        caption:
          'Learned user biases of users with training ratings: generous raters sit right of zero, harsh ones left.',
        spec: biasHistogramChart(
          histogram(trained(w.userBias, ctx.userCounts), BIAS_BINS),
          'user bias (rating points)',
          'users',
        ),
      },
      {
        id: 'movie-biases',
        title: 'Movie biases',
        caption:
          'Learned movie biases of movies with training ratings: how much better or worse than average a movie is rated, whoever watches it.',
        spec: biasHistogramChart(
          histogram(trained(w.movieBias, ctx.movieCounts), BIAS_BINS),
          'movie bias (rating points)',
          'movies',
        ),
      },
      {
        id: 'variance-shares',
        title: 'What drives the predictions',
        caption:
          'Share of the variance of test predictions attributed to each additive term: Cov(term, prediction) / Var(prediction).',
        spec: varianceSharesChart(bars),
      },
    ],
    html: [
      `<p class="note">Ranked among the ${count(extremes.eligible)} movies with at least ${extremes.minCount} training ratings.</p>`,
      '<div class="tables">',
      rankTable('Highest movie bias', extremes.highest),
      rankTable('Lowest movie bias', extremes.lowest),
      '</div>',
      varianceTable,
    ].join('\n'),
  };
}
