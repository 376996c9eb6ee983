/**
 * Section "Where the model errs": predicted vs actual, residual distributions, and error by true rating, user
 * activity and movie popularity.
 */
import { DEFAULT_BUCKET_EDGES, residualTables } from '../../evaluate/residuals.ts';
import type { ResidualRow } from '../../evaluate/types.ts';
import { histogram, predictionHeatmap } from '../analysis/histogram.ts';
import {
  bucketErrorChart,
  predictionHeatmapChart,
  residualHistogramChart,
  residualsByRatingChart,
  type RatingResidualBin,
} from '../charts/errors.ts';
import { count, fmt, htmlTable } from '../render/html.ts';
import type { ReportContext } from './context.ts';
import type { Section } from './types.ts';

/** Residual histograms span ± the width of the rating scale: no clipped residual can fall outside it. */
const RESIDUAL_BINS = 48;
const PER_RATING_BINS = 32;

export function errorsSection(ctx: ReportContext): Section {
  const { test } = ctx;
  const scale = ctx.inputs.table.scale;
  const width = scale.max - scale.min;
  const residuals = test.clipped.map((p, i) => p - (test.truth[i] as number));
  const tables =
    ctx.inputs.residuals ??
    residualTables(
      {
        predictions: test.clipped,
        truth: test.truth,
        userActivity: test.users.map((u) => ctx.userCounts[u] as number),
        moviePopularity: test.movies.map((m) => ctx.movieCounts[m] as number),
      },
      DEFAULT_BUCKET_EDGES,
    );
  // Predicted-vs-actual bins: a quarter star, or the scale's step when that is finer.
  const heatBins = Math.max(4, Math.round(width / Math.min(0.25, scale.step > 0 ? scale.step : 0.25)));
  const byRating: RatingResidualBin[] = [];
  for (const actual of [...new Set(test.truth)].sort((a, b) => a - b)) {
    const own = residuals.filter((_, i) => test.truth[i] === actual);
    for (const bin of histogram(own, PER_RATING_BINS, { min: -width, max: width }))
      byRating.push({ ...bin, actual });
  }
  return {
    id: 'errors',
    title: 'Where the model errs',
    intro: `${count(test.truth.length)} test ratings, predictions clipped to [${scale.min}, ${scale.max}]. Residual = predicted − true: positive means over-prediction.`,
    figures: [
      {
        id: 'predicted-vs-actual',
        title: 'Predicted vs actual',
        caption:
          'Each row is a true rating; colour shows how that row’s predictions are distributed. A perfect model fills the diagonal; shrinkage towards the mean shows as rows leaning to the middle.',
        spec: predictionHeatmapChart(predictionHeatmap(test.clipped, test.truth, heatBins, scale), scale),
      },
      {
        id: 'residuals',
        title: 'Residual histogram',
        caption: 'Distribution of predicted − true over all test ratings.',
        spec: residualHistogramChart(histogram(residuals, RESIDUAL_BINS, { min: -width, max: width })),
      },
      {
        id: 'residuals-by-rating',
        title: 'Residuals by true rating',
        caption:
          'The residual distribution of each true rating: low ratings are usually over-predicted, high ones under-predicted.',
        spec: residualsByRatingChart(byRating),
      },
      {
        id: 'error-by-rating',
        title: 'Error by true rating',
        caption: 'RMSE, MAE and mean signed error for each true rating value.',
        spec: bucketErrorChart(tables.byRating, 'true rating'),
      },
      {
        id: 'error-by-user-activity',
        title: 'Error by user activity',
        caption: 'Test error grouped by how many training ratings the user has: cold users are the hardest.',
        spec: bucketErrorChart(tables.byUserActivity, 'training ratings of the user'),
      },
      {
        id: 'error-by-movie-popularity',
        title: 'Error by movie popularity',
        caption: 'Test error grouped by how many training ratings the movie has.',
        spec: bucketErrorChart(tables.byMoviePopularity, 'training ratings of the movie'),
      },
    ],
    html: [
      bucketTable('By user activity (training ratings)', tables.byUserActivity),
      bucketTable('By movie popularity (training ratings)', tables.byMoviePopularity),
    ].join('\n'),
  };
}

function bucketTable(caption: string, rows: ResidualRow[]): string {
  return htmlTable(
    ['bucket', 'test ratings', 'RMSE', 'MAE', 'mean bias'],
    rows.map((r) => [r.label, count(r.count), fmt(r.rmse), fmt(r.mae), fmt(r.bias)]),
    { numeric: [1, 2, 3, 4], caption },
  );
}
