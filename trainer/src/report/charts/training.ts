/** Training-curve charts: loss, validation error and learning rate per epoch. */
import type { TopLevelSpec } from 'vega-lite';
import { CHART, chartFrame, LABEL } from './theme.ts';

/** One point of a per-epoch series. */
export interface SeriesPoint {
  epoch: number;
  /** Series name shown in the legend, e.g. "train loss", "validation RMSE". */
  series: string;
  value: number;
}

/** A line chart of one or more per-epoch series. */
export function epochLinesChart(points: SeriesPoint[], yTitle: string, logScale = false): TopLevelSpec {
  return {
    ...chartFrame(
      points,
      CHART,
      "datum.series + ', epoch ' + datum.epoch + ': ' + format(datum.value, '.4~g')",
    ),
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: yTitle,
        scale: logScale ? { type: 'log' } : { zero: false },
        axis: { format: logScale ? '.1e' : '~g' },
      },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top' } },
      description: LABEL,
    },
  };
}
