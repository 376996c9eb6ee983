/**
 * Cold start by fold-in: a user vector and bias fitted to the ratings a new user gives, on the served model itself,
 * so the answer is that model's prediction for "a user like this". The edge (POST /v1/recommendations) and the
 * trainer's cold-start evaluation run this one implementation, each with its own way of rating.
 *
 * Objective (MAP with Gaussian priors): Σᵢ (rᵢ − f(e, b, mᵢ))² + λₑ‖e‖² + λ_b b², with λₑ = noise / σₑ² and
 * λ_b = noise / σ_b², where σₑ² is the mean squared movie-embedding entry and σ_b² the variance of the movie
 * biases (the user side is not at hand at the edge; the movie side is the best scale estimate there is).
 * Minimized by a few Gauss–Newton steps from e = 0, b = 0 with backtracking. The model is a black box: each step
 * rates e and e + h·uₖ for every dimension k in ONE call (U = dim + 1 users), giving the Jacobian by forward
 * differences (the MLP is piecewise linear, so this is exact away from ReLU kinks); the rating is linear in b
 * with slope 1.
 */

/**
 * Rates user vectors against movies: every user against every movie.
 * @param userVecs [U, dim] row-major
 * @param userBiases [U]
 * @param movies [n] dense movie indices
 * @returns [U, n] row-major predicted ratings (unclipped): row r holds user r's ratings of `movies`
 */
export type RateUsers = (
  userVecs: Float32Array,
  userBiases: Float32Array,
  movies: Int32Array,
) => Promise<Float32Array> | Float32Array;

/** The movie-side statistics the priors are built from (see `foldInPriors`). */
export interface FoldInPriors {
  /** Embedding size of the model. */
  dim: number;
  /** σₑ²: the mean squared movie-embedding entry. */
  embVariance: number;
  /** σ_b²: the variance of the movie biases. */
  biasVariance: number;
}

export interface FoldInOptions {
  /** Rating calls (each is one Gauss–Newton step after the first); default 4. */
  evaluations?: number;
  /** Rating noise variance in the objective; default 1 (rating units²). */
  noiseVariance?: number;
}

/** A fitted user. */
export interface FoldInFit {
  /** [dim] user vector. */
  vec: Float32Array;
  bias: number;
  /** Root-mean-square error of the fitted user on the given ratings. */
  rmse: number;
  /** Rating calls made. */
  evaluations: number;
}

/**
 * The priors' scales from the movie tables, with floors that keep the penalty finite for degenerate tables
 * (all-zero embeddings or biases). O(numMovies × dim); cache the result per model.
 * @param movieEmb [numMovies, dim] movie embeddings as the model uses them (not normalized)
 * @param movieBias [numMovies] movie biases (without mu)
 * @throws RangeError when the shapes disagree
 */
export function foldInPriors(movieEmb: Float32Array, movieBias: Float32Array, dim: number): FoldInPriors {
  if (!Number.isInteger(dim) || dim < 1 || movieEmb.length !== movieBias.length * dim) {
    throw new RangeError(
      `foldInPriors: expected [${movieBias.length} × ${dim}] movie embeddings for ${movieBias.length} movie ` +
        `biases and a dimension >= 1 (got ${movieEmb.length} values, dim ${dim})`,
    );
  }
  let ss = 0;
  for (let i = 0; i < movieEmb.length; i++) ss += (movieEmb[i] as number) ** 2;
  let mean = 0;
  for (let i = 0; i < movieBias.length; i++) mean += movieBias[i] as number;
  mean /= Math.max(1, movieBias.length);
  let vb = 0;
  for (let i = 0; i < movieBias.length; i++) vb += ((movieBias[i] as number) - mean) ** 2;
  return {
    dim,
    embVariance: Math.max(ss / Math.max(1, movieEmb.length), 1e-6),
    biasVariance: Math.max(vb / Math.max(1, movieBias.length), 1e-4),
  };
}

/**
 * Fits a user to (movie, rating) pairs.
 * @param rate rates user vectors against movies (the served model)
 * @param priors the model's movie-side scales (`foldInPriors`)
 * @param movies dense movie indices of the rated movies (distinct)
 * @param ratings the ratings, same length
 * @throws RangeError when the lengths differ, no rating is given, an option is out of range or `rate` returns
 *   the wrong number of ratings
 */
export async function foldIn(
  rate: RateUsers,
  priors: FoldInPriors,
  movies: Int32Array,
  ratings: Float32Array,
  options: FoldInOptions = {},
): Promise<FoldInFit> {
  const n = movies.length;
  if (n === 0 || ratings.length !== n) {
    throw new RangeError(
      `fold-in needs one rating per movie and at least one (got ${n} movies, ${ratings.length} ratings)`,
    );
  }
  const evaluations = options.evaluations ?? 4;
  const noise = options.noiseVariance ?? 1;
  if (!Number.isInteger(evaluations) || evaluations < 1) {
    throw new RangeError(`fold-in evaluations: expected a whole number >= 1 (got ${evaluations})`);
  }
  if (!(noise > 0) || !Number.isFinite(noise)) {
    throw new RangeError(`fold-in noiseVariance: expected a finite number > 0 (got ${noise})`);
  }
  const { dim: d, embVariance, biasVariance } = priors;
  const p = d + 1;
  const lambda = new Float64Array(p).fill(noise / embVariance);
  lambda[d] = noise / biasVariance;
  const h = 0.05 * Math.sqrt(embVariance);

  // Rows 0..d: e, then e + h·u_k, each rated against all n movies.
  const evaluate = async (theta: Float64Array, rows: number): Promise<Float32Array> => {
    const userVec = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < d; k++) userVec[r * d + k] = theta[k] as number;
      if (r > 0) userVec[r * d + (r - 1)] = (theta[r - 1] as number) + h;
    }
    const f = await rate(userVec, new Float32Array(rows).fill(theta[d] as number), movies);
    if (f.length !== rows * n) {
      throw new RangeError(`fold-in: expected ${rows} × ${n} ratings from the model (got ${f.length})`);
    }
    return f;
  };

  let theta = new Float64Array(p);
  let best: { theta: Float64Array; objective: number; sse: number } | undefined;
  let made = 0;
  for (let it = 0; it < evaluations; it++) {
    // The last evaluation only judges the final step: the base row suffices.
    const last = it === evaluations - 1;
    const f = await evaluate(theta, last ? 1 : p);
    made++;
    let sse = 0;
    const res = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      res[i] = (ratings[i] as number) - (f[i] as number);
      sse += (res[i] as number) ** 2;
    }
    let objective = sse;
    for (let k = 0; k < p; k++) objective += (lambda[k] as number) * (theta[k] as number) ** 2;
    if (best !== undefined && objective > best.objective) {
      // The step overshot (a ReLU changed region): go halfway back and re-evaluate.
      const back = new Float64Array(p);
      for (let k = 0; k < p; k++) back[k] = ((best.theta[k] as number) + (theta[k] as number)) / 2;
      theta = back;
      continue;
    }
    best = { theta, objective, sse };
    if (last) break;
    // Normal equations of the linearized, regularized problem: (JᵀJ + Λ)Δ = Jᵀres − Λθ.
    const jac = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) jac[i * p + k] = ((f[(k + 1) * n + i] as number) - (f[i] as number)) / h;
      jac[i * p + d] = 1;
    }
    const a = new Float64Array(p * p);
    const g = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const row = i * p;
      for (let j = 0; j < p; j++) {
        const jj = jac[row + j] as number;
        g[j] = (g[j] as number) + jj * (res[i] as number);
        for (let k = 0; k <= j; k++) a[j * p + k] = (a[j * p + k] as number) + jj * (jac[row + k] as number);
      }
    }
    for (let k = 0; k < p; k++) {
      a[k * p + k] = (a[k * p + k] as number) + (lambda[k] as number);
      g[k] = (g[k] as number) - (lambda[k] as number) * (theta[k] as number);
    }
    const delta = solveSpd(a, g, p);
    const next = new Float64Array(p);
    for (let k = 0; k < p; k++) next[k] = (theta[k] as number) + (delta[k] as number);
    theta = next;
  }
  const fitted = best as { theta: Float64Array; sse: number };
  return {
    vec: Float32Array.from(fitted.theta.subarray(0, d)),
    bias: fitted.theta[d] as number,
    rmse: Math.sqrt(fitted.sse / n),
    evaluations: made,
  };
}

/**
 * Solves A·x = b for a small symmetric positive-definite A (Cholesky, float64). Fold-in's A = JᵀJ + Λ is
 * (dim+1) × (dim+1) and positive definite by construction (Λ > 0).
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
