import { describe, expect, it } from 'vitest';
import { onScale } from './rating-scale.ts';

describe('onScale', () => {
  it('accepts values within [min, max] a whole number of steps from min', () => {
    const half = { min: 0.5, max: 5, step: 0.5 };
    expect([0.5, 1, 3.5, 5].map((v) => onScale(v, half))).toEqual([true, true, true, true]);
    expect([0, 0.75, 5.5, -1, NaN].map((v) => onScale(v, half))).toEqual([false, false, false, false, false]);
    const tenth = { min: 1, max: 2, step: 0.1 };
    expect([1.3, 1.7, 2].map((v) => onScale(v, tenth))).toEqual([true, true, true]);
    expect(onScale(1.35, tenth)).toBe(false);
  });
});
