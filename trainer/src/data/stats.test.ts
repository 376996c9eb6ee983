import { describe, expect, it } from 'vitest';
import { emptyReport } from './load/options.ts';
import { computeStats, histogram, quantiles } from './stats.ts';
import type { RatingsTable } from './types.ts';

const DAY = 86400;

/** Six ratings: user 1 rates 2 movies, user 2 one, user 3 three; movie 10 gets 3, movie 20 two, movie 30 one. */
function tinyTable(): RatingsTable {
  return {
    users: Int32Array.from([0, 0, 1, 2, 2, 2]),
    movies: Int32Array.from([0, 1, 0, 0, 1, 2]),
    ratings: Float32Array.from([5, 3, 4, 1, 2, 4]),
    timestamps: Uint32Array.from([1, 2, 3, 4, 5, 10].map((d) => d * DAY)),
    count: 6,
    userIds: Int32Array.from([1, 2, 3]),
    movieIds: Int32Array.from([10, 20, 30]),
    scale: { min: 1, max: 5, step: 1 },
    source: { format: 'movielens-100k', path: 'tiny' },
  };
}

describe('computeStats', () => {
  it('matches hand-computed figures on a tiny set', () => {
    const report = { ...emptyReport(), duplicatesResolved: 2, skippedInvalid: 1 };
    const s = computeStats(tinyTable(), report);
    expect(s).toMatchObject({ ratings: 6, users: 3, movies: 3, duplicatesResolved: 2, skippedInvalid: 1 });
    expect(s.density).toBeCloseTo(6 / 9, 12);
    expect(s.meanRating).toBeCloseTo(19 / 6, 6);
    expect(s.histogram.map((b) => [b.from, b.count])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 2],
      [5, 1],
    ]);
    // Counts per user and per movie are both {1, 2, 3}: linear interpolation between order statistics.
    const q = { min: 1, p10: 1.2, p25: 1.5, p50: 2, p75: 2.5, p90: 2.8, max: 3 };
    for (const got of [s.ratingsPerUser, s.ratingsPerMovie]) {
      for (const [k, v] of Object.entries(q)) expect(got[k as keyof typeof q]).toBeCloseTo(v, 12);
    }
    expect(s.timeSpan).toEqual({
      first: '1970-01-02T00:00:00.000Z',
      last: '1970-01-11T00:00:00.000Z',
      days: 9,
    });
    expect(s.hasMovieInfo).toBe(false);
  });

  it('has no time span without timestamps', () => {
    const t = tinyTable();
    t.timestamps.fill(0);
    expect(computeStats(t, emptyReport()).timeSpan).toBeNull();
  });
});

describe('quantiles and histogram', () => {
  it('handles one value and unsorted input without modifying it', () => {
    expect(quantiles(Int32Array.from([7]))).toEqual({
      min: 7,
      p10: 7,
      p25: 7,
      p50: 7,
      p75: 7,
      p90: 7,
      max: 7,
    });
    const values = Int32Array.from([10, 0, 5]);
    expect(quantiles(values).p50).toBe(5);
    expect(Array.from(values)).toEqual([10, 0, 5]);
  });

  it('bins half stars per step and continuous ratings in ten equal bins', () => {
    const half = histogram(Float32Array.from([0.5, 0.5, 5]), 3, { min: 0.5, max: 5, step: 0.5 });
    expect(half).toHaveLength(10);
    expect(half[0]).toEqual({ from: 0.5, to: 0.5, count: 2 });
    expect(half[9]).toEqual({ from: 5, to: 5, count: 1 });
    const cont = histogram(Float32Array.from([0, 0.5, 10]), 3, { min: 0, max: 10, step: 0 });
    expect(cont.map((b) => b.count)).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(cont[9]).toEqual({ from: 9, to: 10, count: 1 });
  });
});
