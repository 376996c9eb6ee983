import { describe, expect, it } from 'vitest';
import { mulberry32, randomFloats } from './prng.ts';
import { dot, l2NormalizeRows, matVec } from './vectors.ts';
import { topK } from './top-k.ts';

describe('dot', () => {
  it('computes a hand-checked product and rejects mismatched lengths', () => {
    expect(dot(Float32Array.from([1, 2, 3]), Float32Array.from([4, -5, 6]))).toBe(12);
    expect(() => dot(new Float32Array(2), new Float32Array(3))).toThrow(/same length/);
  });
});

describe('matVec', () => {
  it('equals a row-by-row dot product over a seeded grid of (rows, dim)', () => {
    const random = mulberry32(3);
    for (const rows of [0, 1, 5, 97]) {
      for (const dim of [1, 3, 4, 7, 64]) {
        const m = randomFloats(random, rows * dim);
        const v = randomFloats(random, dim);
        const out = matVec(m, rows, dim, v);
        for (let r = 0; r < rows; r++) {
          expect(out[r]).toBeCloseTo(dot(m.subarray(r * dim, (r + 1) * dim), v), 5);
        }
      }
    }
  });

  it('rejects shapes that do not match', () => {
    expect(() => matVec(new Float32Array(6), 2, 4, new Float32Array(4))).toThrow(
      /2 × 4 = 8 entries \(got 6\)/,
    );
    expect(() => matVec(new Float32Array(8), 2, 4, new Float32Array(3))).toThrow(/vector must have length 4/);
    expect(() => matVec(new Float32Array(8), 2, 4, new Float32Array(4), new Float32Array(1))).toThrow(
      /out must have length 2/,
    );
  });
});

describe('l2NormalizeRows', () => {
  it('gives unit rows, keeps zero rows at zero, and can work in place', () => {
    const m = Float32Array.from([3, 4, 0, 0, -1, 0]);
    const out = l2NormalizeRows(m, 3, 2);
    expect(Array.from(out)).toEqual([0.6, 0.8, 0, 0, -1, 0].map(Math.fround));
    expect(m[0]).toBe(3); // input untouched
    l2NormalizeRows(m, 3, 2, m);
    expect(m[0]).toBeCloseTo(0.6, 6);
  });

  it('turns matVec into cosine similarity whose top-k matches brute-force cosine', () => {
    const random = mulberry32(11);
    const rows = 300;
    for (const dim of [2, 16, 64]) {
      const m = randomFloats(random, rows * dim);
      const normalized = l2NormalizeRows(m, rows, dim);
      const query = normalized.slice(5 * dim, 6 * dim);
      const sims = matVec(normalized, rows, dim, query);
      expect(sims[5]).toBeCloseTo(1, 5);
      const cosine = (r: number): number => {
        const a = m.subarray(r * dim, (r + 1) * dim);
        const b = m.subarray(5 * dim, 6 * dim);
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
      };
      const brute = Array.from({ length: rows }, (_, r) => r)
        .filter((r) => r !== 5)
        .sort((a, b) => cosine(b) - cosine(a) || a - b)
        .slice(0, 10);
      const got = topK(sims, 10, { sorted: Int32Array.from([5]) });
      expect(Array.from(got.indices)).toEqual(brute);
    }
  });
});
