import { describe, expect, it } from 'vitest';
import { Sfc32 } from '../../../../shared/src/kernels/prng.ts';
import { AliasTable, pickDistinctMask } from './random.ts';

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

describe('pickDistinctMask', () => {
  it('sets exactly k distinct bits, never one of weight zero', () => {
    const rng = new Sfc32(5);
    for (let t = 0; t < 200; t++) {
      const mask = pickDistinctMask(rng, [1, 0, 2, 3, 0, 1], 3);
      expect(mask.toString(2).replace(/0/g, '')).toBe('111');
      expect(mask & 0b010010).toBe(0);
    }
  });
});
