/** Rating-prediction accuracy: RMSE and MAE of predictions clipped to the rating scale. */
import type { RatingScale } from '../data/types.ts';
import type { AccuracyMetrics } from './types.ts';

/**
 * Clips predictions to [scale.min, scale.max] (a predictor may overshoot; a rating never does).
 * @returns a new array
 */
export function clipToScale(predictions: Float32Array, scale: RatingScale): Float32Array {
  const out = new Float32Array(predictions.length);
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i] as number;
    out[i] = p < scale.min ? scale.min : p > scale.max ? scale.max : p;
  }
  return out;
}

/**
 * RMSE and MAE between predictions and true ratings (NaN for both when there are none).
 * @param predictions already clipped, length n
 * @param truth true ratings, length n
 * @throws RangeError when the lengths differ
 */
export function accuracy(predictions: Float32Array, truth: Float32Array): AccuracyMetrics {
  if (predictions.length !== truth.length) {
    throw new RangeError(
      `predictions and truth must have the same length (got ${predictions.length} and ${truth.length})`,
    );
  }
  let se = 0;
  let ae = 0;
  for (let i = 0; i < truth.length; i++) {
    const e = (predictions[i] as number) - (truth[i] as number);
    se += e * e;
    ae += Math.abs(e);
  }
  const n = truth.length;
  return { rmse: n > 0 ? Math.sqrt(se / n) : NaN, mae: n > 0 ? ae / n : NaN, count: n };
}
