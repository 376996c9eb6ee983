/** Bias-term charts: distributions of learned biases and the variance decomposition of predictions. */
import type { TopLevelSpec } from 'vega-lite';
import type { HistogramBin } from '../analysis/histogram.ts';
import { histogramChart } from './histogram.ts';
import { CHART, chartFrame, LABEL } from './theme.ts';

/** Histogram of one set of biases, zero marked by a grey rule. */
export function biasHistogramChart(bins: HistogramBin[], xTitle: string, yTitle: string): TopLevelSpec {
  return histogramChart(bins, { xTitle, yTitle, zeroColor: '#888' });
}

/** One bar of the variance chart. */
export interface VarianceBar {
  term: string;
  share: number;
}

/** Horizontal bars: share of the prediction variance attributed to each term. */
export function varianceSharesChart(bars: VarianceBar[]): TopLevelSpec {
  return {
    ...chartFrame(
      bars,
      { width: CHART.width, height: 30 * bars.length },
      "datum.term + ': ' + format(datum.share, '.1%')",
    ),
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
          description: LABEL,
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
