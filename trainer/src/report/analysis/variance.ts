/**
 * How much of the variance of the model's predictions each additive term explains. A prediction is a sum
 * mu + b_user + b_movie + interaction (the MLP, plus the dot product of hybrid models), so
 * Var(pred) = Σ_c Cov(c, pred): attributing Cov(c, pred) / Var(pred) to term c splits the variance exactly,
 * with the covariance between terms shared evenly between them.
 */

/** Share of the prediction variance attributed to one term. */
export interface VarianceShare {
  term: string;
  /** Var(term) on its own. */
  variance: number;
  /** Cov(term, prediction) / Var(prediction); the shares of all terms sum to 1 (can be negative). */
  share: number;
}

/** The decomposition of one set of predictions. */
export interface VarianceDecomposition {
  /** Var(prediction) (population variance, rating units squared). */
  total: number;
  terms: VarianceShare[];
  /** Cov(biases, interaction) / Var(prediction) · 2: the part of the variance due to the terms co-varying. */
  crossShare: number;
  count: number;
}

/**
 * Decomposes the variance of pred = Σ terms (the constant mu does not vary and is left out).
 * @param terms per-term contributions, all of the same length (e.g. user bias, movie bias, MLP per test pair)
 * @throws RangeError when there are no terms or their lengths differ
 */
export function varianceDecomposition(terms: Record<string, Float32Array>): VarianceDecomposition {
  const names = Object.keys(terms);
  const columns = names.map((n) => terms[n] as Float32Array);
  const first = columns[0];
  if (first === undefined) throw new RangeError('varianceDecomposition: expected at least one term');
  const n = first.length;
  columns.forEach((c, i) => {
    if (c.length !== n) {
      throw new RangeError(`varianceDecomposition: term ${names[i]} has ${c.length} values, expected ${n}`);
    }
  });
  const means = columns.map(mean);
  const total = new Float64Array(n);
  for (const c of columns) for (let i = 0; i < n; i++) total[i] = (total[i] as number) + (c[i] as number);
  const totalMean = mean(total);
  const varTotal = covariance(total, totalMean, total, totalMean);
  const shares = columns.map((c, t) => {
    const m = means[t] as number;
    return {
      term: names[t] as string,
      variance: covariance(c, m, c, m),
      share: varTotal > 0 ? covariance(c, m, total, totalMean) / varTotal : 0,
    };
  });
  const ownVariance = shares.reduce((s, x) => s + x.variance, 0);
  return {
    total: varTotal,
    terms: shares,
    crossShare: varTotal > 0 ? (varTotal - ownVariance) / varTotal : 0,
    count: n,
  };
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return a.length > 0 ? s / a.length : 0;
}

function covariance(a: ArrayLike<number>, ma: number, b: ArrayLike<number>, mb: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - ma) * ((b[i] as number) - mb);
  return a.length > 0 ? s / a.length : 0;
}
