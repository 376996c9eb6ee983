import { describe, expect, it } from 'vitest';
import { residualTables } from './residuals.ts';

describe('residualTables', () => {
  it('groups residuals by true rating, user activity and movie popularity', () => {
    const t = residualTables(
      {
        predictions: Float32Array.from([4, 3, 2, 5]),
        truth: Float32Array.from([5, 3, 1, 5]),
        userActivity: Int32Array.from([0, 3, 12, 12]),
        moviePopularity: Int32Array.from([1, 1, 1, 2000]),
      },
      [1, 10, 100],
    );
    expect(t.byRating.map((r) => [r.label, r.count, r.bias])).toEqual([
      ['1', 1, 1],
      ['3', 1, 0],
      ['5', 2, -0.5],
    ]);
    expect(t.byRating[2]?.rmse).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(t.byUserActivity.map((r) => [r.label, r.count, r.mae])).toEqual([
      ['0', 1, 1],
      ['1–9', 1, 0],
      ['10–99', 2, 0.5],
    ]);
    expect(t.byMoviePopularity.map((r) => [r.label, r.lo, r.hi, r.count])).toEqual([
      ['1–9', 1, 9, 3],
      ['100+', 100, Infinity, 1],
    ]);
  });

  it('rejects misaligned inputs and bad edges', () => {
    const ok = {
      predictions: new Float32Array(2),
      truth: new Float32Array(2),
      userActivity: new Int32Array(2),
      moviePopularity: new Int32Array(2),
    };
    expect(() => residualTables({ ...ok, truth: new Float32Array(1) })).toThrow(/length 1 \(got 2\)/);
    expect(() => residualTables(ok, [5, 5])).toThrow(/ascending/);
    expect(() => residualTables(ok, [0])).toThrow(/ascending/);
  });
});
