import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../shared/src/kernels/prng.ts';
import { evaluateModel, flattenMetrics } from './evaluate.ts';
import { formatResultsTable } from './format-table.ts';
import { meanPercentile, popularityPercentiles, PopularityTally } from './popularity-bias.ts';
import { splitOf, tinyTable } from '../../../tools/evaluation-data.ts';
import type { RatingModel } from './types.ts';

describe('popularityPercentiles', () => {
  it('gives each movie the share of movies with at most its count, ties alike, the most rated 100', () => {
    expect(Array.from(popularityPercentiles([5, 0, 5, 2, 9]))).toEqual([80, 20, 80, 40, 100]);
    expect(Array.from(popularityPercentiles([3, 3]))).toEqual([100, 100]);
    expect(popularityPercentiles([]).length).toBe(0);
  });

  it('matches a brute-force count on random counts', () => {
    const rand = mulberry32(21);
    const counts = Array.from({ length: 300 }, () => Math.floor(rand() * 40));
    const pct = popularityPercentiles(counts);
    counts.forEach((c, m) => {
      const atMost = counts.filter((x) => x <= c).length;
      expect(pct[m]).toBeCloseTo((100 * atMost) / counts.length, 4);
    });
  });
});

describe('PopularityTally', () => {
  it('averages each list first, so every user weighs the same, and skips empty lists', () => {
    const pct = Float32Array.of(100, 20, 40);
    expect(meanPercentile([1, 2], pct)).toBeCloseTo(30, 6);
    expect(meanPercentile([], pct)).toBeNaN();
    const tally = new PopularityTally(pct);
    expect(tally.mean()).toBeNaN();
    tally.add(Int32Array.of(0));
    tally.add(Int32Array.of(1, 2));
    tally.add(new Int32Array(0));
    expect(tally.mean()).toBeCloseTo(65, 6); // not the 53.3 of the three movies pooled
    expect(Array.from(tally.values())).toEqual([100, 20, 40]);
  });
});

describe('evaluateModel popularity percentile', () => {
  // Training counts: movie 0: 3, movie 1: 2, movie 2: 1, movies 3 and 4: 0 → percentiles 100, 80, 60, 40, 40.
  const table = tinyTable(
    [
      [0, 0, 5],
      [1, 0, 4],
      [2, 0, 3],
      [1, 1, 4],
      [2, 1, 2],
      [2, 2, 5], // train
      [0, 3, 5],
      [1, 4, 4],
      [2, 3, 4], // test
    ],
    3,
    5,
  );
  const split = splitOf([0, 1, 2, 3, 4, 5], [6, 7, 8]);
  const ranked = (name: string, order: number[]): RatingModel => ({
    name,
    predict: (users) => new Float32Array(users.length).fill(4),
    scoreAll: (_user, out) => {
      order.forEach((m, i) => (out[m] = order.length - i));
    },
  });

  it('averages the percentiles of the top-k of the ranked users, through scoreAll and through rank', () => {
    // k = 2. Best-first 4, 3, 2, 1, 0. User 0 (rated 0): [4, 3] → 40. User 1 (rated 0, 1): [4, 3] → 40.
    // User 2 (rated 0, 1, 2): [4, 3] → 40.
    const tail = evaluateModel(ranked('tail', [4, 3, 2, 1, 0]), table, split, { k: 2 });
    expect(tail.ranking.popularityPct).toBeCloseTo(40, 5);
    // Best-first 0, 1, 2, 3, 4. User 0: [1, 2] → 70; user 1: [2, 3] → 50; user 2: [3, 4] → 40.
    const head = evaluateModel(ranked('head', [0, 1, 2, 3, 4]), table, split, { k: 2 });
    expect(head.ranking.popularityPct).toBeCloseTo((70 + 50 + 40) / 3, 5);
    // A model with its own `rank` is tallied through it.
    const own: RatingModel = {
      ...ranked('own', [4, 3, 2, 1, 0]),
      rank: (_user, _k, exclude) => Int32Array.from([1, 2].filter((m) => !exclude.includes(m))),
    };
    // User 0: [1, 2] → 70; user 1: [2] → 60; user 2: [] (not counted).
    expect(evaluateModel(own, table, split, { k: 2 }).ranking.popularityPct).toBeCloseTo(65, 5);
    // The tally leaves the ranking metrics as they were: user 0's relevant movie 3 is 2nd in `tail`.
    expect(tail.ranking.hit).toBeCloseTo(1, 6);
  });

  it('is a flat key and a column of the table', () => {
    const r = evaluateModel(ranked('tail', [4, 3, 2, 1, 0]), table, split, { k: 2 });
    expect(flattenMetrics(r)['test.popularity_pct@2']).toBeCloseTo(40, 5);
    const lines = formatResultsTable([r]).split('\n');
    expect(lines[0]).toMatch(/Cov@2\s+Pop%@2$/);
    expect(lines[2]).toMatch(/\s40\.0$/);
  });
});
