/**
 * Top-N ranking of movies for one user vector with the serving graph. Two strategies; which one a version uses is
 * decided by measurement when it loads (calibration.ts):
 *
 * * `exhaustive`: the graph scores every eligible movie. Its first layer costs one [dim × H1] product per user
 *   because the movie half is precomputed, so the cost is the remaining layers over all movies.
 * * `pruned`: movies are visited in decreasing order of the cheap proxy (b_movie, + e_user·e_movie for hybrid;
 *   proxy.ts) and scored by the graph in growing batches. Since rating = proxy + g and g's spread over the movies
 *   of a user is at most `spread` (measured at load time, with a margin), no unscored movie can beat
 *   proxy(next) + min g(scored) + spread; once that is below the current N-th best rating, the top-N is final.
 *   When the bound does not prune, the remaining movies are scored too, so the result is never worse than
 *   exhaustive for a user whose spread is within the bound.
 *
 * Either way the movies are scored by the version's executor: the WebAssembly SIMD kernel (kernel/mlp.wat) when
 * calibration verified it against the graph, else onnxruntime-web running the graph itself.
 */
import { topK } from '../../../shared/src/kernels/top-k.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { filledInt64, rangeInt64, toInt64 } from './pairs.ts';
import { proxyScores } from './proxy.ts';
import type { ServingModel } from './serving-model.ts';

export type Strategy = 'exhaustive' | 'pruned';

/** What scores movies for ranking: the verified SIMD kernel, or onnxruntime-web on the graph. */
export type Executor = 'wasm-kernel' | 'onnxruntime';

/** How a version ranks, from calibration. */
export interface RankingPlan {
  strategy: Strategy;
  executor: Executor;
  /** Upper bound of max − min of g = rating − proxy over the movies of one user (Infinity when unknown). */
  spread: number;
}

/** The part of a loaded version ranking needs. */
export interface RankingContext {
  catalog: MovieCatalog;
  model: ServingModel;
  arch: 'dcf' | 'hybrid';
  plan: RankingPlan;
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
}

/** Ranked dense movie indices, best first, with the graph's (unclipped) predicted ratings. */
export interface Ranked {
  indices: Int32Array;
  ratings: Float32Array;
  strategy: Strategy;
  /** Eligible movies the graph scored (ineligible ones scored along with the whole catalogue are not counted). */
  scored: number;
}

/** Exhaustive ranking scores the whole catalogue when at most this share of it is ineligible. */
const ALL_MOVIES_WASTE = 0.02;

/** First batch of the pruned strategy; each further batch doubles. */
const FIRST_BATCH = 256;

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
  if (genreMask !== 0) {
    for (let m = 0; m < out.length; m++) if (((catalog.genres[m] as number) & genreMask) === 0) out[m] = NaN;
  }
  for (const m of exclude) if (m >= 0 && m < out.length) out[m] = NaN;
  return out;
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
  const strategy = options.strategy ?? ctx.plan.strategy;
  const mask = options.genreMask ?? 0;
  const exclude = options.exclude ?? new Int32Array(0);
  const pruned = strategy === 'pruned' && Number.isFinite(ctx.plan.spread);
  // Exhaustive ranking only needs eligibility; the proxy (a matVec for hybrid) is computed when pruning.
  const proxy = pruned
    ? proxyScores(catalog, ctx.arch, user.vec, mask, exclude)
    : eligibilityMask(catalog, mask, exclude);
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
    // Visit movies in proxy order, selecting each next batch with a bounded heap rather than sorting all movies:
    // most users settle within the first batch or two.
    let taken = 0;
    let gMin = Infinity;
    for (let batch = FIRST_BATCH; ; batch *= 2) {
      const order = topK(proxy, taken + batch + 1).indices;
      const next = order.subarray(taken, Math.min(order.length, taken + batch));
      await score(next);
      for (const m of next) gMin = Math.min(gMin, (full[m] as number) - (proxy[m] as number));
      taken += next.length;
      if (order.length <= taken) break; // every eligible movie is scored
      if (taken < options.limit) continue;
      const nth = topK(full, options.limit).scores[options.limit - 1] as number;
      if ((proxy[order[taken] as number] as number) + gMin + ctx.plan.spread < nth) break;
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
