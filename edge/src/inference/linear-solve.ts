/**
 * Solves A·x = b for a small symmetric positive-definite A (Cholesky, float64). Used by the cold-start fold-in,
 * where A = JᵀJ + Λ is (dim+1) × (dim+1) and positive definite by construction (Λ > 0).
 * @param a [n × n] row-major; only the lower triangle is read; not modified
 * @param b [n]
 * @returns x [n]
 * @throws RangeError when the shapes disagree or A is not positive definite
 */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  if (a.length !== n * n || b.length !== n) {
    throw new RangeError(
      `solveSpd: expected A of ${n} × ${n} and b of ${n} (got ${a.length} and ${b.length})`,
    );
  }
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`solveSpd: matrix is not positive definite (pivot ${i} is ${s})`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}
