import { beforeAll, describe, expect, it } from 'vitest';
import { GENRES, genreMask } from '../../../shared/src/schemas/genres.ts';
import type { RatingsTable } from '../data/types.ts';
import { selectBackend } from '../model/backend.ts';
import { resolveModelConfig } from '../model/config.ts';
import { countRows } from '../model/cold-rows.ts';
import { modelRng } from '../model/random.ts';
import { tinyColumns, tinyModel } from '../../../tools/tiny-model.ts';
import { DEFAULT_ADAM } from './adam.ts';
import {
  FEATURE_WIDTH,
  foldFeatures,
  movieFeatures,
  userFeatures,
  YEAR_GRID,
  type FeatureSide,
} from './features.ts';
import { newOptimizerState, TrainStep } from './step.ts';

const YEAR_SECONDS = 365.25 * 86400;

/** A 3-user × 3-movie table with side information. */
function sideTable(): RatingsTable {
  const users = Int32Array.of(0, 0, 1, 2, 2);
  const movies = Int32Array.of(0, 1, 1, 2, 0);
  // User 0 first rates in 2000.5, user 2 in 1990.0; user 1 rates at time 0 (no timestamp).
  const timestamps = Uint32Array.of(
    30.5 * YEAR_SECONDS,
    31 * YEAR_SECONDS,
    0,
    20 * YEAR_SECONDS,
    25 * YEAR_SECONDS,
  );
  return {
    users,
    movies,
    ratings: Float32Array.of(4, 3, 5, 2, 1),
    timestamps,
    count: 5,
    userIds: Int32Array.of(10, 11, 12),
    movieIds: Int32Array.of(1, 2, 3),
    scale: { min: 1, max: 5, step: 1 },
    source: { format: 'test', path: 'side' },
    movieInfo: {
      titles: ['a', 'b', 'c'],
      genres: Uint32Array.of(genreMask(['Comedy', 'Drama']), genreMask(['Comedy']), 0),
      years: Int32Array.of(1995, 2000, 0),
    },
    userInfo: {
      ages: Int32Array.of(20, 30, 0),
      genders: ['M', 'F', ''],
      occupations: ['', 'writer', ''],
      likedGenres: Uint32Array.of(0b101, 0, 0),
      dislikedGenres: Uint32Array.of(0, 0b10, 0),
    },
  };
}

/** The features of entity e as a name → weight map. */
function featuresOf(side: FeatureSide, e: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let j = side.starts[e]!; j < side.starts[e + 1]!; j++)
    out[side.names[side.index[j]!]!] = side.weight[j]!;
  return out;
}

describe('side features', () => {
  it('encodes genres with weight 1/√n and the release year on the grid', () => {
    const side = movieFeatures(sideTable(), 4)!;
    const m0 = featuresOf(side, 0);
    expect(m0['genre:Comedy']).toBeCloseTo(Math.SQRT1_2, 6);
    expect(m0['genre:Drama']).toBeCloseTo(Math.SQRT1_2, 6);
    // 1995 lies halfway between the grid points 1994 and 1996.
    expect(YEAR_GRID).toBe(2);
    expect(m0['year:1994']).toBeCloseTo(0.5, 6);
    expect(m0['year:1996']).toBeCloseTo(0.5, 6);
    // On a grid point: one feature of weight 1.
    expect(featuresOf(side, 1)).toEqual({ 'genre:Comedy': 1, 'year:2000': 1 });
    // No genre, unknown year: no features at all.
    expect(featuresOf(side, 2)).toEqual({});
    expect(side.table.length).toBe(side.names.length * 4);
  });

  it('writes only the first FEATURE_WIDTH coordinates of wider embeddings', () => {
    const dim = FEATURE_WIDTH + 8;
    const side = movieFeatures(sideTable(), dim)!;
    expect([side.dim, side.stride]).toEqual([FEATURE_WIDTH, dim]);
    side.table.fill(1);
    const out = foldFeatures(side, new Float32Array(3 * dim), new Float32Array(3 * dim));
    // Movie 1 (Comedy, 2000) has two features of weight 1: 2 in its first FEATURE_WIDTH coordinates, 0 after.
    expect(Array.from(out.subarray(dim, dim + FEATURE_WIDTH))).toEqual(new Array(FEATURE_WIDTH).fill(2));
    expect(Array.from(out.subarray(dim + FEATURE_WIDTH, 2 * dim))).toEqual(new Array(8).fill(0));
  });

  it('dates birth years from the first training rating, falls back to the age, and adds gender', () => {
    const t = sideTable();
    const side = userFeatures(t, Int32Array.of(0, 1, 2, 3, 4), 4)!;
    // User 0: first rating 2000.5, age 20 → born 1980.5 → between 1980 (0.75) and 1982 (0.25).
    const u0 = featuresOf(side, 0);
    expect(u0['born:1980']).toBeCloseTo(0.75, 3);
    expect(u0['born:1982']).toBeCloseTo(0.25, 3);
    expect(u0['gender:M']).toBe(1);
    // User 0 declared two favourite genres (bits 0 and 2): 1/√2 each.
    expect(u0[`likes:${GENRES[0]}`]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(u0[`likes:${GENRES[2]}`]).toBeCloseTo(Math.SQRT1_2, 6);
    // User 1 has no timestamps: the age itself, on the grid; and one disliked genre (bit 1).
    // The occupation ('writer') is not a feature.
    expect(featuresOf(side, 1)).toEqual({ 'age:30': 1, 'gender:F': 1, [`dislikes:${GENRES[1]}`]: 1 });
    // User 2: no age, no gender, no declared genres; the last training rating (1995.0) dates the activity.
    expect(featuresOf(side, 2)).toEqual({ 'active:1994': 0.5, 'active:1996': 0.5 });
    // Only training rows date a user: without row 0, user 0's first rating is 2001.0 → born 1981.
    const later = featuresOf(userFeatures(t, Int32Array.of(1, 2, 3, 4), 4)!, 0);
    expect(later['born:1980']).toBeCloseTo(0.5, 3);
  });

  it('is absent for data without side information or timestamps; timestamps alone date the activity', () => {
    const { movieInfo: _m, userInfo: _u, ...bare } = sideTable();
    expect(movieFeatures(bare, 4)).toBeUndefined();
    const dated = userFeatures(bare, Int32Array.of(0), 4)!;
    expect(dated.names.every((n) => n.startsWith('active:'))).toBe(true);
    expect(featuresOf(dated, 1)).toEqual({});
    const undated = { ...bare, timestamps: new Uint32Array(bare.timestamps.length) };
    expect(userFeatures(undated, Int32Array.of(0), 4)).toBeUndefined();
  });

  it('folds the feature part into the embeddings', () => {
    const side = movieFeatures(sideTable(), 2)!;
    side.table.forEach((_, i) => (side.table[i] = i + 1));
    const emb = Float32Array.of(1, 1, 2, 2, 3, 3);
    const out = foldFeatures(side, emb, new Float32Array(6));
    const row = (name: string) => side.names.indexOf(name) * 2;
    const comedy = row('genre:Comedy');
    const y2000 = row('year:2000');
    expect(out[2]).toBeCloseTo(2 + side.table[comedy]! + side.table[y2000]!, 5);
    expect(out[3]).toBeCloseTo(2 + side.table[comedy + 1]! + side.table[y2000 + 1]!, 5);
    expect([out[4], out[5]]).toEqual([3, 3]); // movie 2 has no features
  });
});

describe('training step with side features', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  /** A side where entity e has features e % 3 (weight 1) and 3 (weight 0.5): rows shared by several entities. */
  function sharedSide(count: number, dim: number, seed: number): FeatureSide {
    const starts = Int32Array.from({ length: count + 1 }, (_, e) => 2 * e);
    const index = new Int32Array(2 * count);
    const weight = new Float32Array(2 * count);
    for (let e = 0; e < count; e++) {
      index.set([e % 3, 3], 2 * e);
      weight.set([1, 0.5], 2 * e);
    }
    const rng = modelRng(seed, 'init');
    const table = Float32Array.from({ length: 4 * dim }, () => rng.nextFloat() - 0.5);
    return {
      count,
      starts,
      index,
      weight,
      names: ['a', 'b', 'c', 'd'],
      dim,
      stride: dim,
      table,
      grad: new Float32Array(4 * dim),
    };
  }

  it('gives feature rows the gradient of the loss (finite differences), for dcf and hybrid', () => {
    for (const arch of ['dcf', 'hybrid'] as const) {
      const w = tinyModel({ arch, batchNorm: false });
      const cols = tinyColumns();
      const B = cols.users.length;
      const order = Int32Array.from({ length: B }, (_, i) => i);
      const counts = countRows(cols.users, cols.movies, order, w.numUsers, w.numMovies);
      const step = new TrainStep(
        w,
        resolveModelConfig({ arch, dim: 3, hidden: [4, 3] }),
        { adam: DEFAULT_ADAM, weightDecay: 0, embeddingDecay: 0, biasDecay: 0, l2: 0, biasL2: 0 },
        newOptimizerState(w),
        B,
        counts,
      );
      step.userFeatures = sharedSide(w.numUsers, w.dim, 1);
      step.movieFeatures = sharedSide(w.numMovies, w.dim, 2);
      const rng = modelRng(1, 'dropout');
      const lossAt = (): number => step.run(cols, order, 0, B, 1e-3, rng, () => {});
      for (const side of [step.userFeatures, step.movieFeatures]) {
        let grads = new Float32Array(0);
        step.run(cols, order, 0, B, 1e-3, rng, () => (grads = side.grad.slice()));
        expect(grads.some((g) => g !== 0)).toBe(true);
        for (const i of [0, 4, 10]) {
          const h = 1e-2;
          const keep = side.table[i]!;
          side.table[i] = keep + h;
          const up = lossAt();
          side.table[i] = keep - h;
          const down = lossAt();
          side.table[i] = keep;
          expect(grads[i]).toBeCloseTo((up - down) / (2 * h), 2);
        }
      }
      // A real step moves the feature rows and leaves no gradient behind.
      const before = step.userFeatures.table.slice();
      step.run(cols, order, 0, B, 1e-2, rng);
      expect(step.userFeatures.table).not.toEqual(before);
      expect(step.userFeatures.grad.every((g) => g === 0)).toBe(true);
      step.dispose();
    }
  });
});
