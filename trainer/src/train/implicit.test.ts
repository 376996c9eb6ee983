import { describe, expect, it } from 'vitest';
import type { RatingsTable } from '../data/types.ts';
import { randomWeights } from '../../../tools/random-weights.ts';
import { AUTO_IMPLICIT, implicitOffsets, resolveImplicit } from './implicit.ts';
import { resolveTrainOptions } from './options.ts';
import { plantedTable } from '../../../tools/training-data.ts';

function withUsers(liked: number[], disliked: number[]): RatingsTable {
  const table = plantedTable(liked.length, 10, 0.5, 1);
  table.userInfo = {
    ages: new Int32Array(liked.length),
    genders: liked.map(() => ''),
    occupations: liked.map(() => ''),
    likedGenres: Uint32Array.from(liked),
    dislikedGenres: Uint32Array.from(disliked),
  };
  return table;
}

describe('implicit feedback', () => {
  it('auto: on without declared genre preferences, off with them (unless side features are off)', () => {
    const none = withUsers([0, 0, 0], [0, 0, 0]);
    const liked = withUsers([0, 0b10, 0], [0, 0, 0]);
    const disliked = withUsers([0, 0, 0], [0, 0, 0b1]);
    expect(resolveImplicit('auto', true, none).alpha).toBe(AUTO_IMPLICIT);
    expect(resolveImplicit('auto', true, plantedTable(3, 10, 0.5, 1)).alpha).toBe(AUTO_IMPLICIT);
    expect(resolveImplicit('auto', true, liked)).toEqual({
      alpha: 0,
      why: 'auto: off, users declare genre preferences',
    });
    expect(resolveImplicit('auto', true, disliked).alpha).toBe(0);
    // Without side features the declared preferences are not used, so the implicit part stays.
    expect(resolveImplicit('auto', false, liked).alpha).toBe(AUTO_IMPLICIT);
    // A number is taken as given.
    expect(resolveImplicit(0.5, true, liked).alpha).toBe(0.5);
    expect(resolveTrainOptions().implicit).toBe('auto');
    expect(() => resolveTrainOptions({ implicit: -1 })).toThrow(/--implicit: expected auto or a number/);
  });

  it('offsets are alpha × the mean embedding of the movies a user rated, 0 without ratings', () => {
    const w = randomWeights({ arch: 'dcf', numUsers: 3, numMovies: 4, dim: 2, hidden: [4], seed: 1 });
    const users = Int32Array.of(0, 0, 1);
    const movies = Int32Array.of(1, 3, 2);
    const out = new Float32Array(6);
    implicitOffsets(w, users, movies, Int32Array.of(0, 1, 2), Int32Array.of(2, 1, 0), 0.5, out);
    const e = (m: number, k: number) => w.movieEmb[m * 2 + k]!;
    expect(out[0]).toBeCloseTo((0.5 * (e(1, 0) + e(3, 0))) / 2, 6);
    expect(out[1]).toBeCloseTo((0.5 * (e(1, 1) + e(3, 1))) / 2, 6);
    expect(out[2]).toBeCloseTo(0.5 * e(2, 0), 6);
    expect(Array.from(out.subarray(4))).toEqual([0, 0]);
  });
});
