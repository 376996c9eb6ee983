import { describe, expect, it } from 'vitest';
import { randomSplit } from '../data/split/random.ts';
import { predictReference } from '../model/reference.ts';
import { deepRatingModel } from './deep-model.ts';
import { evaluateModel, flattenMetrics } from './evaluate.ts';
import { formatResultsTable } from './format-table.ts';
import { plantedTable, randomWeights, splitOf, tinyTable } from '../../../tools/evaluation-data.ts';
import type { RatingModel } from './types.ts';

/** Scores movie m as numMovies − m for every user (movie 0 best) and predicts 4 for every pair. */
function fixedModel(numMovies: number): RatingModel {
  return {
    name: 'fixed',
    predict: (users) => new Float32Array(users.length).fill(4),
    scoreAll: (_user, out) => {
      for (let m = 0; m < numMovies; m++) out[m] = numMovies - m;
    },
  };
}

describe('evaluateModel', () => {
  // Rows:          0          1          2          3          4          5          6          7          8
  const table = tinyTable(
    [
      [0, 0, 5],
      [0, 1, 3],
      [1, 2, 4],
      [2, 0, 2], // train
      [0, 2, 5],
      [0, 3, 4],
      [0, 4, 2],
      [1, 0, 3],
      [2, 5, 4], // test
      [1, 2, 5], // test: a relevant movie user 1 already rated in training does not count
    ],
    3,
    6,
  );
  const split = splitOf([0, 1, 2, 3], [4, 5, 6, 7, 8, 9]);

  it('matches a hand computation on a tiny split', () => {
    const r = evaluateModel(fixedModel(6), table, split, { k: 2 });
    // Errors of the constant 4: [-1, 0, 2, 1, 0, -1].
    expect(r.accuracy.rmse).toBeCloseTo(Math.sqrt(7 / 6), 6);
    expect(r.accuracy.mae).toBeCloseTo(5 / 6, 6);
    // User 0: candidates 2..5, top [2, 3], both relevant. User 2: candidates 1..5, top [1, 2], relevant {5}: miss.
    // User 1 has no relevant movie it could be recommended, so it is not ranked.
    expect(r.ranking).toMatchObject({ users: 2, eligibleUsers: 2, sampled: false, meanCandidates: 4.5 });
    expect(r.ranking.precision).toBeCloseTo(0.5, 12);
    expect(r.ranking.recall).toBeCloseTo(0.5, 12);
    expect(r.ranking.ndcg).toBeCloseTo(0.5, 12);
    expect(r.ranking.map).toBeCloseTo(0.5, 12);
    expect(r.ranking.hit).toBeCloseTo(0.5, 12);
    expect(r.ranking.coverage).toBeCloseTo(3 / 6, 12); // movies 1, 2, 3
    expect(r.residuals.byRating.map((row) => row.label)).toEqual(['2', '3', '4', '5']);
  });

  it('flattens to the documented metric keys', () => {
    const r = evaluateModel(fixedModel(6), table, split, { k: 2 });
    expect(Object.keys(flattenMetrics(r))).toEqual([
      'test.rmse',
      'test.mae',
      'test.ndcg@2',
      'test.precision@2',
      'test.recall@2',
      'test.map@2',
      'test.hit@2',
      'test.coverage@2',
      'test.popularity_pct@2',
      'test.ratings',
      'test.ranked_users',
    ]);
    expect(flattenMetrics(r, 'baselines.fixed')['baselines.fixed.rmse']).toBeCloseTo(Math.sqrt(7 / 6), 6);
    expect(formatResultsTable([r])).toMatch(/^model\s+RMSE\s+MAE\s+NDCG@2/);
  });

  it('samples at most maxUsers users, reproducibly, and says so', () => {
    const big = plantedTable({
      numUsers: 60,
      numMovies: 30,
      density: 0.4,
      seed: 5,
      rating: (u, m) => 1 + ((u + m) % 5),
    });
    const bigSplit = randomSplit(big, 0.3, 1);
    const all = evaluateModel(fixedModel(30), big, bigSplit, { maxUsers: Infinity });
    const a = evaluateModel(fixedModel(30), big, bigSplit, { maxUsers: 10, seed: 3 });
    const b = evaluateModel(fixedModel(30), big, bigSplit, { maxUsers: 10, seed: 3 });
    expect(all.ranking.sampled).toBe(false);
    expect(all.ranking.users).toBe(all.ranking.eligibleUsers);
    expect(a.ranking).toMatchObject({ users: 10, eligibleUsers: all.ranking.users, sampled: true, seed: 3 });
    expect(b.ranking).toEqual(a.ranking);
    // Accuracy always uses every test rating.
    expect(a.accuracy).toEqual(all.accuracy);
  });

  it('gives the deep model adapter the same numbers as the reference forward pass', () => {
    const t = plantedTable({
      numUsers: 25,
      numMovies: 40,
      density: 0.3,
      seed: 9,
      rating: (u, m) => 1 + ((u * 7 + m) % 5),
      scale: { min: 1, max: 5, step: 1 },
    });
    const s = randomSplit(t, 0.25, 2);
    const w = randomWeights(25, 40, 4);
    const reference: RatingModel = {
      name: 'reference',
      predict: (users, movies) => predictReference(w, users, movies),
      scoreAll: (user, out) => {
        const movies = Int32Array.from({ length: 40 }, (_, m) => m);
        out.set(predictReference(w, new Int32Array(40).fill(user), movies));
      },
    };
    const deep = evaluateModel(deepRatingModel(w), t, s);
    const ref = evaluateModel(reference, t, s);
    expect(deep.accuracy.rmse).toBeCloseTo(ref.accuracy.rmse, 4);
    expect(deep.ranking.ndcg).toBeCloseTo(ref.ranking.ndcg, 4);
    expect(deep.ranking.coverage).toBeCloseTo(ref.ranking.coverage, 4);
    expect(deep.ranking.users).toBeGreaterThan(10);
  });

  it('rejects a split without test ratings and a bad k', () => {
    expect(() => evaluateModel(fixedModel(6), table, splitOf([0, 1], []))).toThrow(/no test ratings/);
    expect(() => evaluateModel(fixedModel(6), table, split, { k: 0 })).toThrow(/k: expected a whole number/);
  });
});
