import { describe, expect, it } from 'vitest';
import { accuracy, clipToScale } from './accuracy.ts';

describe('accuracy', () => {
  it('clips to the scale before measuring RMSE and MAE', () => {
    const clipped = clipToScale(Float32Array.from([0.2, 3, 6]), { min: 1, max: 5, step: 1 });
    expect(Array.from(clipped)).toEqual([1, 3, 5]);
    const a = accuracy(clipped, Float32Array.from([1, 4, 5]));
    expect(a.rmse).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(a.mae).toBeCloseTo(1 / 3, 12);
    expect(a.count).toBe(3);
  });

  it('handles the 0.5–5 scale and rejects mismatched lengths', () => {
    const clipped = clipToScale(Float32Array.from([0, 5.4]), { min: 0.5, max: 5, step: 0.5 });
    expect(Array.from(clipped)).toEqual([0.5, 5]);
    expect(accuracy(new Float32Array(0), new Float32Array(0)).rmse).toBeNaN();
    expect(() => accuracy(new Float32Array(1), new Float32Array(2))).toThrow(/same length/);
  });
});
