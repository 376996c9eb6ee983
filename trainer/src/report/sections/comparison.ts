/** Section "Model vs baselines": the headline metrics of the model and every baseline in metrics.json. */
import { bestRows, metricsTable, TABLE_METRICS } from '../analysis/metrics-table.ts';
import { escapeHtml, fmt, htmlTable, type Cell } from '../render/html.ts';
import type { ReportInputs, Section } from './types.ts';

export function comparisonSection(inputs: ReportInputs): Section {
  const table = metricsTable(inputs.metrics);
  const best = bestRows(table);
  const k = table.k === undefined ? 'k' : String(table.k);
  const headers = ['model', ...TABLE_METRICS.map((m) => m.label.replace('@k', `@${k}`))];
  const rows: Cell[][] = table.rows.map((row, i) => [
    { html: i === 0 ? `<strong>${escapeHtml(row.name)}</strong>` : escapeHtml(row.name) },
    ...TABLE_METRICS.map(({ key }): Cell => {
      const text = escapeHtml(fmt(row.values[key], 4));
      return best[key] === i && table.rows.length > 1 ? { html: text, className: 'best' } : { html: text };
    }),
  ]);
  const html =
    table.rows.length === 0
      ? '<p class="note">metrics.json has no test metrics.</p>'
      : htmlTable(headers, rows, { numeric: TABLE_METRICS.map((_, i) => i + 1) });
  return {
    id: 'comparison',
    title: 'Model vs baselines',
    intro: `Test-set metrics from metrics.json, all models evaluated on the same split; the best value of each column is highlighted. RMSE and MAE: lower is better. Ranking metrics at ${k}, over the movies each user has not rated in training: higher is better.`,
    figures: [],
    html,
  };
}
