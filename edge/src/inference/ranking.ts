/**
 * Top-N ranking of movies for one user vector with the serving graph. Two strategies, chosen by architecture
 * (measured in edge/bench/edge.ts, see edge/README.md):
 *
 * * `exhaustive` (dcf): the graph scores every candidate movie; its first layer costs one [dim × H1] product per
 *   user because the movie half is precomputed, so a full pass over 10k movies is a few milliseconds.
 * * `retrieve-rerank` (hybrid): the hybrid rating contains b_movie + e_user·e_movie, so those cheap terms (one
 *   matVec over the raw movie embeddings) pick `candidates` movies, and only those are scored by the full graph.
 */
import { matVec } from '../../../shared/src/kernels/vectors.ts';
import { topK } from '../../../shared/src/kernels/top-k.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { filledInt64, rangeInt64, toInt64 } from './pairs.ts';
import type { ServingModel } from './serving-model.ts';

export type Strategy = 'exhaustive' | 'retrieve-rerank';

/** The part of a loaded version ranking needs. */
export interface RankingContext {
  catalog: MovieCatalog;
  model: ServingModel;
  arch: 'dcf' | 'hybrid';
  /** Candidates re-ranked by the full model under `retrieve-rerank`. */
  hybridCandidates: number;
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
  /** Forces a strategy (benchmarks measure exactness this way); defaults by architecture. */
  strategy?: Strategy;
}

/** Ranked dense movie indices, best first, with the graph's (unclipped) predicted ratings. */
export interface Ranked {
  indices: Int32Array;
  ratings: Float32Array;
  strategy: Strategy;
  /** Movies the full graph scored. */
  scored: number;
}

const allMoviesCache = new WeakMap<MovieCatalog, BigInt64Array>();

/** int64 [M] of 0..M-1, one per catalog (reused by every exhaustive call). */
function allMovies(catalog: MovieCatalog): BigInt64Array {
  let all = allMoviesCache.get(catalog);
  if (all === undefined) {
    all = rangeInt64(catalog.numMovies);
    allMoviesCache.set(catalog, all);
  }
  return all;
}

/** The strategy a version uses by default. */
export function defaultStrategy(arch: 'dcf' | 'hybrid'): Strategy {
  return arch === 'hybrid' ? 'retrieve-rerank' : 'exhaustive';
}

/** Dense indices of the movies with any genre of `mask`. */
function moviesWithGenres(catalog: MovieCatalog, mask: number): Int32Array {
  const out = new Int32Array(catalog.numMovies);
  let n = 0;
  for (let m = 0; m < catalog.numMovies; m++) if ((catalog.genres[m] as number) & mask) out[n++] = m;
  return out.subarray(0, n);
}

/**
 * Scores the given movies for one user with the full graph.
 * @returns [candidates.length] predicted ratings (unclipped)
 */
export function scoreMovies(
  ctx: RankingContext,
  user: UserVector,
  candidates: Int32Array | 'all',
): Promise<Float32Array> {
  const pairMovie = candidates === 'all' ? allMovies(ctx.catalog) : toInt64(candidates);
  return ctx.model.score({
    userVec: user.vec,
    userBias: Float32Array.of(user.bias),
    pairUser: filledInt64(pairMovie.length, 0),
    pairMovie,
  });
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
  const strategy = options.strategy ?? defaultStrategy(ctx.arch);
  const mask = options.genreMask ?? 0;
  const exclude = options.exclude ?? new Int32Array(0);
  let candidates: Int32Array | 'all';
  if (strategy === 'retrieve-rerank') {
    const retrieval = matVec(catalog.tables.emb, catalog.numMovies, catalog.dim, user.vec);
    const bias = catalog.tables.bias;
    for (let m = 0; m < retrieval.length; m++) {
      retrieval[m] =
        mask !== 0 && ((catalog.genres[m] as number) & mask) === 0
          ? NaN
          : (retrieval[m] as number) + (bias[m] as number);
    }
    const picked = topK(retrieval, Math.max(ctx.hybridCandidates, options.limit), {
      sorted: exclude,
    }).indices;
    // Ascending order keeps the graph's gathers cache-friendly and makes results independent of retrieval ties.
    candidates = picked.sort();
  } else {
    candidates = mask === 0 ? 'all' : moviesWithGenres(catalog, mask);
  }
  const ratings = await scoreMovies(ctx, user, candidates);
  let full: Float32Array;
  if (candidates === 'all') {
    full = ratings;
  } else {
    full = new Float32Array(catalog.numMovies).fill(NaN);
    for (let i = 0; i < candidates.length; i++) full[candidates[i] as number] = ratings[i] as number;
  }
  const best = topK(full, options.limit, { sorted: exclude });
  return { indices: best.indices, ratings: best.scores, strategy, scored: ratings.length };
}
