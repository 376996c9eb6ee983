/** Summary statistics of measured values: the trainer's run metrics and the figures benchmarks print. */

/**
 * The median of `values` (left unchanged): the middle value in ascending order, or the mean of the two middle
 * values when the count is even. Values must not be NaN (they have no order).
 * @returns NaN for no values, so that a figure nothing was measured for prints as NaN rather than as 0
 */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
