/**
 * The model-vs-baselines table from a run's metrics.json. Metrics are read as dotted keys (`test.rmse`,
 * `test.ndcg@10`, `baselines.mf.rmse`, ...); nested JSON objects are flattened to the same keys first, so both
 * layouts work.
 */

/** Columns of the comparison table, in display order; `lowerIsBetter` decides which value is highlighted. */
export const TABLE_METRICS = [
  { key: 'rmse', label: 'RMSE', lowerIsBetter: true },
  { key: 'mae', label: 'MAE', lowerIsBetter: true },
  { key: 'ndcg', label: 'NDCG@k', lowerIsBetter: false },
  { key: 'precision', label: 'Precision@k', lowerIsBetter: false },
  { key: 'recall', label: 'Recall@k', lowerIsBetter: false },
  { key: 'coverage', label: 'Coverage@k', lowerIsBetter: false },
] as const;

export type TableMetric = (typeof TABLE_METRICS)[number]['key'];

/** One row: a model and its metric values (undefined when the run did not record it). */
export interface MetricsRow {
  name: string;
  values: Partial<Record<TableMetric, number>>;
}

/** The comparison table: the model first, then the baselines in the order metrics.json lists them. */
export interface MetricsTable {
  /** The cut-off of the ranking metrics found in the keys (e.g. 10); undefined when there are none. */
  k: number | undefined;
  rows: MetricsRow[];
}

/** Flattens nested objects to dotted keys, keeping finite numbers only. */
export function flattenNumbers(
  value: unknown,
  prefix = '',
  out: Record<string, number> = {},
): Record<string, number> {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && prefix !== '') out[prefix] = value;
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenNumbers(v, prefix === '' ? k : `${prefix}.${k}`, out);
  }
  return out;
}

/**
 * Builds the table from flat metric keys: the model under `test.`, baseline `b` under `baselines.b.`.
 * A ranking metric is found as `<prefix>.<metric>@<k>` (the smallest k present wins) or `<prefix>.<metric>`.
 */
export function metricsTable(metrics: Record<string, number>, modelName = 'model'): MetricsTable {
  const keys = Object.keys(metrics);
  const ks = keys
    .map((k) => /@(\d+)$/.exec(k)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
  const k = ks.length > 0 ? Math.min(...ks) : undefined;
  const rowOf = (name: string, prefix: string): MetricsRow => {
    const values: Partial<Record<TableMetric, number>> = {};
    for (const { key } of TABLE_METRICS) {
      const v = metrics[`${prefix}.${key}@${k}`] ?? metrics[`${prefix}.${key}`];
      if (v !== undefined) values[key] = v;
    }
    return { name, values };
  };
  const baselines: string[] = [];
  for (const key of keys) {
    const name = /^baselines\.([^.]+)\./.exec(key)?.[1];
    if (name !== undefined && !baselines.includes(name)) baselines.push(name);
  }
  return {
    k,
    rows: [rowOf(modelName, 'test'), ...baselines.map((b) => rowOf(b, `baselines.${b}`))].filter(
      (r) => Object.keys(r.values).length > 0,
    ),
  };
}

/** For each metric, the index of the best row (undefined when no row has the metric). */
export function bestRows(table: MetricsTable): Partial<Record<TableMetric, number>> {
  const best: Partial<Record<TableMetric, number>> = {};
  for (const { key, lowerIsBetter } of TABLE_METRICS) {
    let bestIndex: number | undefined;
    table.rows.forEach((row, i) => {
      const v = row.values[key];
      if (v === undefined) return;
      const current = bestIndex === undefined ? undefined : table.rows[bestIndex]?.values[key];
      if (current === undefined || (lowerIsBetter ? v < current : v > current)) bestIndex = i;
    });
    if (bestIndex !== undefined) best[key] = bestIndex;
  }
  return best;
}
