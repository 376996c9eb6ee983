import { describe, expect, it } from 'vitest';
import { varianceDecomposition } from './variance.ts';

const f = (xs: number[]): Float32Array => Float32Array.from(xs);

describe('varianceDecomposition', () => {
  it('splits the variance of uncorrelated terms by their own variances', () => {
    // Orthogonal, zero-mean terms: variances 1, 4 and 0.
    const d = varianceDecomposition({
      user: f([1, -1, 1, -1]),
      movie: f([2, 2, -2, -2]),
      mlp: f([0, 0, 0, 0]),
    });
    expect(d.total).toBeCloseTo(5);
    expect(d.terms.map((t) => t.term)).toEqual(['user', 'movie', 'mlp']);
    expect(d.terms.map((t) => t.share)).toEqual([expect.closeTo(0.2), expect.closeTo(0.8), 0]);
    expect(d.crossShare).toBeCloseTo(0);
    expect(d.count).toBe(4);
  });

  it('shares covariance evenly and always sums to 1', () => {
    // Identical terms: Var(a + a) = 4 Var(a); each own variance is 1/4 of it, the covariance the other half.
    const a = f([1, -1, 2, -2]);
    const d = varianceDecomposition({ biases: a, mlp: a });
    expect(d.terms.map((t) => t.share)).toEqual([expect.closeTo(0.5), expect.closeTo(0.5)]);
    expect(d.crossShare).toBeCloseTo(0.5);

    const g = varianceDecomposition({ x: f([1, 2, 3, 7]), y: f([0, -1, 4, 1]), z: f([3, 3, 1, 0]) });
    expect(g.terms.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1);
  });

  it('gives anti-correlated terms negative shares', () => {
    const d = varianceDecomposition({ big: f([2, -2, 2, -2]), cancel: f([-1, 1, -1, 1]) });
    expect(d.terms[0]?.share).toBeCloseTo(2);
    expect(d.terms[1]?.share).toBeCloseTo(-1);
  });

  it('returns zero shares for constant predictions and rejects bad input', () => {
    expect(varianceDecomposition({ a: f([1, 1]) }).terms[0]?.share).toBe(0);
    expect(() => varianceDecomposition({})).toThrow(/at least one term/);
    expect(() => varianceDecomposition({ a: f([1]), b: f([1, 2]) })).toThrow(/term b/);
  });
});
