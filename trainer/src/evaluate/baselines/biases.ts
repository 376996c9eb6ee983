/**
 * Regularized user and movie biases, r ≈ mu + b_u + b_i, fitted by alternating least squares as in Surprise's
 * BaselineOnly (Koren 2010, section 2.1): each sweep sets b_i = Σ(r − mu − b_u) / (reg_i + n_i), then
 * b_u = Σ(r − mu − b_i) / (reg_u + n_u). Entities without training ratings keep a bias of 0.
 */
import type { TrainData } from './train-data.ts';

export interface BiasOptions {
  /** ALS sweeps (default 10). */
  sweeps?: number;
  /** Regularization of the user biases (default 15, Surprise's). */
  regUser?: number;
  /** Regularization of the movie biases (default 10, Surprise's). */
  regMovie?: number;
}

export interface Biases {
  mu: number;
  userBias: Float32Array;
  movieBias: Float32Array;
}

export function fitBiases(data: TrainData, options: BiasOptions = {}): Biases {
  const sweeps = options.sweeps ?? 10;
  const regUser = options.regUser ?? 15;
  const regMovie = options.regMovie ?? 10;
  const { users, movies, ratings, numUsers, numMovies } = data;
  const mu = data.mean;
  const userBias = new Float32Array(numUsers);
  const movieBias = new Float32Array(numMovies);
  const userCount = new Float64Array(numUsers);
  const movieCount = new Float64Array(numMovies);
  for (let i = 0; i < ratings.length; i++) {
    userCount[users[i] as number]!++;
    movieCount[movies[i] as number]!++;
  }
  const userSum = new Float64Array(numUsers);
  const movieSum = new Float64Array(numMovies);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    movieSum.fill(0);
    for (let i = 0; i < ratings.length; i++) {
      const m = movies[i] as number;
      movieSum[m] =
        (movieSum[m] as number) + (ratings[i] as number) - mu - (userBias[users[i] as number] as number);
    }
    for (let m = 0; m < numMovies; m++)
      movieBias[m] = (movieSum[m] as number) / (regMovie + (movieCount[m] as number));
    userSum.fill(0);
    for (let i = 0; i < ratings.length; i++) {
      const u = users[i] as number;
      userSum[u] =
        (userSum[u] as number) + (ratings[i] as number) - mu - (movieBias[movies[i] as number] as number);
    }
    for (let u = 0; u < numUsers; u++)
      userBias[u] = (userSum[u] as number) / (regUser + (userCount[u] as number));
  }
  return { mu, userBias, movieBias };
}
