/**
 * Ranking charts: top-k quality by user activity, cold-start quality by number of revealed ratings, and the
 * popularity of what is recommended — the model against the popularity baseline in each.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART, chartFrame, LABEL, MODEL_COLOR } from './theme.ts';

/** Colour of the popularity baseline next to the model (the palette's second colour). */
export const POPULARITY_COLOR = '#f58518';

/** Legend order and colours of the two rankers compared. */
const RANKERS = { domain: ['model', 'popularity'], range: [MODEL_COLOR, POPULARITY_COLOR] };

/** One bar: a ranker's value of a metric in one user-activity bucket. */
export interface ActivityBar {
  bucket: string;
  /** e.g. "NDCG@10", "Recall@10". */
  metric: string;
  ranker: 'model' | 'popularity';
  value: number;
  /** Users in the bucket. */
  users: number;
}

/** Grouped bars per activity bucket (buckets in the given order), one panel per metric. */
export function activityMetricsChart(bars: ActivityBar[], xTitle: string): TopLevelSpec {
  const order = [...new Set(bars.map((b) => b.bucket))];
  const metrics = [...new Set(bars.map((b) => b.metric))];
  return {
    ...chartFrame(
      bars,
      {},
      "datum.ranker + ', ' + datum.bucket + ': ' + datum.metric + ' ' + format(datum.value, '.3f') + ' (' + datum.users + ' users)'",
    ),
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: metrics } },
    spec: {
      width: CHART.width,
      height: CHART.height,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'bucket', type: 'ordinal', sort: order, title: xTitle, axis: { labelAngle: 0 } },
        xOffset: { field: 'ranker', type: 'nominal', sort: RANKERS.domain },
        y: { field: 'value', type: 'quantitative', title: null },
        color: {
          field: 'ranker',
          type: 'nominal',
          title: null,
          scale: RANKERS,
          legend: { orient: 'top' },
        },
        description: LABEL,
      },
    },
  };
}

/** One point: a ranker's NDCG for users who revealed `revealed` ratings. */
export interface ColdStartPoint {
  revealed: number;
  ranker: 'model' | 'popularity';
  ndcg: number;
}

/** NDCG against the number of revealed ratings, one line per ranker. */
export function coldStartChart(points: ColdStartPoint[], yTitle: string): TopLevelSpec {
  return {
    ...chartFrame(
      points,
      CHART,
      "datum.ranker + ', ' + datum.revealed + ' revealed: ' + format(datum.ndcg, '.3f')",
    ),
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'revealed',
        type: 'quantitative',
        title: 'ratings revealed',
        scale: { type: 'log' },
        axis: { values: [...new Set(points.map((p) => p.revealed))], format: 'd' },
      },
      y: { field: 'ndcg', type: 'quantitative', title: yTitle, scale: { zero: true } },
      color: { field: 'ranker', type: 'nominal', title: null, scale: RANKERS, legend: { orient: 'top' } },
      description: LABEL,
    },
  };
}

/** One bar: the share of a ranker's recommendations whose popularity percentile falls in [lo, hi). */
export interface PopularityBin {
  lo: number;
  hi: number;
  ranker: 'model' | 'popularity';
  share: number;
}

/** Side-by-side bars of the popularity-percentile distribution of each ranker's recommendations. */
export function popularityDistributionChart(bins: PopularityBin[]): TopLevelSpec {
  return {
    ...chartFrame(
      bins.map((b) => ({ ...b, bin: `${b.lo}–${b.hi}` })),
      CHART,
      "datum.ranker + ', percentile ' + datum.bin + ': ' + format(datum.share, '.1%') + ' of recommendations'",
    ),
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'bin',
        type: 'ordinal',
        sort: [...new Set(bins.map((b) => `${b.lo}–${b.hi}`))],
        title: 'popularity percentile of the movie (100 = most rated)',
        axis: { labelAngle: -45 },
      },
      xOffset: { field: 'ranker', type: 'nominal', sort: RANKERS.domain },
      y: { field: 'share', type: 'quantitative', title: 'share of recommendations', axis: { format: '.0%' } },
      color: { field: 'ranker', type: 'nominal', title: null, scale: RANKERS, legend: { orient: 'top' } },
      description: LABEL,
    },
  };
}
