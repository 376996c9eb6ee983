/**
 * A synthetic, seeded VersionInput (random weights of the given shape, a random rating table with metadata) for
 * tests and for benchmarking the export at preset sizes without training a model first.
 */
import type { Arch } from '../trainer/src/model/weights.ts';
import type { RatingsTable } from '../trainer/src/data/types.ts';
import { mulberry32, randomWeights } from './random-weights.ts';
import type { VersionInput } from '../trainer/src/export/artifacts/build-version.ts';

export interface SyntheticInputOptions {
  users: number;
  movies: number;
  /** Ratings per user (each user rates this many random movies, repeats possible). */
  ratingsPerUser: number;
  dim?: number;
  hidden?: number[];
  arch?: Arch;
  seed?: number;
  /** Share of the rows used for training (the rest is "test"), default 0.8. */
  trainShare?: number;
  /** Users given no training rows at all (to exercise the untrained-user path), default 0. */
  untrainedUsers?: number;
}

/** Builds the input; ids have gaps (users 1, 3, 5, ...; movies 1, 11, 21, ...) so absent ids exist. */
export function syntheticInput(options: SyntheticInputOptions): VersionInput {
  const { users, movies, ratingsPerUser } = options;
  const seed = options.seed ?? 1;
  const rand = mulberry32(seed + 1);
  const count = users * ratingsPerUser;
  const table: RatingsTable = {
    users: new Int32Array(count),
    movies: new Int32Array(count),
    ratings: new Float32Array(count),
    timestamps: new Uint32Array(count),
    count,
    userIds: Int32Array.from({ length: users }, (_, u) => 1 + 2 * u),
    movieIds: Int32Array.from({ length: movies }, (_, m) => 1 + 10 * m),
    scale: { min: 1, max: 5, step: 1 },
    movieInfo: {
      titles: Array.from({ length: movies }, (_, m) => `Movie ${m}`),
      genres: Uint32Array.from(
        { length: movies },
        () => (1 << Math.floor(rand() * 18)) | (1 << Math.floor(rand() * 18)),
      ),
      years: Int32Array.from({ length: movies }, (_, m) =>
        m % 17 === 0 ? 0 : 1950 + Math.floor(rand() * 70),
      ),
    },
    source: { format: 'synthetic', path: `synthetic:${users}x${movies}` },
  };
  for (let r = 0; r < count; r++) {
    table.users[r] = Math.floor(r / ratingsPerUser);
    // Squaring skews choices toward low indices: a popularity gradient like real catalogs.
    table.movies[r] = Math.floor(rand() ** 2 * movies);
    table.ratings[r] = 1 + Math.floor(rand() * 5);
    table.timestamps[r] = 1_600_000_000 + r;
  }
  const trainShare = options.trainShare ?? 0.8;
  const untrained = options.untrainedUsers ?? 0;
  const train = new Int32Array(count);
  let n = 0;
  for (let r = 0; r < count; r++) {
    if ((table.users[r] as number) >= untrained && rand() < trainShare) train[n++] = r;
  }
  return {
    weights: randomWeights({
      arch: options.arch ?? 'dcf',
      numUsers: users,
      numMovies: movies,
      dim: options.dim ?? 16,
      hidden: options.hidden ?? [32, 16],
      seed,
    }),
    table,
    trainRows: train.slice(0, n),
    config: { source: 'synthetic', seed },
    metrics: {},
    backend: 'none (random weights)',
  };
}
