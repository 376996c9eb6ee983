import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../shared/src/errors.ts';
import { PRESETS, resolveOptions } from './presets.ts';

describe('resolveOptions', () => {
  it('fills sizes from the preset and computes the exact rating count', () => {
    expect(resolveOptions({ preset: 'standard' })).toMatchObject({
      users: 10_000,
      movies: 2_000,
      density: 0.05,
      ratings: 1_000_000,
      seed: 42,
    });
    expect(resolveOptions({ preset: 'large' }).ratings).toBeGreaterThanOrEqual(10_000_000);
    expect(PRESETS.small).toEqual({ users: 1_000, movies: 500, density: 0.1 });
    expect(resolveOptions({ preset: 'small', users: 300, movies: 150, density: 0.2, seed: 7 })).toMatchObject(
      {
        ratings: 9_000,
        seed: 7,
      },
    );
  });

  it('names the flag of an impossible value', () => {
    const cases: [Parameters<typeof resolveOptions>[0], RegExp][] = [
      [{ users: -5 }, /--users/],
      [{ users: 2.5 }, /--users/],
      [{ movies: 10 }, /--movies/],
      [{ density: 1.5 }, /--density/],
      [{ density: 0 }, /--density/],
      [{ seed: -1 }, /--seed/],
      [{ preset: 'huge' as 'small' }, /--preset/],
    ];
    for (const [options, flag] of cases) {
      expect(() => resolveOptions(options)).toThrow(UsageError);
      expect(() => resolveOptions(options)).toThrow(flag);
    }
  });

  it('refuses a density that leaves fewer than 20 ratings per user, suggesting one that works', () => {
    expect(() => resolveOptions({ preset: 'large', movies: 1_500 })).toThrow(
      /--density: 0.01 × 1500 movies gives 15.0 ratings per user.*--density ≥ 0.0134/,
    );
    expect(resolveOptions({ movies: 1_500, density: 0.0134 }).ratings).toBeGreaterThanOrEqual(20 * 1_000);
    expect(resolveOptions({ movies: 20, density: 1 }).ratings).toBe(20_000);
  });
});
