/** Plain-text tables of evaluation results for the terminal. */
import type { ColdStartResult } from './cold-start.ts';
import type { EvaluationResult, ResidualRow } from './types.ts';

/**
 * One row per model: RMSE, MAE, NDCG@k, P@k, R@k, MAP@k, HR@k, coverage@k and Pop%@k (the mean popularity
 * percentile of the recommended movies, one decimal). Missing values print as "–".
 */
export function formatResultsTable(results: readonly EvaluationResult[]): string {
  const k = results[0]?.ranking.k ?? 10;
  const header = [
    'model',
    'RMSE',
    'MAE',
    `NDCG@${k}`,
    `P@${k}`,
    `R@${k}`,
    `MAP@${k}`,
    `HR@${k}`,
    `Cov@${k}`,
    `Pop%@${k}`,
  ];
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
    fmt(r.ranking.popularityPct ?? NaN, false, 1),
  ]);
  return alignColumns([header, ...rows]);
}

/**
 * The cold-start table: one row per number of revealed ratings with the model's NDCG@k, popularity's NDCG@k on
 * the same users, the model's Pop%@k and the fold-in's RMSE on the revealed ratings.
 */
export function formatColdStartTable(result: ColdStartResult): string {
  const { k } = result;
  const header = ['revealed', `model NDCG@${k}`, `popularity NDCG@${k}`, `Pop%@${k}`, 'fit RMSE'];
  const rows = result.rows.map((r) => [
    String(r.revealed),
    fmt(r.ndcg),
    fmt(r.popularityNdcg),
    fmt(r.popularityPct, false, 1),
    fmt(r.fitRmse),
  ]);
  return alignColumns([header, ...rows]);
}

/** A residual table: bucket, count, RMSE, MAE, bias. */
export function formatResidualTable(title: string, rows: readonly ResidualRow[]): string {
  const body = rows.map((r) => [r.label, String(r.count), fmt(r.rmse), fmt(r.mae), fmt(r.bias, true)]);
  return alignColumns([[title, 'count', 'RMSE', 'MAE', 'bias'], ...body]);
}

function fmt(v: number, signed = false, digits = 4): string {
  if (!Number.isFinite(v)) return '–';
  const s = v.toFixed(digits);
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
