/**
 * Look shared by every report chart: sizes, fonts and a colour-blind-safe categorical palette (Tableau 10).
 */
import type { Config } from 'vega-lite';

/** Width and height of a standard chart's plotting area, in CSS pixels. */
export const CHART = { width: 380, height: 220 } as const;

/** Width and height of the square embedding maps. */
export const MAP = { width: 460, height: 400 } as const;

export const CONFIG: Config = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  background: 'white',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  range: { category: { scheme: 'tableau10' } },
  bar: { color: '#4c78a8' },
  line: { strokeWidth: 2 },
};

/** Colour of the model in charts comparing it with something else. */
export const MODEL_COLOR = '#4c78a8';
