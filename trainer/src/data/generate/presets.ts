/**
 * Sizes of the synthetic data sets and validation of generator options.
 */
import { UsageError } from '../../../../shared/src/errors.ts';

/** Every user has at least this many ratings, as in MovieLens. */
export const MIN_RATINGS_PER_USER = 20;

export const PRESET_NAMES = ['small', 'standard', 'large'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Size of a data set: `density` is ratings / (users × movies). */
export interface DatasetSize {
  users: number;
  movies: number;
  density: number;
}

/**
 * small: 1,000 × 500 at 10% (50K ratings); standard: 10,000 × 2,000 at 5% (1M ratings);
 * large: 100,000 × 10,000 at 1% (10M ratings).
 */
export const PRESETS: Readonly<Record<PresetName, DatasetSize>> = {
  small: { users: 1_000, movies: 500, density: 0.1 },
  standard: { users: 10_000, movies: 2_000, density: 0.05 },
  large: { users: 100_000, movies: 10_000, density: 0.01 },
};

/** Default seed when none is given. */
export const DEFAULT_SEED = 42;

/** What to generate. Omitted sizes come from the preset. */
export interface GenerateOptions {
  preset?: PresetName;
  users?: number;
  movies?: number;
  density?: number;
  /** Integer seed in [0, 2^53); the same seed and sizes give byte-identical files. */
  seed?: number;
  /** Replace a non-empty output directory (default: refuse). */
  force?: boolean;
}

/** Fully resolved, validated options. */
export interface ResolvedOptions extends DatasetSize {
  preset: PresetName;
  seed: number;
  /** Exact number of ratings to generate: round(density × users × movies). */
  ratings: number;
}

/** Most movies the generator accepts (genre/title tables and per-user scratch arrays are sized by it). */
export const MAX_MOVIES = 1_000_000;
/** Most users the generator accepts (ids are written as 32-bit integers). */
export const MAX_USERS = 100_000_000;

/**
 * Merges a preset with overrides and checks that the result can be generated.
 * @throws UsageError naming the flag (`--users`, `--movies`, `--density`, `--seed`, `--preset`) when a value is
 *   out of range or when the density leaves fewer than 20 ratings per user.
 */
export function resolveOptions(options: GenerateOptions): ResolvedOptions {
  const preset = options.preset ?? 'small';
  const base = PRESETS[preset];
  if (base === undefined) {
    throw new UsageError(`--preset: expected one of ${PRESET_NAMES.join(', ')} (got "${String(preset)}").`);
  }
  const users = options.users ?? base.users;
  const movies = options.movies ?? base.movies;
  const density = options.density ?? base.density;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(users) || users < 1 || users > MAX_USERS) {
    throw new UsageError(`--users: expected a whole number from 1 to ${MAX_USERS} (got ${users}).`);
  }
  if (!Number.isSafeInteger(movies) || movies < MIN_RATINGS_PER_USER || movies > MAX_MOVIES) {
    throw new UsageError(
      `--movies: expected a whole number from ${MIN_RATINGS_PER_USER} to ${MAX_MOVIES} (got ${movies}); ` +
        `every user rates at least ${MIN_RATINGS_PER_USER} distinct movies.`,
    );
  }
  if (!Number.isFinite(density) || density <= 0 || density > 1) {
    throw new UsageError(`--density: expected a number in (0, 1] (got ${density}).`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new UsageError(`--seed: expected a whole number ≥ 0 (got ${seed}).`);
  }
  const ratings = Math.round(density * users * movies);
  if (ratings < MIN_RATINGS_PER_USER * users) {
    const perUser = (density * movies).toFixed(1);
    throw new UsageError(
      `--density: ${density} × ${movies} movies gives ${perUser} ratings per user, but every user needs at ` +
        `least ${MIN_RATINGS_PER_USER}; use --density ≥ ${ceilSignificant(MIN_RATINGS_PER_USER / movies)} ` +
        `or more --movies.`,
    );
  }
  return { preset, users, movies, density, seed, ratings };
}

/** Rounds up to three significant digits, so a suggested minimum is never below the true minimum. */
function ceilSignificant(x: number): number {
  const scale = 10 ** (2 - Math.floor(Math.log10(x)));
  return Math.ceil(x * scale) / scale;
}
