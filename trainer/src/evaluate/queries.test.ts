import { describe, expect, it } from 'vitest';
import { predictReference } from '../model/reference.ts';
import { Ranker } from '../model/ranker.ts';
import { prepareScorer } from '../model/scoring.ts';
import { denseIndexOrThrow, recommendForUser, similarMovies } from './queries.ts';
import { randomWeights } from '../../../tools/evaluation-data.ts';

describe('recommendForUser', () => {
  it('returns the best unrated movies by the reference prediction, clipped for display', () => {
    const w = randomWeights(5, 30, 3);
    const rated = Int32Array.from([0, 4, 9]);
    const recs = recommendForUser(new Ranker(prepareScorer(w), 'rating'), 2, rated, 5, {
      min: 1,
      max: 5,
      step: 1,
    });
    const all = predictReference(
      w,
      new Int32Array(30).fill(2),
      Int32Array.from({ length: 30 }, (_, m) => m),
    );
    const expected = Array.from({ length: 30 }, (_, m) => m)
      .filter((m) => !rated.includes(m))
      .sort((a, b) => (all[b] as number) - (all[a] as number) || a - b)
      .slice(0, 5);
    expect(recs.map((r) => r.movie)).toEqual(expected);
    expect(recs.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    for (const r of recs) {
      expect(r.score).toBeGreaterThanOrEqual(1);
      expect(r.score).toBeLessThanOrEqual(5);
    }
  });
});

describe('similarMovies', () => {
  it('ranks by cosine of the embeddings and never returns the movie itself', () => {
    const w = randomWeights(2, 4, 1);
    // dim 4: movie 1 is a scaled copy of movie 0 (cosine 1), movie 2 orthogonal, movie 3 opposite.
    w.movieEmb = Float32Array.from([1, 2, 0, 0, 3, 6, 0, 0, 0, 0, 5, 0, -1, -2, 0, 0]);
    const sims = similarMovies(w, 0, 10);
    expect(sims.map((s) => s.movie)).toEqual([1, 2, 3]);
    expect(sims[0]?.score).toBeCloseTo(1, 6);
    expect(sims[1]?.score).toBeCloseTo(0, 6);
    expect(sims[2]?.score).toBeCloseTo(-1, 6);
    expect(() => similarMovies(w, 4, 3)).toThrow(/out of range/);
  });
});

describe('denseIndexOrThrow', () => {
  it('finds an external id or says it is unknown', () => {
    expect(denseIndexOrThrow(Int32Array.from([7, 3, 9]), 3, 'user')).toBe(1);
    expect(() => denseIndexOrThrow(Int32Array.from([7]), 8, 'movie', ' Try another.')).toThrow(
      'unknown movie id 8: the model was not trained on it. Try another.',
    );
  });
});
