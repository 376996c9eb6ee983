/** Accuracy of rating predictions, as recorded in history.jsonl and metrics.json. */
import type { RatingScale } from '../data/types.ts';
import { checkPlan, type TwoStagePlan } from '../../../shared/src/kernels/two-stage.ts';

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

/** metrics.json keys of a run's two-stage plan (shared/src/kernels/two-stage.ts), chosen on validation. */
export const PLAN_KEYS = {
  candidates: 'ranking.candidates',
  ratingWeight: 'ranking.ratingWeight',
  ndcg: 'ranking.val.ndcg@10',
} as const;

/** The plan as flat metric keys. */
export function planMetrics(plan: TwoStagePlan, valNdcg: number): Record<string, number> {
  return {
    [PLAN_KEYS.candidates]: plan.candidates,
    [PLAN_KEYS.ratingWeight]: plan.ratingWeight,
    [PLAN_KEYS.ndcg]: valNdcg,
  };
}

/**
 * The two-stage plan recorded in a run's metrics.json, or undefined when the run has none (trained without a
 * preference head, or before plans existed).
 * @throws RangeError naming the key when a recorded value is invalid
 */
export function planFromMetrics(metrics: Record<string, unknown>): TwoStagePlan | undefined {
  const candidates = metrics[PLAN_KEYS.candidates];
  const ratingWeight = metrics[PLAN_KEYS.ratingWeight];
  if (candidates === undefined && ratingWeight === undefined) return undefined;
  return checkPlan({ candidates: candidates as number, ratingWeight: ratingWeight as number });
}
