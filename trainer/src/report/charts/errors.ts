/** Error-analysis charts: predicted-vs-actual heatmap, residual histograms and error by bucket. */
import type { TopLevelSpec } from 'vega-lite';
import type { HeatmapCell, HistogramBin } from '../analysis/histogram.ts';
import { histogramChart } from './histogram.ts';
import { CHART, chartFrame, LABEL, MODEL_COLOR } from './theme.ts';

/** Heatmap of the distribution of predictions (x) for each true rating (y); colour = share of the row. */
export function predictionHeatmapChart(
  cells: HeatmapCell[],
  scale: { min: number; max: number },
): TopLevelSpec {
  return {
    ...chartFrame(
      cells,
      CHART,
      "'true ' + datum.actual + ', predicted ' + format(datum.predLo, '.2f') + '–' + format(datum.predHi, '.2f') + ': ' + datum.count + ' ratings (' + format(datum.rowShare, '.1%') + ' of the row)'",
    ),
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 'predLo',
        type: 'quantitative',
        title: 'predicted rating',
        bin: { binned: true },
        scale: { domain: [scale.min, scale.max] },
      },
      x2: { field: 'predHi' },
      y: { field: 'actual', type: 'ordinal', title: 'true rating', sort: 'descending' },
      color: {
        field: 'rowShare',
        type: 'quantitative',
        title: 'share of row',
        scale: { scheme: 'blues' },
        legend: { format: '.0%' },
      },
      description: LABEL,
    },
  };
}

/** Histogram of residuals (prediction − truth), zero marked by a red rule. */
export function residualHistogramChart(bins: HistogramBin[]): TopLevelSpec {
  return histogramChart(bins, {
    xTitle: 'residual (predicted − true)',
    yTitle: 'test ratings',
    countUnit: ' ratings',
    zeroColor: '#e45756',
  });
}

/** One residual histogram bin of one true-rating value. */
export interface RatingResidualBin extends HistogramBin {
  actual: number;
}

/** Small multiples: the residual histogram of each true rating, one row per rating. */
export function residualsByRatingChart(bins: RatingResidualBin[]): TopLevelSpec {
  return {
    ...chartFrame(
      bins,
      {},
      "'true ' + datum.actual + ', residual ' + format(datum.lo, '.2f') + ' to ' + format(datum.hi, '.2f') + ': ' + datum.count",
    ),
    facet: { row: { field: 'actual', type: 'ordinal', title: 'true rating', sort: 'descending' } },
    spec: {
      width: CHART.width,
      height: 40,
      mark: { type: 'bar', color: MODEL_COLOR },
      encoding: {
        x: { field: 'lo', type: 'quantitative', bin: { binned: true }, title: 'residual (predicted − true)' },
        x2: { field: 'hi' },
        y: { field: 'count', type: 'quantitative', title: null, axis: { tickCount: 2 } },
        description: LABEL,
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Error statistics of one bucket (a residual-table row). */
export interface BucketError {
  label: string;
  count: number;
  rmse: number;
  mae: number;
  bias: number;
}

/** RMSE, MAE and mean bias per bucket as grouped bars, buckets in the given order. */
export function bucketErrorChart(rows: BucketError[], xTitle: string): TopLevelSpec {
  const order = rows.map((r) => r.label);
  const values = rows.flatMap((r) =>
    (['rmse', 'mae', 'bias'] as const).map((metric) => ({
      bucket: r.label,
      metric: metric === 'bias' ? 'mean bias' : metric.toUpperCase(),
      value: r[metric],
      count: r.count,
    })),
  );
  return {
    ...chartFrame(
      values,
      CHART,
      "datum.bucket + ': ' + datum.metric + ' ' + format(datum.value, '.3f') + ' (' + datum.count + ' ratings)'",
    ),
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'bucket', type: 'ordinal', sort: order, title: xTitle, axis: { labelAngle: 0 } },
      xOffset: { field: 'metric', type: 'nominal', sort: ['RMSE', 'MAE', 'mean bias'] },
      y: { field: 'value', type: 'quantitative', title: 'error (rating points)' },
      color: {
        field: 'metric',
        type: 'nominal',
        sort: ['RMSE', 'MAE', 'mean bias'],
        title: null,
        legend: { orient: 'top' },
      },
      description: LABEL,
    },
  };
}
