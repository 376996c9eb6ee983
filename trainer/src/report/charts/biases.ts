/** Bias-term charts: distributions of learned biases and the variance decomposition of predictions. */
import type { TopLevelSpec } from 'vega-lite';
import type { HistogramBin } from '../analysis/histogram.ts';
import { CHART, CONFIG, MODEL_COLOR } from './theme.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Histogram of one set of biases. */
export function biasHistogramChart(bins: HistogramBin[], xTitle: string, yTitle: string): TopLevelSpec {
  return {
    $schema: SCHEMA,
    config: CONFIG,
    ...CHART,
    data: { values: bins },
    transform: [
      {
        calculate: "format(datum.lo, '.2f') + ' to ' + format(datum.hi, '.2f') + ': ' + datum.count",
        as: 'label',
      },
    ],
    layer: [
      {
        mark: { type: 'bar', color: MODEL_COLOR },
        encoding: {
          x: { field: 'lo', type: 'quantitative', bin: { binned: true }, title: xTitle },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: yTitle },
          description: { field: 'label', type: 'nominal' },
        },
      },
      { mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
    ],
  };
}

/** One bar of the variance chart. */
export interface VarianceBar {
  term: string;
  share: number;
}

/** Horizontal bars: share of the prediction variance attributed to each term. */
export function varianceSharesChart(bars: VarianceBar[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    config: CONFIG,
    width: CHART.width,
    height: 30 * bars.length,
    data: { values: bars },
    transform: [{ calculate: "datum.term + ': ' + format(datum.share, '.1%')", as: 'label' }],
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'term', type: 'nominal', sort: null, title: null },
          x: {
            field: 'share',
            type: 'quantitative',
            title: 'share of the variance of test predictions',
            axis: { format: '.0%' },
          },
          color: { field: 'term', type: 'nominal', legend: null },
          description: { field: 'label', type: 'nominal' },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: {
          y: { field: 'term', type: 'nominal', sort: null },
          x: { field: 'share', type: 'quantitative' },
          text: { field: 'share', type: 'quantitative', format: '.1%' },
        },
      },
    ],
  };
}
