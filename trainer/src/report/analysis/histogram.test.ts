import { describe, expect, it } from 'vitest';
import { histogram, predictionHeatmap } from './histogram.ts';

describe('histogram', () => {
  it('counts values in equal-width bins, the maximum in the last bin', () => {
    const bins = histogram(Float32Array.from([0, 0.5, 1, 1.5, 2, 2, 4]), 4, { min: 0, max: 4 });
    expect(bins.map((b) => b.count)).toEqual([2, 2, 2, 1]);
    expect(bins.map((b) => b.lo)).toEqual([0, 1, 2, 3]);
    expect(bins[3]?.hi).toBe(4);
  });

  it('ignores values outside the range and non-finite values', () => {
    const bins = histogram([-1, 0.2, NaN, Infinity, 0.7, 9], 2, { min: 0, max: 1 });
    expect(bins.map((b) => b.count)).toEqual([1, 1]);
  });

  it('takes the range from the data and survives a constant input', () => {
    expect(histogram([3, 3, 3], 5).reduce((s, b) => s + b.count, 0)).toBe(3);
    const bins = histogram([-2, 2], 2);
    expect([bins[0]?.lo, bins[1]?.hi]).toEqual([-2, 2]);
    expect(histogram([], 3)).toEqual([]);
  });

  it('rejects a bad bin count', () => {
    expect(() => histogram([1], 0)).toThrow(/bins/);
  });
});

describe('predictionHeatmap', () => {
  it('cross-tabulates predictions per true rating with row shares summing to 1', () => {
    const truth = Float32Array.from([5, 5, 5, 1, 1]);
    const pred = Float32Array.from([4.9, 4.1, 2.2, 1.2, 7]); // 7 is clamped into the top bin
    const cells = predictionHeatmap(pred, truth, 4, { min: 1, max: 5 });
    const row5 = cells.filter((c) => c.actual === 5);
    expect(row5.map((c) => [c.predLo, c.count])).toEqual([
      [2, 1],
      [4, 2],
    ]);
    expect(row5.reduce((s, c) => s + c.rowShare, 0)).toBeCloseTo(1);
    const row1 = cells.filter((c) => c.actual === 1);
    expect(row1.map((c) => [c.predLo, c.rowShare])).toEqual([
      [1, 0.5],
      [4, 0.5],
    ]);
    expect(cells[0]?.actual).toBe(1);
  });

  it('rejects misaligned inputs', () => {
    expect(() => predictionHeatmap(new Float32Array(2), new Float32Array(3), 4, { min: 1, max: 5 })).toThrow(
      /differ in length/,
    );
  });
});
