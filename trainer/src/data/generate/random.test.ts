import { describe, expect, it } from 'vitest';
import { Sfc32 } from '../../../../shared/src/kernels/prng.ts';
import { AliasTable } from './random.ts';

describe('AliasTable', () => {
  it('samples each index with probability proportional to its weight', () => {
    const weights = [5, 1, 0, 3, 1];
    const table = new AliasTable(weights);
    const rng = new Sfc32(4);
    const counts = new Array<number>(weights.length).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[table.sample(rng)]!++;
    expect(counts[2]).toBe(0);
    weights.forEach((w, i) => expect(Math.abs(counts[i]! / n - w / 10)).toBeLessThan(0.005));
  });

  it('rejects empty or all-zero weights', () => {
    expect(() => new AliasTable([])).toThrow(RangeError);
    expect(() => new AliasTable([0, 0])).toThrow(RangeError);
  });
});
