/**
 * Order statistics without sorting, for the pruned ranking: it needs the proxy value that the next batch of movies
 * reaches down to, not the order of the movies (the bound only uses the largest proxy among the unscored ones).
 */

/**
 * The k-th largest value (k = 1: the maximum) by quickselect, O(n) expected. Reorders `values` in place; the
 * values themselves are kept, so the same array can be asked again for another k.
 * @param values no NaN
 * @throws RangeError when k is not in 1..values.length
 */
export function kthLargest(values: Float32Array, k: number): number {
  const n = values.length;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`k must be a whole number in 1..${n} (got ${k})`);
  }
  // The k-th largest is the (n − k)-th smallest (0-based).
  const target = n - k;
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    // Median of three as pivot keeps sorted or reversed input from the quadratic case.
    const mid = (lo + hi) >> 1;
    const a = values[lo] as number;
    const b = values[mid] as number;
    const c = values[hi] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    // Hoare partition: [lo, j] ≤ pivot ≤ [i, hi].
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target] as number;
  }
  return values[target] as number;
}
