import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../shared/src/errors.ts';
import { createRng, partialShuffle } from './prng.ts';

const draw = (seed: number, stream: number, n: number): number[] => {
  const rng = createRng(seed, stream);
  return Array.from({ length: n }, () => rng.nextUint32());
};

describe('createRng', () => {
  it('replays the same sequence for the same seed and stream', () => {
    expect(draw(42, 1, 20)).toEqual(draw(42, 1, 20));
  });

  it('gives different sequences for different seeds or streams', () => {
    expect(draw(42, 1, 20)).not.toEqual(draw(43, 1, 20));
    expect(draw(42, 1, 20)).not.toEqual(draw(42, 2, 20));
  });

  it('draws uint32 values and floats in [0, 1)', () => {
    const rng = createRng(7);
    for (let i = 0; i < 1000; i++) {
      const x = rng.nextUint32();
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
      const f = rng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
    }
  });

  it('draws below(k) uniformly (chi-square over 10 buckets)', () => {
    const rng = createRng(123);
    const buckets = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) buckets[rng.below(10)]!++;
    const expected = n / 10;
    const chi2 = buckets.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: P(chi2 > 27.9) = 0.001.
    expect(chi2).toBeLessThan(27.9);
  });

  it('rejects seeds outside [0, 2^32) and bad bounds', () => {
    expect(() => createRng(-1)).toThrow(UsageError);
    expect(() => createRng(2 ** 32)).toThrow(
      /seed: expected a whole number from 0 to 4294967295 \(got 4294967296\)/,
    );
    expect(() => createRng(1.5)).toThrow(UsageError);
    expect(() => createRng(1).below(0)).toThrow(RangeError);
  });
});

describe('partialShuffle', () => {
  it('permutes only the given range and keeps every element', () => {
    const a = Int32Array.from({ length: 50 }, (_, i) => i);
    partialShuffle(a, 10, 40, 30, createRng(5));
    expect(Array.from(a.subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(a.subarray(40))).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
    expect(Array.from(a.subarray(10, 40)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 10),
    );
    expect(Array.from(a.subarray(10, 40))).not.toEqual(Array.from({ length: 30 }, (_, i) => i + 10));
  });

  it('picks each element into the first k slots with equal probability', () => {
    const hits = new Array<number>(8).fill(0);
    const rng = createRng(9);
    const trials = 40_000;
    for (let t = 0; t < trials; t++) {
      const a = Int32Array.from({ length: 8 }, (_, i) => i);
      partialShuffle(a, 0, 8, 2, rng);
      hits[a[0]!]!++;
      hits[a[1]!]!++;
    }
    // Each element is picked with probability 2/8: 10,000 expected, sd ≈ 87.
    for (const h of hits) expect(Math.abs(h - 10_000)).toBeLessThan(500);
  });

  it('rejects a range or k that does not fit', () => {
    expect(() => partialShuffle(new Int32Array(5), 0, 6, 1, createRng(1))).toThrow(RangeError);
    expect(() => partialShuffle(new Int32Array(5), 0, 5, 6, createRng(1))).toThrow(RangeError);
  });
});
