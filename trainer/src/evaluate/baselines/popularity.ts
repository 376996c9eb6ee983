/**
 * Popularity: ranks movies by their number of training ratings (the same list for every user, minus what they
 * rated); predicts a movie's mean rating shrunk towards the global mean, mu + Σ(r − mu) / (n + shrinkage), so a
 * movie with one 5-star rating is not predicted at 5.
 */
import type { RatingModel } from '../types.ts';
import type { TrainData } from './train-data.ts';

export interface PopularityOptions {
  /** Pseudo-count of ratings at the global mean added to every movie (default 10). */
  shrinkage?: number;
}

export function popularityModel(data: TrainData, options: PopularityOptions = {}): RatingModel {
  const shrinkage = options.shrinkage ?? 10;
  const mu = data.mean;
  const counts = new Float32Array(data.numMovies);
  const sums = new Float64Array(data.numMovies);
  for (let i = 0; i < data.ratings.length; i++) {
    const m = data.movies[i] as number;
    counts[m]!++;
    sums[m] = (sums[m] as number) + (data.ratings[i] as number) - mu;
  }
  const means = new Float32Array(data.numMovies);
  for (let m = 0; m < data.numMovies; m++) {
    means[m] = mu + (sums[m] as number) / ((counts[m] as number) + shrinkage);
  }
  return {
    name: 'popularity',
    predict: (_users, movies) => {
      const out = new Float32Array(movies.length);
      for (let i = 0; i < movies.length; i++) out[i] = means[movies[i] as number] as number;
      return out;
    },
    scoreAll: (_user, out) => {
      out.set(counts);
    },
  };
}
