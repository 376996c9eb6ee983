/**
 * How many ratings each user gets: at least a minimum, the rest shared in proportion to a long-tailed activity
 * weight, capped, and summing exactly to the requested total.
 */

/**
 * Splits `total` ratings over users: count_u = min + share of (total − n·min) ∝ weights[u], each count ≤ cap
 * (mass above a cap is poured into the uncapped users, "water filling"), integers summing exactly to `total`.
 * @param weights positive activity weights, one per user.
 * @param total number of ratings; must satisfy n·min ≤ total ≤ n·cap.
 * @throws RangeError when the total cannot be split within [min, cap].
 */
export function allocateCounts(weights: Float64Array, total: number, min: number, cap: number): Int32Array {
  const n = weights.length;
  if (total < n * min || total > n * cap || min > cap) {
    throw new RangeError(`cannot split ${total} ratings over ${n} users with ${min}..${cap} each.`);
  }
  const share = new Float64Array(n);
  const capped = new Uint8Array(n);
  let remaining = total - n * min;
  // Each pass caps at least one more user or finishes, so it ends within n passes (in practice 2–3).
  for (;;) {
    let free = 0;
    for (let u = 0; u < n; u++) if (!capped[u]) free += weights[u]!;
    let newlyCapped = 0;
    for (let u = 0; u < n; u++) {
      if (capped[u]) continue;
      share[u] = free > 0 ? (remaining * weights[u]!) / free : 0;
      if (share[u]! > cap - min) {
        share[u] = cap - min;
        capped[u] = 1;
        remaining -= cap - min;
        newlyCapped++;
      }
    }
    if (newlyCapped === 0) break;
  }
  // Systematic rounding of the running sum keeps the total exact (up to float error, fixed below).
  const counts = new Int32Array(n);
  let acc = 0;
  let given = 0;
  for (let u = 0; u < n; u++) {
    acc += share[u]!;
    const upTo = Math.min(Math.round(acc), total - n * min);
    counts[u] = min + Math.min(cap - min, Math.max(0, upTo - given));
    given += counts[u]! - min;
  }
  let missing = total - n * min - given;
  for (let u = 0; missing !== 0 && u < n; u++) {
    const step = missing > 0 ? Math.min(missing, cap - counts[u]!) : Math.max(missing, min - counts[u]!);
    counts[u] = counts[u]! + step;
    missing -= step;
  }
  return counts;
}
