import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../shared/src/kernels/prng.ts';
import { kthLargest } from './select.ts';

describe('kthLargest', () => {
  it('equals the k-th entry of a descending sort over a seeded grid (ties, sorted and reversed input)', () => {
    const rand = mulberry32(5);
    for (const n of [1, 2, 3, 10, 257, 1000]) {
      for (const kind of ['random', 'ties', 'sorted', 'reversed']) {
        const values = Float32Array.from({ length: n }, (_, i) =>
          kind === 'random' ? rand() : kind === 'ties' ? Math.floor(rand() * 4) : kind === 'sorted' ? i : -i,
        );
        const sorted = Float32Array.from(values).sort().reverse();
        const scratch = Float32Array.from(values);
        for (const k of [1, 2, Math.ceil(n / 3), n]) {
          if (k > n) continue;
          expect(kthLargest(scratch, k)).toBe(sorted[k - 1]);
        }
        expect(Float32Array.from(scratch).sort()).toEqual(Float32Array.from(values).sort());
      }
    }
  });

  it('refuses k outside 1..n', () => {
    expect(() => kthLargest(Float32Array.of(1, 2), 0)).toThrow(/1\.\.2/);
    expect(() => kthLargest(Float32Array.of(1, 2), 3)).toThrow(/got 3/);
  });
});
