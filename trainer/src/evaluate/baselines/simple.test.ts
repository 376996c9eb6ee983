import { describe, expect, it } from 'vitest';
import { splitOf, tinyTable } from '../../../../tools/evaluation-data.ts';
import { biasedBaselineModel } from './biased-baseline.ts';
import { globalMeanModel } from './global-mean.ts';
import { popularityModel } from './popularity.ts';
import { trainData } from './train-data.ts';

// Train rows 0..2: movie 0 rated 5 and 4, movie 1 rated 1, movie 2 unrated (its only rating is in test).
const table = tinyTable(
  [
    [0, 0, 5],
    [1, 0, 4],
    [1, 1, 1],
    [0, 2, 3],
  ],
  2,
  3,
);
const data = trainData(table, splitOf([0, 1, 2], [3]));

describe('global mean', () => {
  it('predicts the training mean everywhere', () => {
    const model = globalMeanModel(data);
    expect(Array.from(model.predict(Int32Array.from([0, 1]), Int32Array.from([2, 0])))).toEqual(
      [10 / 3, 10 / 3].map(Math.fround),
    );
    const out = new Float32Array(3);
    model.scoreAll(0, out);
    expect(new Set(out).size).toBe(1);
  });
});

describe('popularity', () => {
  it('ranks by rating count and predicts the shrunk movie mean', () => {
    const model = popularityModel(data, { shrinkage: 1 });
    const out = new Float32Array(3);
    model.scoreAll(1, out);
    expect(Array.from(out)).toEqual([2, 1, 0]);
    const p = model.predict(Int32Array.from([0, 0, 0]), Int32Array.from([0, 1, 2]));
    // mu = 10/3; movie 0: mu + (5 − mu + 4 − mu) / 3; movie 1: mu + (1 − mu) / 2; movie 2: mu.
    expect(p[0]).toBeCloseTo(37 / 9, 5);
    expect(p[1]).toBeCloseTo(13 / 6, 5);
    expect(p[2]).toBeCloseTo(10 / 3, 5);
  });
});

describe('biased baseline on a hand-checkable set', () => {
  it('with one ALS sweep equals the closed form, and ranks by movie bias', () => {
    const model = biasedBaselineModel(data, { sweeps: 1, regUser: 1, regMovie: 1 });
    const mu = 10 / 3;
    // Sweep 1 starts from b_u = 0: b_0 = (5 − mu + 4 − mu) / (1 + 2), b_1 = (1 − mu) / (1 + 1), b_2 = 0.
    const b0 = (9 - 2 * mu) / 3;
    const b1 = (1 - mu) / 2;
    // Then b_u: user 0 rated movie 0; user 1 rated movies 0 and 1.
    const u0 = (5 - mu - b0) / 2;
    const u1 = (4 - mu - b0 + (1 - mu - b1)) / 3;
    const p = model.predict(Int32Array.from([0, 1, 1]), Int32Array.from([1, 0, 2]));
    expect(p[0]).toBeCloseTo(mu + u0 + b1, 5);
    expect(p[1]).toBeCloseTo(mu + u1 + b0, 5);
    expect(p[2]).toBeCloseTo(mu + u1, 5);
    const out = new Float32Array(3);
    model.scoreAll(0, out);
    expect((out[0] as number) > (out[2] as number) && (out[2] as number) > (out[1] as number)).toBe(true);
  });

  it('refuses a split without training ratings', () => {
    expect(() => trainData(table, splitOf([], [0]))).toThrow(/no training ratings/);
  });
});
