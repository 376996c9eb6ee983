import { describe, expect, it } from 'vitest';
import { bestRows, flattenNumbers, metricsTable } from './metrics-table.ts';

describe('metricsTable', () => {
  it('reads the model and every baseline from flat keys', () => {
    const t = metricsTable({
      'test.rmse': 0.9,
      'test.mae': 0.7,
      'test.ndcg@10': 0.3,
      'test.coverage@10': 0.5,
      'baselines.mf.rmse': 0.92,
      'baselines.mf.ndcg@10': 0.35,
      'baselines.popularity.ndcg@10': 0.2,
      'baselines.popularity.coverage@10': 0.05,
    });
    expect(t.k).toBe(10);
    expect(t.rows.map((r) => r.name)).toEqual(['model', 'mf', 'popularity']);
    expect(t.rows[0]?.values).toEqual({ rmse: 0.9, mae: 0.7, ndcg: 0.3, coverage: 0.5 });
    expect(t.rows[2]?.values.rmse).toBeUndefined();
    expect(bestRows(t)).toEqual({ rmse: 0, mae: 0, ndcg: 1, coverage: 0 });
  });

  it('accepts nested metrics and metrics without a cut-off', () => {
    const flat = flattenNumbers({
      test: { rmse: 1, precision: 0.2, name: 'x' },
      baselines: { mf: { rmse: 2 } },
    });
    expect(flat).toEqual({ 'test.rmse': 1, 'test.precision': 0.2, 'baselines.mf.rmse': 2 });
    const t = metricsTable(flat);
    expect(t.k).toBeUndefined();
    expect(t.rows.map((r) => [r.name, r.values.rmse])).toEqual([
      ['model', 1],
      ['mf', 2],
    ]);
  });
});
