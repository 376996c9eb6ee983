/**
 * Baselines on planted data: each must recover the structure it models, and the richer model must beat the
 * simpler one where the data has structure only the richer one can express.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../shared/src/kernels/prng.ts';
import { randomSplit } from '../../data/split/random.ts';
import { evaluateModel } from '../evaluate.ts';
import { plantedTable } from '../../../../tools/evaluation-data.ts';
import { fitBiases } from './biases.ts';
import { biasedBaselineModel } from './biased-baseline.ts';
import { contentModel } from './content.ts';
import { matrixFactorizationModel, fitMatrixFactorization } from './matrix-factorization.ts';
import { trainBaselines } from './index.ts';
import { trainData } from './train-data.ts';

function uniform(seed: number, n: number, scale: number): Float64Array {
  const rng = createRng(seed, 1);
  return Float64Array.from({ length: n }, () => (rng.nextFloat() * 2 - 1) * scale);
}

function centered(a: ArrayLike<number>): number[] {
  const values = Array.from(a);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.map((v) => v - mean);
}

describe('biased baseline', () => {
  it('recovers planted user and movie biases', () => {
    const bu = uniform(1, 80, 1);
    const bi = uniform(2, 60, 1);
    const table = plantedTable({
      numUsers: 80,
      numMovies: 60,
      density: 0.5,
      seed: 3,
      noise: 0.05,
      rating: (u, m) => 3.5 + (bu[u] as number) + (bi[m] as number),
    });
    const all = Int32Array.from({ length: table.count }, (_, i) => i);
    const fit = fitBiases(
      trainData(table, {
        train: all,
        test: new Int32Array(0),
        coldUsers: 0,
        coldMovies: 0,
        description: 'all',
      }),
      {
        sweeps: 30,
        regUser: 0.01,
        regMovie: 0.01,
      },
    );
    // Biases are identified up to a shared constant, so compare centered vectors.
    const gotUser = centered(fit.userBias);
    const gotMovie = centered(fit.movieBias);
    centered(bu).forEach((v, u) => expect(Math.abs(v - (gotUser[u] as number))).toBeLessThan(0.05));
    centered(bi).forEach((v, m) => expect(Math.abs(v - (gotMovie[m] as number))).toBeLessThan(0.05));
  });
});

describe('matrix factorization', () => {
  const numUsers = 150;
  const numMovies = 120;
  const rank = 3;
  const rng = createRng(11, 2);
  const normal = (): number =>
    Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
  const P = Float64Array.from({ length: numUsers * rank }, () => normal() * 0.6);
  const Q = Float64Array.from({ length: numMovies * rank }, () => normal() * 0.6);
  const bu = uniform(4, numUsers, 0.3);
  const bi = uniform(5, numMovies, 0.3);
  const table = plantedTable({
    numUsers,
    numMovies,
    density: 0.3,
    seed: 6,
    noise: 0.1,
    rating: (u, m) => {
      let dot = 0;
      for (let f = 0; f < rank; f++) dot += (P[u * rank + f] as number) * (Q[m * rank + f] as number);
      return 3 + (bu[u] as number) + (bi[m] as number) + dot;
    },
  });
  const split = randomSplit(table, 0.2, 7);
  const data = trainData(table, split);
  const options = { factors: 8, epochs: 80, learningRate: 0.01, regularization: 0.02, seed: 1 };

  it('beats the biased baseline on planted low-rank data', () => {
    const mf = evaluateModel(matrixFactorizationModel(data, options), table, split);
    const biased = evaluateModel(biasedBaselineModel(data), table, split);
    // Seen here: biased 0.64, mf 0.20 (noise floor 0.1).
    expect(biased.accuracy.rmse).toBeGreaterThan(0.5);
    expect(mf.accuracy.rmse).toBeLessThan(0.5 * biased.accuracy.rmse);
    expect(mf.ranking.ndcg).toBeGreaterThan(biased.ranking.ndcg);
  });

  it('is deterministic for a seed and zeroes the factors of users without training ratings', () => {
    const a = fitMatrixFactorization(data, { ...options, epochs: 3 });
    const b = fitMatrixFactorization(data, { ...options, epochs: 3 });
    const c = fitMatrixFactorization(data, { ...options, epochs: 3, seed: 2 });
    expect(a.movieFactors).toEqual(b.movieFactors);
    expect(a.movieFactors).not.toEqual(c.movieFactors);
    // Drop every training rating of user 0: its factors and bias must be zero.
    const without0 = { ...data };
    const keep = Array.from(data.users.keys()).filter((i) => data.users[i] !== 0);
    without0.users = Int32Array.from(keep, (i) => data.users[i] as number);
    without0.movies = Int32Array.from(keep, (i) => data.movies[i] as number);
    without0.ratings = Float32Array.from(keep, (i) => data.ratings[i] as number);
    const cold = fitMatrixFactorization(without0, { ...options, epochs: 2 });
    expect(Array.from(cold.userFactors.subarray(0, options.factors)).every((v) => v === 0)).toBe(true);
    expect(cold.userBias[0]).toBe(0);
  });
});

describe('content baseline', () => {
  const numUsers = 120;
  const numMovies = 100;
  const taste = uniform(8, numUsers * 4, 1);
  const genreOf = (m: number): number => m % 4;
  const table = plantedTable({
    numUsers,
    numMovies,
    density: 0.3,
    seed: 9,
    noise: 0.2,
    rating: (u, m) => 3 + (taste[u * 4 + genreOf(m)] as number),
    genres: (m) => 1 << genreOf(m),
  });
  const split = randomSplit(table, 0.2, 3);
  const data = trainData(table, split);

  it('learns planted genre tastes that the biased baseline cannot express', () => {
    const content = evaluateModel(contentModel(data, table.movieInfo!), table, split);
    const biased = evaluateModel(biasedBaselineModel(data), table, split);
    // Seen here: biased 0.55, content 0.35 (noise floor 0.2; the genre profiles are shrunk towards 0).
    expect(content.accuracy.rmse).toBeLessThan(0.7 * biased.accuracy.rmse);
  });

  it('is skipped with a note when the data has no genres, and trained in the order asked', () => {
    const { movieInfo: _drop, ...noGenres } = table;
    const without = trainBaselines(noGenres, split, { names: ['content', 'global-mean'] });
    expect(without.models.map((m) => m.name)).toEqual(['global-mean']);
    expect(without.notes[0]).toMatch(/content: skipped/);
    const withGenres = trainBaselines(table, split, { names: ['content', 'biased', 'popularity'] });
    expect(withGenres.models.map((m) => m.name)).toEqual(['content', 'biased', 'popularity']);
    expect(withGenres.notes).toEqual([]);
  });
});
