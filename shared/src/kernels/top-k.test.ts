import { describe, expect, it } from 'vitest';
import { mulberry32 } from './prng.ts';
import { topK, type TopKExclusion } from './top-k.ts';

/** Brute force: filter, sort everything by (score desc, index asc), take k. */
function bruteForce(scores: Float32Array, k: number, ex: TopKExclusion): number[] {
  const skip = new Set(ex.sorted ?? []);
  const keep: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (skip.has(i) || (ex.mask !== undefined && ex.mask[i] !== 0) || Number.isNaN(scores[i])) continue;
    keep.push(i);
  }
  keep.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return keep.slice(0, k);
}

describe('topK', () => {
  it('returns the best scores, best first, with ties broken by lower index', () => {
    const scores = Float32Array.from([0.5, 2, 1, 2, -1, 0.5]);
    const r = topK(scores, 4);
    expect(Array.from(r.indices)).toEqual([1, 3, 2, 0]);
    expect(Array.from(r.scores)).toEqual([2, 2, 1, 0.5]);
  });

  it('skips excluded entries given as a sorted list and as a mask', () => {
    const scores = Float32Array.from([5, 4, 3, 2, 1]);
    const r = topK(scores, 2, { sorted: Int32Array.from([0, 0, 7]), mask: Uint8Array.from([0, 1, 0, 0, 0]) });
    expect(Array.from(r.indices)).toEqual([2, 3]);
  });

  it('returns fewer than k when not enough entries are eligible, and never NaN', () => {
    const r = topK(Float32Array.from([NaN, 1, NaN]), 5);
    expect(Array.from(r.indices)).toEqual([1]);
    expect(topK(new Float32Array(0), 3).indices.length).toBe(0);
    expect(topK(Float32Array.from([1, 2]), 0).indices.length).toBe(0);
  });

  it('rejects a bad k, an unsorted exclusion list and a mask of the wrong length', () => {
    const s = Float32Array.from([1, 2, 3]);
    expect(() => topK(s, -1)).toThrow(/k must be a whole number/);
    expect(() => topK(s, 1.5)).toThrow(/k must be a whole number/);
    expect(() => topK(s, 1, { sorted: Int32Array.from([2, 1]) })).toThrow(/sorted ascending/);
    expect(() => topK(s, 1, { mask: new Uint8Array(2) })).toThrow(/expected 3 \(got 2\)/);
  });

  it('equals a brute-force reference over a seeded grid of (k, n, exclusions, ties)', () => {
    const random = mulberry32(7);
    let cases = 0;
    for (const n of [1, 2, 7, 64, 500]) {
      for (const k of [1, 3, 10, n, n + 4]) {
        for (const exclusion of ['none', 'sorted', 'mask', 'both'] as const) {
          for (const ties of [false, true]) {
            const scores = new Float32Array(n);
            for (let i = 0; i < n; i++) {
              // Quantized scores force many ties; a few NaN and ±Infinity entries test the edges.
              const v = ties ? Math.floor(random() * 5) : random() * 2 - 1;
              const roll = random();
              scores[i] = roll < 0.02 ? NaN : roll < 0.04 ? -Infinity : roll < 0.05 ? Infinity : v;
            }
            const ex: TopKExclusion = {};
            if (exclusion === 'sorted' || exclusion === 'both') {
              const list: number[] = [];
              for (let i = 0; i < n; i++) if (random() < 0.3) list.push(i);
              ex.sorted = Int32Array.from(list);
            }
            if (exclusion === 'mask' || exclusion === 'both') {
              ex.mask = new Uint8Array(n);
              for (let i = 0; i < n; i++) ex.mask[i] = random() < 0.3 ? 1 : 0;
            }
            const expected = bruteForce(scores, k, ex);
            const got = topK(scores, k, ex);
            expect(Array.from(got.indices), `n=${n} k=${k} ${exclusion} ties=${ties}`).toEqual(expected);
            expect(Array.from(got.scores)).toEqual(expected.map((i) => scores[i]));
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(200);
  });
});
