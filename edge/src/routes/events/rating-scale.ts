/** The rating scale of a model version (manifest `model.ratingScale`). */
export interface RatingScale {
  min: number;
  max: number;
  step: number;
}

/** Whether `value` is a rating the scale allows: within [min, max] and a whole number of steps from min. */
export function onScale(value: number, scale: RatingScale): boolean {
  if (!(value >= scale.min && value <= scale.max)) return false;
  const steps = (value - scale.min) / scale.step;
  // Floating point: 1.3 - 1 is 0.30000000000000004, still three steps of 0.1.
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}
