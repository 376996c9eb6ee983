/**
 * Cold start by fold-in: a user vector and bias fitted to the ratings a new user gives, on the served model
 * itself, so the answer is that model's prediction for "a user like this".
 *
 * Objective (MAP with Gaussian priors): Σᵢ (rᵢ − f(e, b, mᵢ))² + λₑ‖e‖² + λ_b b², with λₑ = noise / σₑ² and
 * λ_b = noise / σ_b², where σₑ² is the mean squared movie-embedding entry and σ_b² the variance of the movie
 * biases (the user side is not in the isolate; the movie side is the best scale estimate at hand).
 * Minimized by a few Gauss–Newton steps from e = 0, b = 0 with backtracking. The graph is treated as a black
 * box: each step evaluates it at e and at e + h·uₖ for every dimension k in ONE call (U = dim + 1 users), giving
 * the Jacobian by forward differences (the MLP is piecewise linear, so this is exact away from ReLU kinks);
 * the rating is linear in b with slope 1.
 */
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { solveSpd } from './linear-solve.ts';
import { toInt64 } from './pairs.ts';
import type { ServingModel } from './serving-model.ts';
import type { UserVector } from './ranking.ts';

export interface FoldInOptions {
  /** Graph evaluations (each is one Gauss–Newton step after the first); default 4. */
  evaluations?: number;
  /** Rating noise variance in the objective; default 1 (rating units²). */
  noiseVariance?: number;
}

export interface FoldInResult {
  user: UserVector;
  /** Root-mean-square error of the fitted user on the given ratings. */
  rmse: number;
  /** Graph evaluations made. */
  evaluations: number;
}

interface Priors {
  embVariance: number;
  biasVariance: number;
}

const priorsCache = new WeakMap<MovieCatalog, Priors>();

function priorsOf(catalog: MovieCatalog): Priors {
  let p = priorsCache.get(catalog);
  if (p === undefined) {
    const { emb, bias } = catalog.tables;
    let ss = 0;
    for (let i = 0; i < emb.length; i++) ss += (emb[i] as number) ** 2;
    let mean = 0;
    for (let i = 0; i < bias.length; i++) mean += bias[i] as number;
    mean /= Math.max(1, bias.length);
    let vb = 0;
    for (let i = 0; i < bias.length; i++) vb += ((bias[i] as number) - mean) ** 2;
    // Floors keep the penalty finite for degenerate tables (all-zero embeddings or biases).
    p = {
      embVariance: Math.max(ss / Math.max(1, emb.length), 1e-6),
      biasVariance: Math.max(vb / Math.max(1, bias.length), 1e-4),
    };
    priorsCache.set(catalog, p);
  }
  return p;
}

/**
 * Fits a user to (movie, rating) pairs.
 * @param movies dense movie indices of the rated movies (distinct)
 * @param ratings the ratings, same length
 * @throws RangeError when the lengths differ or no rating is given
 */
export async function foldIn(
  model: ServingModel,
  catalog: MovieCatalog,
  movies: Int32Array,
  ratings: Float32Array,
  options: FoldInOptions = {},
): Promise<FoldInResult> {
  const n = movies.length;
  if (n === 0 || ratings.length !== n) {
    throw new RangeError(
      `fold-in needs one rating per movie and at least one (got ${n} movies, ${ratings.length} ratings)`,
    );
  }
  const d = catalog.dim;
  const p = d + 1;
  const evaluations = options.evaluations ?? 4;
  const noise = options.noiseVariance ?? 1;
  const { embVariance, biasVariance } = priorsOf(catalog);
  const lambda = new Float64Array(p).fill(noise / embVariance);
  lambda[d] = noise / biasVariance;
  const h = 0.05 * Math.sqrt(embVariance);

  // Rows 0..d of user_vec (e, then e + h·u_k), each against all n rated movies (the model splits long calls).
  const rated = toInt64(movies);
  const evaluate = (theta: Float64Array, rows: number): Promise<Float32Array> => {
    const userVec = new Float32Array(rows * d);
    const pairUser = new BigInt64Array(rows * n);
    const words = new Int32Array(pairUser.buffer);
    const pairMovie = new BigInt64Array(rows * n);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < d; k++) userVec[r * d + k] = theta[k] as number;
      if (r > 0) userVec[r * d + (r - 1)] = (theta[r - 1] as number) + h;
      for (let i = 0; i < n; i++) words[2 * (r * n + i)] = r;
      pairMovie.set(rated, r * n);
    }
    return model.score({
      userVec,
      userBias: new Float32Array(rows).fill(theta[d] as number),
      pairUser,
      pairMovie,
    });
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
    user: { vec: Float32Array.from(fitted.theta.subarray(0, d)), bias: fitted.theta[d] as number },
    rmse: Math.sqrt(fitted.sse / n),
    evaluations: made,
  };
}
