import { describe, expect, it } from 'vitest';
import { AliasTable, Rng, Stream } from './random.ts';

describe('Rng', () => {
  it('repeats the same sequence for the same key and differs across seeds, streams and indices', () => {
    const draw = (rng: Rng): number[] => Array.from({ length: 8 }, () => rng.nextUint32());
    expect(draw(new Rng(42, Stream.users, 7))).toEqual(draw(new Rng(42, Stream.users, 7)));
    const base = draw(new Rng(42, Stream.users, 7));
    expect(draw(new Rng(43, Stream.users, 7))).not.toEqual(base);
    expect(draw(new Rng(42, Stream.movies, 7))).not.toEqual(base);
    expect(draw(new Rng(42, Stream.users, 8))).not.toEqual(base);
    // Seeds above 2^32 use their high word too.
    expect(draw(new Rng(2 ** 32 + 42, Stream.users, 7))).not.toEqual(base);
  });

  it('draws uniforms strictly inside (0, 1) with mean 1/2 and integers within range', () => {
    const rng = new Rng(1);
    let sum = 0;
    let outside = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = rng.uniform();
      if (!(x > 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('draws standard normals (mean 0, variance 1, about 95% within ±1.96)', () => {
    const rng = new Rng(2);
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

  it('picks indices in proportion to weights', () => {
    const rng = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[rng.pick([1, 0, 2])]!++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2]! / counts[0]! - 2)).toBeLessThan(0.1);
  });
});

describe('AliasTable', () => {
  it('samples each index with probability proportional to its weight', () => {
    const weights = [5, 1, 0, 3, 1];
    const table = new AliasTable(weights);
    const rng = new Rng(4);
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
