/**
 * Rating scales: parsing `--scale min:max:step`, checking a value against a scale, and inferring the scale of a
 * data set from its ratings.
 */
import { UsageError } from '../../../../shared/src/errors.ts';
import type { RatingScale } from '../types.ts';

/** The classic MovieLens scale (100K, 1M): whole stars 1-5. */
export const WHOLE_STARS: RatingScale = { min: 1, max: 5, step: 1 };
/** MovieLens latest/20M/25M: half stars 0.5-5. */
export const HALF_STARS: RatingScale = { min: 0.5, max: 5, step: 0.5 };
/** No constraint: used for generic CSVs without `--scale`; step 0 means "any value". */
export const ANY_RATING: RatingScale = { min: -Infinity, max: Infinity, step: 0 };

/** Tolerance for "on the step grid": ratings are stored as float32 and parsed from short decimals. */
const GRID_EPS = 1e-4;

/** Steps tried, coarsest first, when inferring the scale of a data set. */
const CANDIDATE_STEPS = [1, 0.5, 0.25, 0.1, 0.05, 0.01];

/** Parses `min:max:step`, e.g. "0.5:5:0.5". Throws UsageError naming what was expected. */
export function parseScale(text: string): RatingScale {
  const parts = text.split(':').map((s) => s.trim());
  const nums = parts.map(Number);
  const [min, max, step] = nums;
  if (
    parts.length !== 3 ||
    parts.some((p) => p === '') ||
    min === undefined ||
    max === undefined ||
    step === undefined ||
    !nums.every(Number.isFinite)
  ) {
    throw new UsageError(`--scale: expected min:max:step, e.g. 0.5:5:0.5 (got "${text}").`);
  }
  if (!(min < max)) throw new UsageError(`--scale: min must be below max (got "${text}").`);
  if (!(step > 0)) throw new UsageError(`--scale: step must be positive (got "${text}").`);
  const k = (max - min) / step;
  if (Math.abs(k - Math.round(k)) > GRID_EPS) {
    throw new UsageError(`--scale: max - min must be a whole number of steps (got "${text}").`);
  }
  return { min, max, step };
}

/** True when `value` lies within [min, max] and, for step > 0, on the grid min + k·step. */
export function onScale(value: number, scale: RatingScale): boolean {
  if (!(value >= scale.min && value <= scale.max)) return false;
  if (scale.step <= 0) return true;
  const k = (value - scale.min) / scale.step;
  return Math.abs(k - Math.round(k)) <= GRID_EPS;
}

/** "1–5 (step 1)", for messages and reports. */
export function describeScale(scale: RatingScale): string {
  if (scale.step <= 0 && !Number.isFinite(scale.min)) return 'any number';
  return `${scale.min}–${scale.max}${scale.step > 0 ? ` (step ${scale.step})` : ''}`;
}

/**
 * Infers the scale of `ratings` (length ≥ 1): the coarsest step in 1, 0.5, 0.25, 0.1, 0.05, 0.01 that every
 * rating sits on (0 when none fits), and the observed min and max — widened to the familiar 1–5 or 0.5–5 star
 * scales when the data fit inside them, so a subset missing its extreme ratings still reports the real scale.
 */
export function inferScale(ratings: Float32Array): RatingScale {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < ratings.length; i++) {
    const r = ratings[i]!;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  let step = 0;
  for (const s of CANDIDATE_STEPS) {
    let fits = true;
    for (let i = 0; i < ratings.length && fits; i++) {
      const k = ratings[i]! / s;
      fits = Math.abs(k - Math.round(k)) <= GRID_EPS;
    }
    if (fits) {
      step = s;
      break;
    }
  }
  if (step === 1 && min >= 1 && max <= 5) return { ...WHOLE_STARS };
  if (step === 0.5 && min >= 0.5 && max <= 5) return { ...HALF_STARS };
  return { min: round6(min), max: round6(max), step };
}

/** Float32 storage turns 0.1 into 0.10000000149; report the decimal the file held. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
