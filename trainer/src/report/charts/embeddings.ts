/** Embedding-space charts: 2-D maps coloured by a category, explained variance, silhouette by k. */
import type { TopLevelSpec } from 'vega-lite';
import { CHART, chartFrame, LABEL, MAP, type CategoryColors } from './theme.ts';

/** One point of an embedding map. */
export interface MapPoint {
  x: number;
  y: number;
  /** Colour category (genre, cluster). */
  group: string;
  /** Hover text (title and genres). */
  label: string;
}

/** Scatter plot of a 2-D projection, coloured by `group`, with the label as hover text. */
export function embeddingMapChart(
  points: MapPoint[],
  axes: { x: string; y: string },
  legendTitle: string,
  colors?: CategoryColors,
): TopLevelSpec {
  return {
    // The points carry their own label (title and genres).
    ...chartFrame(points, MAP),
    // Fewer points can afford bigger marks; thousands need small ones to stay apart.
    mark: { type: 'circle', size: points.length < 300 ? 60 : points.length < 1000 ? 36 : 20, opacity: 0.75 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axes.x, scale: { zero: false }, axis: { labels: false } },
      y: { field: 'y', type: 'quantitative', title: axes.y, scale: { zero: false }, axis: { labels: false } },
      color: {
        field: 'group',
        type: 'nominal',
        title: legendTitle,
        ...(colors === undefined ? {} : { scale: colors, sort: colors.domain }),
      },
      description: LABEL,
    },
  };
}

/** Bars of the explained variance ratio of the first principal components. */
export function explainedVarianceChart(ratios: number[]): TopLevelSpec {
  const values = ratios.map((r, i) => ({ component: `PC${i + 1}`, ratio: r }));
  return {
    ...chartFrame(values, CHART, "datum.component + ': ' + format(datum.ratio, '.1%')"),
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'component',
        type: 'ordinal',
        sort: null,
        title: 'principal component',
        axis: { labelAngle: 0 },
      },
      y: { field: 'ratio', type: 'quantitative', title: 'explained variance', axis: { format: '.0%' } },
      color: {
        condition: { test: "datum.component === 'PC1' || datum.component === 'PC2'", value: '#4c78a8' },
        value: '#9ecae9',
      },
      description: LABEL,
    },
  };
}

/** Mean silhouette width for every k tried, the chosen k highlighted. */
export function silhouetteChart(scores: { k: number; silhouette: number }[], chosen: number): TopLevelSpec {
  const values = scores.map((s) => ({ ...s, chosen: s.k === chosen ? 'chosen' : 'tried' }));
  return {
    ...chartFrame(values, CHART, "'k = ' + datum.k + ': silhouette ' + format(datum.silhouette, '.3f')"),
    layer: [
      {
        mark: { type: 'line', color: '#999' },
        encoding: {
          x: { field: 'k', type: 'quantitative', title: 'number of clusters k', axis: { tickMinStep: 1 } },
          y: { field: 'silhouette', type: 'quantitative', title: 'mean silhouette', scale: { zero: false } },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x: { field: 'k', type: 'quantitative' },
          y: { field: 'silhouette', type: 'quantitative' },
          color: {
            field: 'chosen',
            type: 'nominal',
            scale: { domain: ['chosen', 'tried'], range: ['#e45756', '#4c78a8'] },
            title: null,
            legend: { orient: 'top' },
          },
          description: LABEL,
        },
      },
    ],
  };
}

/** One cell of the segment × genre heatmap. */
export interface SegmentGenreCell {
  segment: string;
  genre: string;
  lift: number;
  share: number;
}

/** Heatmap of how much each segment over- or under-rates each genre compared with all users (lift). */
export function segmentGenreChart(cells: SegmentGenreCell[]): TopLevelSpec {
  return {
    ...chartFrame(
      cells,
      { width: { step: 34 }, height: { step: 26 } },
      "datum.segment + ', ' + datum.genre + ': ' + format(datum.share, '.1%') + ' of ratings, lift ' + format(datum.lift, '.2f')",
    ),
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'genre', type: 'nominal', title: null, axis: { labelAngle: -40 } },
      y: { field: 'segment', type: 'ordinal', title: null, sort: null },
      color: {
        field: 'lift',
        type: 'quantitative',
        title: 'lift',
        scale: { type: 'log', scheme: 'redblue', reverse: true, domainMid: 1 },
        legend: { format: '.2f' },
      },
      description: LABEL,
    },
  };
}
