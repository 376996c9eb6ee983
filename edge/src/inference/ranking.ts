/**
 * Top-N ranking of movies for one user vector. onnxruntime-web rates movies with the version's serving graph; which
 * movies it rates depends on the version:
 *
 * * `two-stage` (versions whose model has a preference head, manifest `ranking`): a preference scan over the movie
 *   table retrieves the plan's C movies, the graph rates only those, and a blend of preference and rating orders
 *   them (two-stage.ts; the trainer's evaluate / recommend run the same shared functions).
 * * `exhaustive` (versions without one: trained with `--pref-weight 0`, or older): the graph rates every eligible
 *   movie and the highest predicted ratings win. Correct, but a 10k-movie catalogue costs tens of milliseconds;
 *   retraining with a preference head is what makes top-N fast.
 */
import { topK } from '../../../shared/src/kernels/top-k.ts';
import type { TwoStagePlan } from '../../../shared/src/kernels/two-stage.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { filledInt64, rangeInt64, toInt64 } from './pairs.ts';
import type { ServingModel } from './serving-model.ts';
import { rankTwoStage } from './two-stage.ts';

export type Strategy = 'two-stage' | 'exhaustive';

/** The part of a loaded version ranking needs. */
export interface RankingContext {
  catalog: MovieCatalog;
  model: ServingModel;
  /**
   * The version's two-stage plan and the model's history weight (manifest `ranking`); absent for a model without
   * a preference head.
   */
  plan?: TwoStagePlan & { historyWeight: number };
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
  /**
   * The movies the user rated, the history part of the preference's user vector (two-stage only; default
   * `exclude`, which is the rated movies unless the caller asked to keep them).
   */
  history?: Int32Array;
}

/**
 * Ranked dense movie indices, best first, with the graph's (unclipped) predicted ratings. For `two-stage` the order
 * is the blend's, so the ratings need not descend.
 */
export interface Ranked {
  indices: Int32Array;
  ratings: Float32Array;
  strategy: Strategy;
  /** Eligible movies the graph rated (ineligible ones rated along with the whole catalogue are not counted). */
  scored: number;
}

/** Exhaustive ranking rates the whole catalogue when at most this share of it is ineligible. */
const ALL_MOVIES_WASTE = 0.02;

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
 * Rates movies for one user with onnxruntime-web on the serving graph.
 * @returns [movies.length] (or [numMovies] for 'all') predicted ratings, unclipped
 */
export function scoreWithGraph(
  ctx: Pick<RankingContext, 'catalog' | 'model'>,
  user: UserVector,
  movies: Int32Array | 'all',
): Promise<Float32Array> {
  const whole = wholeCataloguePairs(ctx.catalog);
  // pair_user is all zeros either way (one user), so a view of the cached zeros serves any movie count.
  const pairs =
    movies === 'all' ? whole : { movies: toInt64(movies), user: whole.user.subarray(0, movies.length) };
  return ctx.model.score({
    userVec: user.vec,
    userBias: Float32Array.of(user.bias),
    pairUser: pairs.user,
    pairMovie: pairs.movies,
  });
}

/** 0 for eligible movies, NaN for excluded ones and ones without a wanted genre (topK never selects NaN). */
function eligibilityMask(catalog: MovieCatalog, genreMask: number, exclude: Int32Array): Float32Array {
  const out = new Float32Array(catalog.numMovies);
  if (genreMask !== 0) {
    for (let m = 0; m < out.length; m++) if (((catalog.genres[m] as number) & genreMask) === 0) out[m] = NaN;
  }
  for (const m of exclude) if (m >= 0 && m < out.length) out[m] = NaN;
  return out;
}

/** Rates every eligible movie and keeps the `limit` best predicted ratings. */
async function rankExhaustive(ctx: RankingContext, user: UserVector, options: RankOptions): Promise<Ranked> {
  const { catalog } = ctx;
  // NaN + rating stays NaN, so the mask also keeps ineligible movies out of topK.
  const scores = eligibilityMask(catalog, options.genreMask ?? 0, options.exclude ?? new Int32Array(0));
  const eligible = new Int32Array(catalog.numMovies);
  let n = 0;
  for (let m = 0; m < scores.length; m++) if (scores[m] === 0) eligible[n++] = m;
  // When few movies are ineligible (a user's rated movies), rating them too is cheaper than building index tensors
  // for the rest: the cached whole-catalogue pairs are reused.
  if (catalog.numMovies - n <= catalog.numMovies * ALL_MOVIES_WASTE) {
    const ratings = await scoreWithGraph(ctx, user, 'all');
    for (let m = 0; m < scores.length; m++) scores[m] = (scores[m] as number) + (ratings[m] as number);
  } else {
    const movies = eligible.subarray(0, n);
    const ratings = await scoreWithGraph(ctx, user, movies);
    for (let k = 0; k < n; k++) scores[movies[k] as number] = ratings[k] as number;
  }
  const best = topK(scores, options.limit);
  return { indices: best.indices, ratings: best.scores, strategy: 'exhaustive', scored: n };
}

/**
 * The `limit` best movies for a user, excluding `exclude` and filtered by genre: two-stage when the version has a
 * plan, else exhaustive.
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
  if (ctx.plan !== undefined) {
    return rankTwoStage(ctx, ctx.plan, user, options, (movies) => scoreWithGraph(ctx, user, movies));
  }
  return rankExhaustive(ctx, user, options);
}
