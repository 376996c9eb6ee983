/**
 * Biased matrix factorization trained by SGD, the "SVD" of Funk and Koren as implemented by Surprise:
 * r = mu + b_u + b_i + p_u · q_i, per rating e = r − r̂ and
 *   b_u += lr (e − reg b_u),  b_i += lr (e − reg b_i),
 *   p_u += lr (e q_i − reg p_u),  q_i += lr (e p_u − reg q_i).
 * Defaults are Surprise's (100 factors, 20 epochs, lr 0.005, reg 0.02, init N(0, 0.1)) so results can be set
 * against its published MovieLens figures. Ratings are visited in a seeded shuffled order each epoch.
 */
import { matVec } from '../../../../shared/src/kernels/vectors.ts';
import { createRng, fillNormal, partialShuffle } from '../../../../shared/src/kernels/prng.ts';
import type { RatingModel } from '../types.ts';
import type { TrainData } from './train-data.ts';

/** PRNG streams of this baseline (distinct from the split and sampling streams). */
const INIT_STREAM = 21;
const ORDER_STREAM = 22;

export interface MatrixFactorizationOptions {
  factors?: number;
  epochs?: number;
  learningRate?: number;
  regularization?: number;
  /** Standard deviation of the normal initialization of the factors. */
  initStd?: number;
  seed?: number;
}

export const MF_DEFAULTS = {
  factors: 100,
  epochs: 20,
  learningRate: 0.005,
  regularization: 0.02,
  initStd: 0.1,
  seed: 42,
} as const;

/** Trained parameters of the factorization. */
export interface Factorization {
  mu: number;
  factors: number;
  userBias: Float32Array;
  movieBias: Float32Array;
  /** [numUsers, factors]. */
  userFactors: Float32Array;
  /** [numMovies, factors]. */
  movieFactors: Float32Array;
}

/** Fits the factorization. Users and movies without training ratings end with zero bias and zero factors. */
export function fitMatrixFactorization(
  data: TrainData,
  options: MatrixFactorizationOptions = {},
): Factorization {
  const o = { ...MF_DEFAULTS, ...options };
  const f = o.factors;
  const { users, movies, ratings, numUsers, numMovies } = data;
  const mu = data.mean;
  const initRng = createRng(o.seed, INIT_STREAM);
  const userFactors = new Float32Array(numUsers * f);
  const movieFactors = new Float32Array(numMovies * f);
  fillNormal(userFactors, o.initStd, initRng);
  fillNormal(movieFactors, o.initStd, initRng);
  const userBias = new Float32Array(numUsers);
  const movieBias = new Float32Array(numMovies);
  const lr = o.learningRate;
  const reg = o.regularization;
  const order = Int32Array.from({ length: ratings.length }, (_, i) => i);
  const orderRng = createRng(o.seed, ORDER_STREAM);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    partialShuffle(order, 0, order.length, order.length, orderRng);
    for (const i of order) {
      const u = users[i] as number;
      const m = movies[i] as number;
      const pu = u * f;
      const qi = m * f;
      let dot = 0;
      for (let j = 0; j < f; j++) dot += (userFactors[pu + j] as number) * (movieFactors[qi + j] as number);
      const bu = userBias[u] as number;
      const bi = movieBias[m] as number;
      const e = (ratings[i] as number) - (mu + bu + bi + dot);
      userBias[u] = bu + lr * (e - reg * bu);
      movieBias[m] = bi + lr * (e - reg * bi);
      for (let j = 0; j < f; j++) {
        const puj = userFactors[pu + j] as number;
        const qij = movieFactors[qi + j] as number;
        userFactors[pu + j] = puj + lr * (e * qij - reg * puj);
        movieFactors[qi + j] = qij + lr * (e * puj - reg * qij);
      }
    }
  }
  // Untrained rows still hold their random initialization; zero them so cold entities predict from biases only.
  zeroUnseen(users, numUsers, userFactors, f);
  zeroUnseen(movies, numMovies, movieFactors, f);
  return { mu, factors: f, userBias, movieBias, userFactors, movieFactors };
}

/** The factorization as a RatingModel named "mf". */
export function matrixFactorizationModel(
  data: TrainData,
  options: MatrixFactorizationOptions = {},
): RatingModel {
  const fit = fitMatrixFactorization(data, options);
  const { mu, factors: f, userBias, movieBias, userFactors, movieFactors } = fit;
  const numMovies = movieBias.length;
  return {
    name: 'mf',
    predict: (users, movies) => {
      const out = new Float32Array(users.length);
      for (let i = 0; i < users.length; i++) {
        const u = users[i] as number;
        const m = movies[i] as number;
        let dot = 0;
        for (let j = 0; j < f; j++)
          dot += (userFactors[u * f + j] as number) * (movieFactors[m * f + j] as number);
        out[i] = mu + (userBias[u] as number) + (movieBias[m] as number) + dot;
      }
      return out;
    },
    scoreAll: (user, out) => {
      matVec(movieFactors, numMovies, f, userFactors.subarray(user * f, (user + 1) * f), out);
      const base = mu + (userBias[user] as number);
      for (let m = 0; m < numMovies; m++) out[m] = (out[m] as number) + base + (movieBias[m] as number);
    },
  };
}

function zeroUnseen(index: Int32Array, count: number, factors: Float32Array, f: number): void {
  const seen = new Uint8Array(count);
  for (const x of index) seen[x] = 1;
  for (let e = 0; e < count; e++) if (seen[e] === 0) factors.fill(0, e * f, (e + 1) * f);
}
