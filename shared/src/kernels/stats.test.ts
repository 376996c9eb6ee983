import { describe, expect, it } from 'vitest';
import { median } from './stats.ts';

describe('median', () => {
  it('takes the middle value of an odd count, in numeric (not string) order', () => {
    expect(median([9, 1, 100])).toBe(9);
    expect(median([5])).toBe(5);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([-1, 1])).toBe(0);
  });

  it('is NaN for no values', () => {
    expect(median([])).toBeNaN();
  });

  it('reads typed arrays and leaves its input unchanged', () => {
    const values = Float32Array.from([3, 1, 2]);
    expect(median(values)).toBe(2);
    expect([...values]).toEqual([3, 1, 2]);
    const list = [3, 1, 2, 4];
    median(list);
    expect(list).toEqual([3, 1, 2, 4]);
  });
});
