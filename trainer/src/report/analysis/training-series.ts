/**
 * Per-epoch series for the training-curve charts, read from the records of history.jsonl. Keys are matched by
 * name (`loss` / `train_loss`, `val_rmse` / `validation.rmse`, `lr` / `learningRate`, ...) after flattening nested
 * objects, so the charts follow whatever metrics the trainer recorded.
 */
import type { SeriesPoint } from '../charts/training.ts';
import { flattenNumbers } from './metrics-table.ts';

/** The three panels of the training curves. */
export interface TrainingSeries {
  /** Training (and validation) loss. */
  loss: SeriesPoint[];
  /** Validation (and training) RMSE / MAE. */
  error: SeriesPoint[];
  learningRate: SeriesPoint[];
}

/** Which panel and legend name a history key belongs to, or undefined to ignore it. */
export function classifyHistoryKey(key: string): { panel: keyof TrainingSeries; series: string } | undefined {
  const k = key.toLowerCase();
  const leaf = k.split('.').at(-1) ?? k;
  if (/^(lr|learning[_-]?rate)$/.test(leaf.replace(/^(train[_-]?)/, ''))) {
    return { panel: 'learningRate', series: 'learning rate' };
  }
  const split = /(^|[._-])(val|valid|validation|test)([._-]|$)|^val|^valid/.test(k) ? 'validation' : 'train';
  if (/rmse/.test(leaf)) return { panel: 'error', series: `${split} RMSE` };
  if (/mae/.test(leaf)) return { panel: 'error', series: `${split} MAE` };
  if (/loss/.test(leaf)) return { panel: 'loss', series: `${split} loss` };
  return undefined;
}

/**
 * Splits history records into chart series. A record's epoch is its `epoch` field, else its 1-based position.
 * Non-numeric and unrecognised fields are ignored.
 */
export function trainingSeries(history: readonly unknown[]): TrainingSeries {
  const out: TrainingSeries = { loss: [], error: [], learningRate: [] };
  history.forEach((record, i) => {
    const flat = flattenNumbers(record);
    const epoch = flat['epoch'] ?? i + 1;
    for (const [key, value] of Object.entries(flat)) {
      if (key === 'epoch') continue;
      const kind = classifyHistoryKey(key);
      if (kind !== undefined) out[kind.panel].push({ epoch, series: kind.series, value });
    }
  });
  return out;
}
