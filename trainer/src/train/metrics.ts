/** Accuracy of rating predictions, as recorded in history.jsonl and metrics.json. */
import type { RatingScale } from '../data/types.ts';

/** RMSE and MAE of predictions clipped to the rating scale. */
export interface Accuracy {
  rmse: number;
  mae: number;
  count: number;
}

/**
 * RMSE and MAE over `rows` of `ratings`, with `predictions[i]` predicting `ratings[rows[i]]`, each clipped to
 * [scale.min, scale.max] first. NaN for no rows.
 */
export function clippedAccuracy(
  predictions: Float32Array,
  ratings: Float32Array,
  rows: Int32Array,
  scale: RatingScale,
): Accuracy {
  let se = 0;
  let ae = 0;
  for (let i = 0; i < rows.length; i++) {
    const p = Math.min(scale.max, Math.max(scale.min, predictions[i]!));
    const e = p - ratings[rows[i]!]!;
    se += e * e;
    ae += Math.abs(e);
  }
  const n = rows.length;
  return { rmse: Math.sqrt(se / n), mae: ae / n, count: n };
}
