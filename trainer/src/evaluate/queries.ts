/**
 * Offline queries for analysts with the same kernels the edge serves with: top-N recommendations for a known
 * user (deep scorer + shared topK, rated movies excluded) and similar movies (cosine of L2-normalized movie
 * embeddings via the shared matVec + topK).
 */
import { UsageError } from '../../../shared/src/errors.ts';
import { topK } from '../../../shared/src/kernels/top-k.ts';
import { l2NormalizeRows, matVec } from '../../../shared/src/kernels/vectors.ts';
import type { RatingScale } from '../data/types.ts';
import type { Ranker } from '../model/ranker.ts';
import type { ModelWeights } from '../model/weights.ts';

/** One ranked movie: dense index and score (a predicted rating, or a cosine similarity). */
export interface RankedMovie {
  rank: number;
  movie: number;
  score: number;
}

/**
 * Dense index of an external id, or a UsageError naming the id.
 * @param hint appended to the message, e.g. how to serve unknown users
 */
export function denseIndexOrThrow(ids: Int32Array, id: number, what: string, hint = ''): number {
  const index = ids.indexOf(id);
  if (index < 0) throw new UsageError(`unknown ${what} id ${id}: the model was not trained on it.${hint}`);
  return index;
}

/**
 * The `limit` best movies for a user as the ranker orders them (the version's two-stage path, or by predicted
 * rating for a model without a preference head), excluding `rated` (sorted dense indices). `score` is the
 * predicted rating, clipped to the scale for display, as the edge returns it.
 */
export function recommendForUser(
  ranker: Ranker,
  user: number,
  rated: Int32Array,
  limit: number,
  scale: RatingScale,
): RankedMovie[] {
  const top = ranker.rank(user, limit, rated);
  return Array.from(top.movies, (movie, i) => ({
    rank: i + 1,
    movie,
    score: Math.min(scale.max, Math.max(scale.min, top.ratings[i] as number)),
  }));
}

/** The `limit` movies whose normalized embeddings are most similar (cosine) to the given movie, itself excluded. */
export function similarMovies(weights: ModelWeights, movie: number, limit: number): RankedMovie[] {
  const { movieEmb, numMovies, dim } = weights;
  if (!Number.isInteger(movie) || movie < 0 || movie >= numMovies) {
    throw new RangeError(`movie index ${movie} out of range [0, ${numMovies})`);
  }
  const normalized = l2NormalizeRows(movieEmb, numMovies, dim);
  const sims = matVec(normalized, numMovies, dim, normalized.subarray(movie * dim, (movie + 1) * dim));
  const top = topK(sims, limit, { sorted: Int32Array.of(movie) });
  return Array.from(top.indices, (m, i) => ({ rank: i + 1, movie: m, score: top.scores[i] as number }));
}
