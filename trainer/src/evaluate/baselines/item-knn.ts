/**
 * Item-based k-nearest neighbours on the binary user × movie matrix of the training rows (a user rated a
 * movie = 1, whatever the rating): sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| · |U_j|), the cosine of the movies'
 * user sets. Each movie keeps its `neighbors` most similar movies (ties to the lower index); a user's score
 * of movie i is Σ sim(j, i) over the user's training movies j that keep i as a neighbour.
 *
 * The number of neighbours is fixed (default 100, the customary choice), not chosen on validation: on the
 * standard synthetic preset NDCG@10 was not monotone in it (k = 20: 0.221, 50: 0.196, 100: 0.210, 500: 0.232),
 * so a search would mostly fit noise.
 *
 * Cost: the co-occurrence counts take Σ_users (ratings of the user)² steps, one movie at a time over a dense
 * scratch row (movies × 4 bytes), so memory stays movies × neighbours × 8 bytes for the kept lists. Scoring a
 * user costs (their ratings) × neighbours.
 *
 * Item-kNN has no rating model: predict() returns the popularity baseline's shrunk movie mean, so its RMSE
 * columns are popularity's and only its ranking columns measure item-kNN.
 */
import { topK } from '../../../../shared/src/kernels/top-k.ts';
import type { RatingModel } from '../types.ts';
import { itemsOf } from '../user-items.ts';
import { userMovieSets } from './ease.ts';
import { popularityModel } from './popularity.ts';
import type { TrainData } from './train-data.ts';

export const ITEM_KNN_DEFAULTS = {
  neighbors: 100,
  shrinkage: 10,
} as const;

export interface ItemKnnOptions {
  /** Neighbours kept per movie (default 100). */
  neighbors?: number;
  /** Pseudo-count of predict()'s shrunk movie mean (default 10, as the popularity baseline). */
  shrinkage?: number;
}

/** The kept neighbours of every movie in CSR form: movie m's are `movies[offsets[m] .. offsets[m + 1])`. */
export interface Neighbors {
  /** Length numMovies + 1. */
  offsets: Int32Array;
  /** Neighbour movie indices, most similar first. */
  movies: Int32Array;
  /** Cosine similarity of each neighbour, aligned with `movies`. */
  similarities: Float32Array;
}

/**
 * Fits item-kNN on the training rows.
 * @throws RangeError when `neighbors` is not a whole number >= 1
 */
export function itemKnnModel(data: TrainData, options: ItemKnnOptions = {}): RatingModel {
  const o = { ...ITEM_KNN_DEFAULTS, ...options };
  const sets = userMovieSets(data);
  const neighbors = cosineNeighbors(sets.offsets, sets.movies, data.numMovies, o.neighbors);
  const popularity = popularityModel(data, { shrinkage: o.shrinkage });
  return {
    name: 'item-knn',
    predict: popularity.predict,
    scoreAll: (user, out) => {
      out.fill(0);
      for (const j of itemsOf(sets, user)) {
        for (let p = neighbors.offsets[j] as number; p < (neighbors.offsets[j + 1] as number); p++) {
          const i = neighbors.movies[p] as number;
          out[i] = (out[i] as number) + (neighbors.similarities[p] as number);
        }
      }
    },
  };
}

/**
 * The `k` most cosine-similar movies of every movie, from each user's distinct movies in CSR form
 * (ascending). Movies that share no user are never neighbours, so a movie may keep fewer than `k`.
 * @throws RangeError when k is not a whole number >= 1
 */
export function cosineNeighbors(
  userOffsets: Int32Array,
  userMovies: Int32Array,
  numMovies: number,
  k: number,
): Neighbors {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`item-knn neighbors: expected a whole number >= 1 (got ${k})`);
  const numUsers = userOffsets.length - 1;
  // The users of each movie (the transpose of the user lists).
  const movieOffsets = new Int32Array(numMovies + 1);
  for (const m of userMovies) movieOffsets[m + 1]!++;
  for (let m = 0; m < numMovies; m++)
    movieOffsets[m + 1] = (movieOffsets[m + 1] as number) + (movieOffsets[m] as number);
  const cursor = movieOffsets.slice(0, numMovies);
  const movieUsers = new Int32Array(userMovies.length);
  for (let u = 0; u < numUsers; u++) {
    for (let p = userOffsets[u] as number; p < (userOffsets[u + 1] as number); p++) {
      movieUsers[cursor[userMovies[p] as number]!++] = u;
    }
  }

  const offsets = new Int32Array(numMovies + 1);
  const capacity = numMovies * Math.min(k, numMovies - 1);
  const keptMovies = new Int32Array(capacity);
  const keptSims = new Float32Array(capacity);
  const counts = new Int32Array(numMovies); // co-occurrences with the current movie, 0 outside `touched`
  const touched = new Int32Array(numMovies);
  const sims = new Float32Array(numMovies);
  let write = 0;
  for (let i = 0; i < numMovies; i++) {
    let numTouched = 0;
    for (let p = movieOffsets[i] as number; p < (movieOffsets[i + 1] as number); p++) {
      const u = movieUsers[p] as number;
      for (let q = userOffsets[u] as number; q < (userOffsets[u + 1] as number); q++) {
        const j = userMovies[q] as number;
        if (counts[j] === 0) touched[numTouched++] = j;
        counts[j]!++;
      }
    }
    // Ascending, so topK breaks ties by movie index.
    const candidates = touched.subarray(0, numTouched).sort();
    const sizeI = (movieOffsets[i + 1] as number) - (movieOffsets[i] as number);
    for (let t = 0; t < numTouched; t++) {
      const j = candidates[t] as number;
      const sizeJ = (movieOffsets[j + 1] as number) - (movieOffsets[j] as number);
      // A movie is not its own neighbour; NaN is never selected by topK.
      sims[t] = j === i ? NaN : (counts[j] as number) / Math.sqrt(sizeI * sizeJ);
      counts[j] = 0;
    }
    const top = topK(sims.subarray(0, numTouched), k);
    for (let t = 0; t < top.indices.length; t++) {
      keptMovies[write] = candidates[top.indices[t] as number] as number;
      keptSims[write] = top.scores[t] as number;
      write++;
    }
    offsets[i + 1] = write;
  }
  return { offsets, movies: keptMovies.slice(0, write), similarities: keptSims.slice(0, write) };
}
