/** Histogram chart of pre-binned counts, with a dashed rule marking zero on the x axis. */
import type { TopLevelSpec } from 'vega-lite';
import type { HistogramBin } from '../analysis/histogram.ts';
import { CHART, chartFrame, LABEL, MODEL_COLOR } from './theme.ts';

export interface HistogramChartOptions {
  xTitle: string;
  yTitle: string;
  /** Appended to the count in each bar's label, e.g. " ratings" (default none). */
  countUnit?: string;
  /** Colour of the rule at x = 0. */
  zeroColor: string;
}

/** Bars of `bins` (lo, hi, count) on a quantitative x axis. */
export function histogramChart(bins: HistogramBin[], options: HistogramChartOptions): TopLevelSpec {
  const unit = options.countUnit === undefined ? '' : ` + '${options.countUnit}'`;
  return {
    ...chartFrame(
      bins,
      CHART,
      `format(datum.lo, '.2f') + ' to ' + format(datum.hi, '.2f') + ': ' + datum.count${unit}`,
    ),
    layer: [
      {
        mark: { type: 'bar', color: MODEL_COLOR },
        encoding: {
          x: { field: 'lo', type: 'quantitative', bin: { binned: true }, title: options.xTitle },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: options.yTitle },
          description: LABEL,
        },
      },
      { mark: { type: 'rule', color: options.zeroColor, strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
    ],
  };
}
