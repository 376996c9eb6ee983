/**
 * Section "Example recommendations": the top movies for a few seeded-random users, each explained by the user's
 * rated movies closest to it in embedding space and by the split of its predicted score.
 */
import { l2NormalizeRows } from '../../../../shared/src/kernels/vectors.ts';
import { groupRowsByUser } from '../../data/split/group.ts';
import { scoreAllMovies } from '../../model/scoring.ts';
import { explainRecommendations, uniqueRatings, type ExplainedRecommendation } from '../analysis/explain.ts';
import { REPORT_STREAM, sampleIndices } from '../analysis/sample.ts';
import { UNCLUSTERED } from '../analysis/segments.ts';
import { count, escapeHtml, fmt, htmlTable, signed } from '../render/html.ts';
import type { ReportContext } from './context.ts';
import type { Segmentation } from './segments.ts';
import type { ReportOptions, Section } from './types.ts';

/** Users need this many training ratings to be picked as examples (fewer when no user has that many). */
const MIN_EXAMPLE_RATINGS = 10;
/** Rated movies listed as the reason for each recommendation. */
const REASONS = 3;

export function recommendationsSection(
  ctx: ReportContext,
  options: ReportOptions,
  segmentation?: Segmentation,
): Section {
  const { weights: w, table, split } = ctx.inputs;
  let candidates = Array.from(ctx.userCounts.keys()).filter(
    (u) => (ctx.userCounts[u] as number) >= MIN_EXAMPLE_RATINGS,
  );
  if (candidates.length === 0)
    candidates = Array.from(ctx.userCounts.keys()).filter((u) => (ctx.userCounts[u] as number) > 0);
  const picked = Array.from(
    sampleIndices(candidates.length, options.exampleUsers, options.seed, REPORT_STREAM.users + 10),
    (i) => candidates[i] as number,
  );
  const groups = groupRowsByUser(table.users, w.numUsers, split.train);
  const normalized = l2NormalizeRows(w.movieEmb, w.numMovies, w.dim);
  const scores = new Float32Array(w.numMovies);
  const blocks = picked.map((u) => {
    const rows = groups.rows.subarray(groups.offsets[u], groups.offsets[u + 1]);
    const { ratedMovies, ratedValues } = uniqueRatings(
      rows.map((r) => table.movies[r] as number),
      Float32Array.from(rows, (r) => table.ratings[r] as number),
    );
    scoreAllMovies(ctx.scorer, u, scores);
    const recs = explainRecommendations(
      {
        scores,
        ratedMovies,
        ratedValues,
        normalizedMovies: normalized,
        dim: w.dim,
        mu: w.mu,
        userBias: w.userBias[u] as number,
        movieBias: w.movieBias,
      },
      options.recommendations,
      REASONS,
    );
    return userBlock(ctx, u, ratedMovies, ratedValues, recs, segmentation);
  });
  return {
    id: 'recommendations',
    title: 'Example recommendations',
    intro: `Top ${options.recommendations} unrated movies for ${picked.length} users drawn at random (seed ${options.seed}) among users with at least ${MIN_EXAMPLE_RATINGS} training ratings. “Because you rated” lists the user’s rated movies most similar to the recommendation (cosine of normalized movie embeddings); the score split shows how much comes from the global mean, the biases and the MLP.`,
    figures: [],
    html: blocks.join('\n'),
  };
}

function userBlock(
  ctx: ReportContext,
  u: number,
  ratedMovies: Int32Array,
  ratedValues: Float32Array,
  recs: ExplainedRecommendation[],
  segmentation?: Segmentation,
): string {
  const w = ctx.inputs.weights;
  const mean = ratedValues.reduce((s, x) => s + x, 0) / Math.max(1, ratedValues.length);
  const segment = segmentation === undefined ? UNCLUSTERED : (segmentation.segmentOf[u] as number);
  const segName = segment === UNCLUSTERED ? undefined : segmentation?.segments[segment]?.name;
  // The user's favourites: highest-rated first, then by index for a stable order.
  const favourites = Array.from(ratedMovies.keys())
    .sort((a, b) => (ratedValues[b] as number) - (ratedValues[a] as number) || a - b)
    .slice(0, 3)
    .map((i) => `${ctx.movieName(ratedMovies[i] as number)} (${ratedValues[i]})`);
  const facts = [
    `${count(ratedMovies.length)} rated movies in training, mean rating ${fmt(mean, 2)}`,
    `user bias ${signed(w.userBias[u] as number, 3)}`,
    ...(segName === undefined ? [] : [segName]),
  ];
  const table = htmlTable(
    [
      '#',
      'recommended',
      'predicted',
      `mu + user bias + movie bias + ${w.arch === 'hybrid' ? '(MLP + dot)' : 'MLP'}`,
      'because you rated',
    ],
    recs.map((r, i) => [
      String(i + 1),
      ctx.movieName(r.movie),
      fmt(r.score, 2),
      `${fmt(r.split.mu, 2)} ${signed(r.split.userBias)} ${signed(r.split.movieBias)} ${signed(r.split.interaction)}`,
      {
        html: r.because
          .map(
            (b) =>
              `${escapeHtml(ctx.movieName(b.movie))} <span class="dim">(rated ${b.rating}, cos ${b.cosine.toFixed(2)})</span>`,
          )
          .join('<br>'),
      },
    ]),
    { numeric: [0, 2] },
  );
  return [
    `<div class="user-example">`,
    `<h3>User ${escapeHtml(String(ctx.inputs.table.userIds[u]))}</h3>`,
    `<p>${escapeHtml(facts.join(' · '))}. Favourites: ${escapeHtml(favourites.join('; '))}.</p>`,
    table,
    `</div>`,
  ].join('\n');
}
