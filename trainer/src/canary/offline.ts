/**
 * The offline metrics both versions were published with (manifest `metrics`, the run's metrics.json), side by side.
 * Shown next to the online figures for context; the decision does not use them (offline test sets of two nights
 * differ, so their difference is not a measurement of the canary).
 */
import type { Manifest } from '../../../shared/src/schemas/manifest.ts';

/** Metric keys shown, in this order, when either manifest has them. */
export const OFFLINE_KEYS = [
  'test.rmse',
  'test.mae',
  'test.ndcg@10',
  'test.recall@10',
  'test.hit@10',
  'test.coverage@10',
  'baselines.mf.rmse',
  'baselines.popularity.ndcg@10',
] as const;

/** One row: a metric of both versions (undefined when a manifest lacks it). */
export interface OfflineRow {
  metric: string;
  stable?: number;
  canary?: number;
}

const numberAt = (m: Manifest, key: string): number | undefined => {
  const v = m.metrics[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/** The rows of OFFLINE_KEYS that at least one manifest has. */
export function offlineRows(stable: Manifest, canary: Manifest): OfflineRow[] {
  const rows: OfflineRow[] = [];
  for (const metric of OFFLINE_KEYS) {
    const s = numberAt(stable, metric);
    const c = numberAt(canary, metric);
    if (s === undefined && c === undefined) continue;
    rows.push({
      metric,
      ...(s === undefined ? {} : { stable: s }),
      ...(c === undefined ? {} : { canary: c }),
    });
  }
  return rows;
}
