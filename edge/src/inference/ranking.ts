/**
 * Top-N ranking of movies for one user vector with the serving graph. Two strategies; which one a version uses is
 * decided by measurement when it loads (calibration.ts):
 *
 * * `exhaustive`: the graph scores every eligible movie. Its first layer costs one [dim × H1] product per user
 *   because the movie half is precomputed, so the cost is the remaining layers over all movies.
 * * `pruned`: movies are visited in decreasing order of the cheap proxy (b_movie, + e_user·e_movie for hybrid;
 *   proxy.ts) and scored in growing batches. Since rating = proxy + g and g's spread over the movies
 *   of a user is at most `spread` (measured at load time, with a margin), no unscored movie can beat
 *   proxy(next) + min g(scored) + spread; once that is below the current N-th best rating, the top-N is final.
 *   When the bound does not prune, the remaining movies are scored too, so the result is never worse than
 *   exhaustive for a user whose spread is within the bound.
 * * `quantized` (kernel only): the kernel's approximate int8 pass (kernel/mlp.wat) rates every eligible movie; with
 *   `margin` an upper bound of |approximate − exact| (measured at load time, with a safety factor), every movie of
 *   the exact top-N has an approximate rating ≥ (N-th best approximate) − 2·margin, so exactly those candidates are
 *   rated by the exact kernel and ranked. The returned ratings are always the exact kernel's. When a candidate's
 *   exact rating is further than `margin` from its approximate one, the bound does not hold for this user: the
 *   request falls back to exhaustive scoring (logged) rather than trust the candidates.
 *
 * Either way the movies are scored by the version's executor: the WebAssembly SIMD kernel (kernel/mlp.wat) when
 * calibration verified it against the graph, else onnxruntime-web running the graph itself.
 */
import { topK } from '../../../shared/src/kernels/top-k.ts';
import type { TwoStagePlan } from '../../../shared/src/kernels/two-stage.ts';
import { rankTwoStage } from './two-stage.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { filledInt64, rangeInt64, toInt64 } from './pairs.ts';
import { proxyScores } from './proxy.ts';
import { kthLargest } from './select.ts';
import type { ServingModel } from './serving-model.ts';

export type Strategy = 'exhaustive' | 'pruned' | 'quantized' | 'two-stage';

/** What scores movies for ranking: the verified SIMD kernel, or onnxruntime-web on the graph. */
export type Executor = 'wasm-kernel' | 'onnxruntime';

/** How a version ranks, from calibration. */
export interface RankingPlan {
  strategy: Strategy;
  executor: Executor;
  /** Upper bound of max − min of g = rating − proxy over the movies of one user (Infinity when unknown). */
  spread: number;
  /** Movies the pruned strategy scores in its first batch (each further batch doubles); from calibration. */
  firstBatch?: number;
  /** Upper bound of |approximate − exact| rating for the quantized strategy (Infinity when unknown). */
  margin?: number;
  /**
   * The largest error scale (MlpKernel.approximationScale) among the users `margin` was measured on: a user whose
   * scale is k times larger gets a k times larger margin (0 or absent: no scaling).
   */
  marginScale?: number;
}

/** The part of a loaded version ranking needs. */
export interface RankingContext {
  catalog: MovieCatalog;
  model: ServingModel;
  arch: 'dcf' | 'hybrid';
  plan: RankingPlan;
  /** The version's two-stage plan (manifest `ranking`); when present, top-N goes through two-stage.ts. */
  twoStage?: TwoStagePlan & { historyWeight: number };
}

/** One user as the graph sees it. */
export interface UserVector {
  /** [dim]. */
  vec: Float32Array;
  bias: number;
}

export interface RankOptions {
  limit: number;
  /** Dense movie indices never returned, ascending. */
  exclude?: Int32Array;
  /** Only movies having at least one of these genres (GENRES bit mask); 0 = no filter. */
  genreMask?: number;
  /** Overrides the version's strategy (benchmarks compare them this way). */
  strategy?: Strategy;
  /**
   * The movies the user rated, the history part of the preference's user vector (two-stage only; default
   * `exclude`, which is the rated movies unless the caller asked to keep them).
   */
  history?: Int32Array;
}

/** Ranked dense movie indices, best first, with the graph's (unclipped) predicted ratings. */
export interface Ranked {
  indices: Int32Array;
  ratings: Float32Array;
  strategy: Strategy;
  /**
   * Eligible movies the graph scored (ineligible ones scored along with the whole catalogue are not counted); for
   * `quantized`, the candidates rated exactly (every eligible movie was rated approximately).
   */
  scored: number;
}

/** Exhaustive ranking scores the whole catalogue when at most this share of it is ineligible. */
const ALL_MOVIES_WASTE = 0.02;

/** First batch of the pruned strategy when calibration did not size it; each further batch doubles. */
export const FIRST_BATCH = 256;

/** Per catalogue, reused by every whole-catalogue call: pair_movie = 0..M-1 and pair_user = 0 (one user). */
const wholeCatalogue = new WeakMap<MovieCatalog, { movies: BigInt64Array; user: BigInt64Array }>();

function wholeCataloguePairs(catalog: MovieCatalog): { movies: BigInt64Array; user: BigInt64Array } {
  let pairs = wholeCatalogue.get(catalog);
  if (pairs === undefined) {
    pairs = { movies: rangeInt64(catalog.numMovies), user: filledInt64(catalog.numMovies, 0) };
    wholeCatalogue.set(catalog, pairs);
  }
  return pairs;
}

/**
 * Scores movies for one user with the plan's executor.
 * @returns [candidates.length] (or [numMovies] for 'all') predicted ratings, unclipped
 */
export function scoreMovies(
  ctx: Pick<RankingContext, 'catalog' | 'model'> & { plan: Pick<RankingPlan, 'executor'> },
  user: UserVector,
  candidates: Int32Array | 'all',
): Promise<Float32Array> {
  const { kernel } = ctx.model;
  if (ctx.plan.executor === 'wasm-kernel' && kernel !== undefined) {
    try {
      return Promise.resolve(
        kernel.score(user.vec, user.bias, candidates === 'all' ? undefined : candidates),
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
  return scoreWithGraph(ctx, user, candidates);
}

/**
 * Scores movies for one user with onnxruntime-web on the serving graph (the reference executor).
 * @returns [candidates.length] (or [numMovies] for 'all') predicted ratings, unclipped
 */
export function scoreWithGraph(
  ctx: Pick<RankingContext, 'catalog' | 'model'>,
  user: UserVector,
  candidates: Int32Array | 'all',
): Promise<Float32Array> {
  const whole = wholeCataloguePairs(ctx.catalog);
  // pair_user is all zeros either way (one user), so a view of the cached zeros serves any candidate count.
  const pairs =
    candidates === 'all'
      ? whole
      : { movies: toInt64(candidates), user: whole.user.subarray(0, candidates.length) };
  return ctx.model.score({
    userVec: user.vec,
    userBias: Float32Array.of(user.bias),
    pairUser: pairs.user,
    pairMovie: pairs.movies,
  });
}

/** 0 for eligible movies, NaN for excluded ones or ones without a wanted genre (the proxy's NaN convention). */
function eligibilityMask(catalog: MovieCatalog, genreMask: number, exclude: Int32Array): Float32Array {
  const out = new Float32Array(catalog.numMovies);
  markIneligible(out, catalog, genreMask, exclude);
  return out;
}

/** Sets NaN (the proxy's convention for "ineligible") on excluded movies and ones without a wanted genre. */
function markIneligible(
  values: Float32Array,
  catalog: MovieCatalog,
  genreMask: number,
  exclude: Int32Array,
): void {
  if (genreMask !== 0) {
    for (let m = 0; m < values.length; m++) {
      if (((catalog.genres[m] as number) & genreMask) === 0) values[m] = NaN;
    }
  }
  for (const m of exclude) if (m >= 0 && m < values.length) values[m] = NaN;
}

/**
 * The pruning proxy per movie (NaN for ineligible movies): the kernel's SIMD version (mu + b_movie + dot) when it
 * ranks, else proxy.ts's (b_movie + dot). They differ by the constant mu, which the bound does not see: it only
 * uses differences of g = rating − proxy within one request, and the spread of g, which a constant leaves alone.
 */
function pruningProxy(
  ctx: RankingContext,
  vec: Float32Array,
  genreMask: number,
  exclude: Int32Array,
): Float32Array {
  const { kernel } = ctx.model;
  if (ctx.plan.executor !== 'wasm-kernel' || kernel === undefined) {
    return proxyScores(ctx.catalog, ctx.arch, vec, genreMask, exclude);
  }
  const proxy = kernel.proxy(vec);
  markIneligible(proxy, ctx.catalog, genreMask, exclude);
  return proxy;
}

/** The eligible (non-NaN) proxy values, in movie order. */
function eligibleValues(proxy: Float32Array): Float32Array {
  const out = new Float32Array(proxy.length);
  let n = 0;
  for (let m = 0; m < proxy.length; m++) if (proxy[m] === proxy[m]) out[n++] = proxy[m] as number;
  return out.subarray(0, n);
}

/** Movies whose proxy is in [lower, upper) (NaN is in no range). */
function inRange(proxy: Float32Array, lower: number, upper: number): Int32Array {
  const out = new Int32Array(proxy.length);
  let n = 0;
  for (let m = 0; m < proxy.length; m++) {
    const p = proxy[m] as number;
    if (p >= lower && p < upper) out[n++] = m;
  }
  return out.subarray(0, n);
}

/** The largest proxy below `upper` (−Infinity when there is none). */
function largestBelow(proxy: Float32Array, upper: number): number {
  let best = -Infinity;
  for (let m = 0; m < proxy.length; m++) {
    const p = proxy[m] as number;
    if (p < upper && p > best) best = p;
  }
  return best;
}

/** Dense indices of the eligible (non-NaN) entries. */
function eligible(proxy: Float32Array): Int32Array {
  const out = new Int32Array(proxy.length);
  let n = 0;
  for (let m = 0; m < proxy.length; m++) if (proxy[m] === proxy[m]) out[n++] = m;
  return out.subarray(0, n);
}

/**
 * The `limit` best movies for a user, excluding `exclude` and filtered by genre.
 * @throws RangeError when the user vector's length is not the model's dim
 */
export async function rankMovies(
  ctx: RankingContext,
  user: UserVector,
  options: RankOptions,
): Promise<Ranked> {
  const { catalog } = ctx;
  if (user.vec.length !== catalog.dim) {
    throw new RangeError(`user vector must have ${catalog.dim} values (got ${user.vec.length})`);
  }
  if (ctx.twoStage !== undefined && options.strategy === undefined) {
    return rankTwoStage(ctx, ctx.twoStage, user, options, (movies) => scoreWithGraph(ctx, user, movies));
  }
  const strategy = options.strategy ?? ctx.plan.strategy;
  const mask = options.genreMask ?? 0;
  const exclude = options.exclude ?? new Int32Array(0);
  if (strategy === 'quantized') {
    const ranked = rankQuantized(ctx, user, options.limit, eligibilityMask(catalog, mask, exclude));
    if (ranked !== undefined) return ranked;
    return rankMovies(ctx, user, { ...options, strategy: 'exhaustive' });
  }
  const pruned = strategy === 'pruned' && Number.isFinite(ctx.plan.spread);
  // Exhaustive ranking only needs eligibility; the proxy (a matVec for hybrid) is computed when pruning.
  const proxy = pruned ? pruningProxy(ctx, user.vec, mask, exclude) : eligibilityMask(catalog, mask, exclude);
  const full = new Float32Array(catalog.numMovies).fill(NaN);
  let scored = 0;
  const score = async (movies: Int32Array | 'all'): Promise<void> => {
    const ratings = await scoreMovies(ctx, user, movies);
    if (movies === 'all') {
      // Ineligible movies keep NaN so topK skips them (and do not count as scored).
      for (let m = 0; m < ratings.length; m++) {
        if (proxy[m] === proxy[m]) {
          full[m] = ratings[m] as number;
          scored++;
        }
      }
    } else {
      for (let i = 0; i < movies.length; i++) full[movies[i] as number] = ratings[i] as number;
      scored += ratings.length;
    }
  };
  if (!pruned) {
    const candidates = eligible(proxy);
    // When few movies are ineligible (a user's rated movies), scoring them too is cheaper than building index
    // tensors for the rest: the cached whole-catalogue pairs are reused and ineligible ratings stay NaN.
    const wasted = catalog.numMovies - candidates.length;
    await score(wasted <= catalog.numMovies * ALL_MOVIES_WASTE ? 'all' : candidates);
  } else {
    // Visit movies in decreasing proxy order, one batch at a time. A batch is every eligible movie whose proxy lies
    // in [lower, upper), lower being the (taken + batch)-th largest eligible proxy (quickselect): the bound needs
    // the largest proxy left unscored, never the order within a batch, so nothing is sorted. Calibration sizes the
    // first batch so that most users settle within it.
    const values = eligibleValues(proxy);
    const n = values.length;
    let taken = 0;
    let upper = Infinity;
    let gMin = Infinity;
    for (let batch = ctx.plan.firstBatch ?? FIRST_BATCH; taken < n; batch *= 2) {
      const lower = kthLargest(values, Math.min(n, taken + batch));
      const next = inRange(proxy, lower, upper);
      await score(next);
      for (const m of next) gMin = Math.min(gMin, (full[m] as number) - (proxy[m] as number));
      taken += next.length;
      upper = lower;
      if (taken >= n || taken < options.limit) continue;
      const nth = topK(full, options.limit).scores[options.limit - 1] as number;
      if (largestBelow(proxy, upper) + gMin + ctx.plan.spread < nth) break;
    }
  }
  const best = topK(full, options.limit);
  return {
    indices: best.indices,
    ratings: best.scores,
    strategy: strategy === 'exhaustive' || !Number.isFinite(ctx.plan.spread) ? 'exhaustive' : 'pruned',
    scored,
  };
}

/** Fallbacks of the quantized strategy logged so far in this isolate (the first few are logged). */
let quantizedFallbacks = 0;
const LOGGED_FALLBACKS = 10;

/**
 * The quantized strategy (see the file comment), or undefined when it cannot serve this request: no verified
 * kernel, no finite margin, or a candidate off by more than the margin (then the caller ranks exhaustively).
 * @param eligibility 0 for eligible movies, NaN for the others
 */
function rankQuantized(
  ctx: RankingContext,
  user: UserVector,
  limit: number,
  eligibility: Float32Array,
): Ranked | undefined {
  const { kernel } = ctx.model;
  const calibrated = ctx.plan.margin ?? Infinity;
  if (ctx.plan.executor !== 'wasm-kernel' || kernel === undefined || !Number.isFinite(calibrated))
    return undefined;
  const { numMovies } = ctx.catalog;
  let n = 0;
  for (let m = 0; m < numMovies; m++) if (eligibility[m] === 0) n++;
  if (n <= limit) return undefined;
  // Approximate ratings by movie, NaN for ineligible ones (x + NaN is NaN): the whole catalogue when few movies are
  // ineligible (as for exhaustive ranking), else only the eligible ones.
  let approx: Float32Array;
  if (numMovies - n <= numMovies * ALL_MOVIES_WASTE) {
    approx = kernel.approximate(user.vec, user.bias);
    for (let m = 0; m < numMovies; m++) approx[m] = (approx[m] as number) + (eligibility[m] as number);
  } else {
    const movies = eligible(eligibility);
    const some = kernel.approximate(user.vec, user.bias, movies);
    approx = eligibility.slice();
    for (let k = 0; k < n; k++) approx[movies[k] as number] = some[k] as number;
  }
  // The int8 pass's errors grow with the user's error scale: beyond the calibration users' largest, so does the
  // margin (a candidate check alone would not see a movie left out by a too-small margin).
  const reference = ctx.plan.marginScale ?? 0;
  const margin = reference > 0 ? calibrated * Math.max(1, kernel.approximationScale / reference) : calibrated;
  const threshold = (topK(approx, limit).scores[limit - 1] as number) - 2 * margin;
  const picked = new Int32Array(n);
  const pickedApprox = new Float32Array(n);
  let c = 0;
  for (let m = 0; m < numMovies; m++) {
    const a = approx[m] as number;
    if (a >= threshold) {
      picked[c] = m;
      pickedApprox[c++] = a;
    }
  }
  // Fewer than `limit` candidates means NaN approximations (a broken pass): nothing here can be trusted.
  if (c < limit) return undefined;
  const candidates = picked.subarray(0, c);
  const exact = kernel.score(user.vec, user.bias, candidates);
  let worst = 0;
  for (let k = 0; k < c; k++) {
    const diff = Math.abs((exact[k] as number) - (pickedApprox[k] as number));
    if (!(diff <= worst)) worst = Number.isNaN(diff) ? Infinity : diff;
  }
  if (worst > margin) {
    if (quantizedFallbacks++ < LOGGED_FALLBACKS) {
      console.warn(
        `quantized ranking: a candidate's approximate rating is off by ${worst.toExponential(2)}, beyond the ` +
          `calibrated margin ${margin.toExponential(2)}; ranking this request exhaustively`,
      );
    }
    return undefined;
  }
  // Candidates are in ascending movie order, so topK's tie rule (lower index first) orders ties as over all movies.
  const best = topK(exact, limit);
  const indices = best.indices.map((k) => candidates[k] as number);
  return { indices, ratings: best.scores, strategy: 'quantized', scored: c };
}
