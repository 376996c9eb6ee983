import { describe, expect, it } from 'vitest';
import { solveSpd } from './linear-solve.ts';

describe('solveSpd', () => {
  it('solves a seeded grid of SPD systems (A = MᵀM + I) to 1e-9', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (const n of [1, 2, 5, 17, 65]) {
      const m = Float64Array.from({ length: n * n }, rand);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = i === j ? 1 : 0;
          for (let k = 0; k < n; k++) s += (m[k * n + i] as number) * (m[k * n + j] as number);
          a[i * n + j] = s;
        }
      const x = Float64Array.from({ length: n }, rand);
      const b = new Float64Array(n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) b[i] = (b[i] as number) + (a[i * n + j] as number) * (x[j] as number);
      const solved = solveSpd(a, b, n);
      for (let i = 0; i < n; i++) expect(solved[i]).toBeCloseTo(x[i] as number, 9);
    }
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => solveSpd(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1), 2)).toThrow(
      /not positive definite/,
    );
  });
});
