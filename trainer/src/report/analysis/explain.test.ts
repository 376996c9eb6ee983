import { describe, expect, it } from 'vitest';
import { l2NormalizeRows } from '../../../../shared/src/kernels/vectors.ts';
import { explainRecommendations, uniqueRatings } from './explain.ts';

describe('explainRecommendations', () => {
  // Five movies in 2-D: 0 and 3 point along x, 1 and 4 along y, 2 diagonal.
  const dim = 2;
  const emb = Float32Array.from([1, 0, 0, 1, 1, 1, 2, 0.1, 0.1, 3]);
  const normalized = l2NormalizeRows(emb, 5, dim);
  const base = {
    scores: Float32Array.from([4.9, 4.8, 3, 4.5, 4.0]),
    ratedMovies: Int32Array.from([0, 1]),
    ratedValues: Float32Array.from([5, 2]),
    normalizedMovies: normalized,
    dim,
    mu: 3.5,
    userBias: 0.2,
    movieBias: Float32Array.from([0.1, 0.1, -0.5, 0.4, 0.3]),
  };

  it('recommends unrated movies, explains them by the closest rated movies, and splits the score', () => {
    const recs = explainRecommendations(base, 2, 2);
    expect(recs.map((r) => r.movie)).toEqual([3, 4]);
    const [first, second] = recs;
    expect(first?.because.map((b) => b.movie)).toEqual([0, 1]); // movie 3 points along x like movie 0
    expect(first?.because[0]?.rating).toBe(5);
    expect(first?.because[0]?.cosine).toBeGreaterThan(0.99);
    expect(second?.because[0]?.movie).toBe(1);
    const s = first?.split;
    expect(s).toMatchObject({ mu: 3.5, userBias: expect.closeTo(0.2), movieBias: expect.closeTo(0.4) });
    expect((s?.mu ?? 0) + (s?.userBias ?? 0) + (s?.movieBias ?? 0) + (s?.interaction ?? 0)).toBeCloseTo(
      4.5,
      5,
    );
    expect(s?.interaction).toBeCloseTo(0.4, 5);
  });

  it('rejects inconsistent shapes', () => {
    expect(() => explainRecommendations({ ...base, ratedValues: new Float32Array(1) }, 2)).toThrow(
      /2 rated movies/,
    );
    expect(() => explainRecommendations({ ...base, movieBias: new Float32Array(2) }, 2)).toThrow(
      /expected 5 movies/,
    );
  });
});

describe('uniqueRatings', () => {
  it('sorts rated movies and averages repeated ratings', () => {
    const r = uniqueRatings([7, 2, 7, 5], [4, 3, 2, 5]);
    expect(Array.from(r.ratedMovies)).toEqual([2, 5, 7]);
    expect(Array.from(r.ratedValues)).toEqual([3, 5, 3]);
    expect(() => uniqueRatings([1], [])).toThrow(/1 movies but 0 ratings/);
  });
});
