/**
 * Look shared by every report chart: sizes, fonts and a colour-blind-safe categorical palette (Tableau 10).
 */
import type { Config } from 'vega-lite';

/** The Vega-Lite schema every report chart declares. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

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

/** The encoding channel that gives each mark the `label` field as its description (hover text, screen readers). */
export const LABEL = { field: 'label', type: 'nominal' } as const;

/** A chart's size: pixels, or a step per discrete value (e.g. `{ step: 34 }`). */
export interface ChartSize {
  width?: number | { step: number };
  height?: number | { step: number };
}

/**
 * The top of every report chart's spec: schema, theme, size and inline data and, given a Vega expression over
 * `datum`, a transform computing the `label` field that LABEL describes marks with. Spread it into the spec.
 */
export function chartFrame(values: object[], size: ChartSize, label?: string) {
  return {
    $schema: SCHEMA,
    config: CONFIG,
    ...size,
    data: { values },
    ...(label === undefined ? {} : { transform: [{ calculate: label, as: 'label' }] }),
  };
}

/** Colour of the model in charts comparing it with something else. */
export const MODEL_COLOR = '#4c78a8';

/** Tableau 10, the categorical palette of every chart, without its grey (kept for "other"). */
export const CATEGORY_COLORS = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
] as const;
export const MUTED_COLOR = '#bab0ac';

/** A colour scale: categories in legend order, one colour each. */
export interface CategoryColors {
  domain: string[];
  range: string[];
}

/**
 * Colours for categories: the most frequent first, each from the palette (cycling beyond nine), and the
 * `muted` categories (e.g. "Other") last in grey, so catch-all groups never look like a real category.
 */
export function categoryColors(values: readonly string[], muted: readonly string[] = []): CategoryColors {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const named = [...counts.keys()].filter((v) => !muted.includes(v)).sort((a, b) => a.localeCompare(b));
  const rest = muted.filter((m) => counts.has(m));
  return {
    domain: [...named, ...rest],
    range: [
      ...named.map((_, i) => CATEGORY_COLORS[i % CATEGORY_COLORS.length] as string),
      ...rest.map(() => MUTED_COLOR),
    ],
  };
}
