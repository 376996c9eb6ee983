import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../shared/src/errors.ts';
import { inferScale, onScale, parseScale } from './scale.ts';
import { splitTitleYear } from './side-info.ts';

describe('rating scales', () => {
  it('parses min:max:step and rejects impossible scales', () => {
    expect(parseScale('0.5:5:0.5')).toEqual({ min: 0.5, max: 5, step: 0.5 });
    for (const bad of ['1:5', '5:1:1', '1:5:0', '1:5:3', 'a:5:1', '1::1']) {
      expect(() => parseScale(bad)).toThrow(UsageError);
    }
  });

  it('checks values against range and step', () => {
    const half = { min: 0.5, max: 5, step: 0.5 };
    expect([0.5, 3, 4.5, 5].every((v) => onScale(v, half))).toBe(true);
    expect([0, 5.5, 3.25, NaN].some((v) => onScale(v, half))).toBe(false);
  });

  it('infers the step and snaps to the familiar star scales', () => {
    expect(inferScale(Float32Array.from([2, 3, 4]))).toEqual({ min: 1, max: 5, step: 1 });
    expect(inferScale(Float32Array.from([1, 3.5, 5]))).toEqual({ min: 0.5, max: 5, step: 0.5 });
    expect(inferScale(Float32Array.from([0, 10]))).toEqual({ min: 0, max: 10, step: 1 });
    expect(inferScale(Float32Array.from([0.1, 0.7]))).toEqual({ min: 0.1, max: 0.7, step: 0.1 });
    expect(inferScale(Float32Array.from([0.123, 1]))).toEqual({ min: 0.123, max: 1, step: 0 });
  });
});

describe('splitTitleYear', () => {
  it('takes the trailing year out of the title', () => {
    expect(splitTitleYear('Toy Story (1995)')).toEqual({ title: 'Toy Story', year: 1995 });
    expect(splitTitleYear('City of Lost Children, The (Cité des enfants perdus, La) (1995) ')).toEqual({
      title: 'City of Lost Children, The (Cité des enfants perdus, La)',
      year: 1995,
    });
    expect(splitTitleYear('Babylon 5 (1993–1998)')).toEqual({ title: 'Babylon 5', year: 1993 });
    expect(splitTitleYear('Stranger Things (2016-)')).toEqual({ title: 'Stranger Things', year: 2016 });
    expect(splitTitleYear('1984')).toEqual({ title: '1984', year: 0 });
    expect(splitTitleYear('Movie (0042)')).toEqual({ title: 'Movie (0042)', year: 0 });
  });
});
