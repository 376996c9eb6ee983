import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { createRng, Mulberry32, mulberry32, partialShuffle, randomFloats, type Rng, Sfc32 } from './prng.ts';

const words = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.nextUint32());

describe('known sequences', () => {
  // Generated data sets and splits are byte-identical per seed only while these stay what they were.
  it('mulberry32 keyed by (seed, stream) replays the splits’ sequence', () => {
    expect(words(createRng(42, 1), 4)).toEqual([3257649202, 3424623562, 51023744, 3896630783]);
    expect(words(createRng(0), 4)).toEqual([1541420728, 454851044, 2900350524, 3942498910]);
  });

  it('mulberry32 from a raw seed replays the fixtures’ sequence, as words and as floats', () => {
    expect(words(new Mulberry32(7), 3)).toEqual([50271532, 266108690, 4195786334]);
    const rand = mulberry32(7);
    expect([rand(), rand(), rand()].map((x) => x * 2 ** 32)).toEqual([50271532, 266108690, 4195786334]);
  });

  it('sfc32 keyed by (seed, stream, index) replays the generator’s sequence, high seed word included', () => {
    expect(words(new Sfc32(42, 1, 7), 4)).toEqual([3324138046, 548675150, 1230739930, 1206590164]);
    expect(words(new Sfc32(2 ** 32 + 42, 1, 7), 2)).toEqual([2511695780, 1000795518]);
  });

  it('derives the same samples from the words', () => {
    const rng = new Sfc32(5);
    expect([rng.normal(), rng.normal(), rng.normal()]).toEqual([
      0.706001277632514, -0.7094731444958488, 0.49227973972051825,
    ]);
    expect(rng.belowFast(10)).toBe(1);
    expect(rng.pick([1, 2, 3])).toBe(2);
    expect(rng.exponential(2)).toBe(1.5582668330682994);
    expect(rng.nextOpenFloat()).toBe(0.8148789239348844);
  });
});

describe('createRng', () => {
  it('replays the same sequence for the same seed and stream, and differs across seeds and streams', () => {
    expect(words(createRng(42, 1), 20)).toEqual(words(createRng(42, 1), 20));
    expect(words(createRng(42, 1), 20)).not.toEqual(words(createRng(43, 1), 20));
    expect(words(createRng(42, 1), 20)).not.toEqual(words(createRng(42, 2), 20));
  });

  it('rejects seeds outside [0, 2^32)', () => {
    expect(() => createRng(-1)).toThrow(UsageError);
    expect(() => createRng(2 ** 32)).toThrow(
      /seed: expected a whole number from 0 to 4294967295 \(got 4294967296\)/,
    );
    expect(() => createRng(1.5)).toThrow(UsageError);
  });
});

describe('Sfc32', () => {
  it('differs across seeds, streams and indices', () => {
    const base = words(new Sfc32(42, 1, 7), 8);
    expect(words(new Sfc32(42, 1, 7), 8)).toEqual(base);
    expect(words(new Sfc32(43, 1, 7), 8)).not.toEqual(base);
    expect(words(new Sfc32(42, 2, 7), 8)).not.toEqual(base);
    expect(words(new Sfc32(42, 1, 8), 8)).not.toEqual(base);
    expect(words(new Sfc32(2 ** 32 + 42, 1, 7), 8)).not.toEqual(base);
  });
});

describe.each([
  ['mulberry32', (seed: number): Rng => createRng(seed)],
  ['sfc32', (seed: number): Rng => new Sfc32(seed)],
])('samplers over %s', (_name, make) => {
  it('draws uint32 words, floats in [0, 1) and open floats in (0, 1) with mean 1/2', () => {
    const rng = make(7);
    let sum = 0;
    let outside = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const x = rng.nextUint32();
      if (!(Number.isInteger(x) && x >= 0 && x < 2 ** 32)) outside++;
      const f = rng.nextFloat();
      if (!(f >= 0 && f < 1)) outside++;
      const o = rng.nextOpenFloat();
      if (!(o > 0 && o < 1)) outside++;
      sum += o;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
  });

  it('draws below(k) and belowFast(k) uniformly (chi-square over 10 buckets)', () => {
    const rng = make(123);
    for (const draw of [(k: number) => rng.below(k), (k: number) => rng.belowFast(k)]) {
      const buckets = new Array<number>(10).fill(0);
      const n = 100_000;
      for (let i = 0; i < n; i++) buckets[draw(10)]!++;
      const expected = n / 10;
      const chi2 = buckets.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
      // 9 degrees of freedom: P(chi2 > 27.9) = 0.001.
      expect(chi2).toBeLessThan(27.9);
    }
  });

  it('rejects bad bounds', () => {
    expect(() => make(1).below(0)).toThrow(RangeError);
    expect(() => make(1).below(2.5)).toThrow(/expected a whole bound from 1 to 2\^32 \(got 2.5\)/);
  });

  it('draws standard normals (mean 0, variance 1, about 95% within ±1.96)', () => {
    const rng = make(2);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) < 1.96) inside++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(inside / n - 0.95)).toBeLessThan(0.005);
  });

  it('draws exponentials with the given mean', () => {
    const rng = make(4);
    let s = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) s += rng.exponential(3);
    expect(Math.abs(s / n - 3)).toBeLessThan(0.05);
  });

  it('picks indices in proportion to weights', () => {
    const rng = make(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[rng.pick([1, 0, 2])]!++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2]! / counts[0]! - 2)).toBeLessThan(0.1);
  });
});

describe('randomFloats', () => {
  it('draws n floats in [lo, hi) and replays them for the same seed', () => {
    const a = randomFloats(mulberry32(3), 1000, 0.5, 1.5);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(1000);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...a)).toBeLessThan(1.5);
    expect(randomFloats(mulberry32(3), 1000, 0.5, 1.5)).toEqual(a);
    const unit = randomFloats(mulberry32(3), 1000);
    expect(Math.min(...unit)).toBeLessThan(-0.9);
    expect(Math.max(...unit)).toBeGreaterThan(0.9);
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
