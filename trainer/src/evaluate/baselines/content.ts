/**
 * Content baseline from genre profiles: on top of the biased baseline, a user's taste for each genre is their
 * mean residual r − (mu + b_u + b_i) over the training movies of that genre, shrunk towards 0 with a
 * pseudo-count; a movie gets the mean of the user's profile over its genres:
 *   r = mu + b_u + b_i + mean_{g ∈ genres(i)} Σ_{j ∈ R(u), g ∈ genres(j)} residual_uj / (n_ug + shrinkage).
 */
import { GENRES } from '../../../../shared/src/schemas/genres.ts';
import type { MovieTable } from '../../data/types.ts';
import type { RatingModel } from '../types.ts';
import { fitBiases, type BiasOptions } from './biases.ts';
import type { TrainData } from './train-data.ts';

export interface ContentOptions extends BiasOptions {
  /** Pseudo-count of zero residuals added to each (user, genre) profile entry (default 5). */
  shrinkage?: number;
}

/**
 * @param movieInfo genres of every movie (bit masks over GENRES)
 * @throws RangeError when movieInfo does not cover every movie
 */
export function contentModel(
  data: TrainData,
  movieInfo: MovieTable,
  options: ContentOptions = {},
): RatingModel {
  if (movieInfo.genres.length !== data.numMovies) {
    throw new RangeError(
      `movieInfo.genres must have one entry per movie: expected ${data.numMovies} (got ${movieInfo.genres.length})`,
    );
  }
  const shrinkage = options.shrinkage ?? 5;
  const { mu, userBias, movieBias } = fitBiases(data, options);
  const G = GENRES.length;
  const genreLists = Array.from(movieInfo.genres, (mask) => {
    const list: number[] = [];
    for (let g = 0; g < G; g++) if (mask & (1 << g)) list.push(g);
    return Int32Array.from(list);
  });
  const sums = new Float64Array(data.numUsers * G);
  const counts = new Float64Array(data.numUsers * G);
  for (let i = 0; i < data.ratings.length; i++) {
    const u = data.users[i] as number;
    const m = data.movies[i] as number;
    const residual = (data.ratings[i] as number) - mu - (userBias[u] as number) - (movieBias[m] as number);
    for (const g of genreLists[m] as Int32Array) {
      sums[u * G + g] = (sums[u * G + g] as number) + residual;
      counts[u * G + g]!++;
    }
  }
  const profile = new Float32Array(data.numUsers * G);
  for (let x = 0; x < profile.length; x++)
    profile[x] = (sums[x] as number) / ((counts[x] as number) + shrinkage);

  const predictOne = (u: number, m: number): number => {
    const genres = genreLists[m] as Int32Array;
    let taste = 0;
    for (const g of genres) taste += profile[u * G + g] as number;
    if (genres.length > 0) taste /= genres.length;
    return mu + (userBias[u] as number) + (movieBias[m] as number) + taste;
  };
  return {
    name: 'content',
    predict: (users, movies) => {
      const out = new Float32Array(users.length);
      for (let i = 0; i < users.length; i++) out[i] = predictOne(users[i] as number, movies[i] as number);
      return out;
    },
    scoreAll: (user, out) => {
      for (let m = 0; m < out.length; m++) out[m] = predictOne(user, m);
    },
  };
}
