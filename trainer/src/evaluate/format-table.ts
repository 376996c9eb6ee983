/** Plain-text tables of evaluation results for the terminal. */
import type { EvaluationResult, ResidualRow } from './types.ts';

/**
 * One row per model: RMSE, MAE, NDCG@k, P@k, R@k, MAP@k, HR@k, coverage@k. Missing values print as "–".
 */
export function formatResultsTable(results: readonly EvaluationResult[]): string {
  const k = results[0]?.ranking.k ?? 10;
  const header = ['model', 'RMSE', 'MAE', `NDCG@${k}`, `P@${k}`, `R@${k}`, `MAP@${k}`, `HR@${k}`, `Cov@${k}`];
  const rows = results.map((r) => [
    r.model,
    ...[
      r.accuracy.rmse,
      r.accuracy.mae,
      r.ranking.ndcg,
      r.ranking.precision,
      r.ranking.recall,
      r.ranking.map,
      r.ranking.hit,
      r.ranking.coverage,
    ].map((v) => fmt(v)),
  ]);
  return alignColumns([header, ...rows]);
}

/** A residual table: bucket, count, RMSE, MAE, bias. */
export function formatResidualTable(title: string, rows: readonly ResidualRow[]): string {
  const body = rows.map((r) => [r.label, String(r.count), fmt(r.rmse), fmt(r.mae), fmt(r.bias, true)]);
  return alignColumns([[title, 'count', 'RMSE', 'MAE', 'bias'], ...body]);
}

function fmt(v: number, signed = false): string {
  if (!Number.isFinite(v)) return '–';
  const s = v.toFixed(4);
  return signed && v >= 0 ? `+${s}` : s;
}

/** Left-aligns the first column and right-aligns the others, with a rule under the header. */
function alignColumns(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  const [header, ...body] = rows;
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header ?? []), rule, ...body.map(line)].join('\n');
}
