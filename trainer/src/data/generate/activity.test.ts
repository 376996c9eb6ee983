import { describe, expect, it } from 'vitest';
import { allocateCounts } from './activity.ts';

const sum = (a: Int32Array): number => a.reduce((s, x) => s + x, 0);

describe('allocateCounts', () => {
  it('gives everyone the minimum, shares the rest by weight and sums exactly to the total', () => {
    const weights = Float64Array.from([1, 1, 2, 4, 0.5, 0.5, 1]);
    const counts = allocateCounts(weights, 500, 20, 1000);
    expect(sum(counts)).toBe(500);
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(20);
    // extra = 360 shared over weight 10: the weight-4 user gets 20 + 144.
    expect(counts[3]).toBe(164);
    expect(Math.abs(counts[2]! - 92)).toBeLessThanOrEqual(1);
  });

  it('caps heavy users and pours their excess into the others', () => {
    const weights = Float64Array.from([100, 1, 1, 1]);
    const counts = allocateCounts(weights, 200, 20, 80);
    expect(sum(counts)).toBe(200);
    expect(counts[0]).toBe(80);
    for (const c of counts.subarray(1)) expect(c).toBe(40);
  });

  it('fills everyone to the cap when the total demands it, and handles many users exactly', () => {
    expect([...allocateCounts(Float64Array.from([3, 1, 2]), 150, 20, 50)]).toEqual([50, 50, 50]);
    const n = 50_001;
    const weights = Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 13) / 3);
    const counts = allocateCounts(weights, 3_333_333, 20, 400);
    expect(sum(counts)).toBe(3_333_333);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...counts)).toBeLessThanOrEqual(400);
  });

  it('rejects totals outside [n·min, n·cap]', () => {
    expect(() => allocateCounts(Float64Array.from([1, 1]), 39, 20, 50)).toThrow(RangeError);
    expect(() => allocateCounts(Float64Array.from([1, 1]), 101, 20, 50)).toThrow(RangeError);
  });
});
