/**
 * Small planted data sets for the evaluation and baseline tests: every (user, movie) pair is rated with
 * probability `density`, with a rating given by a known formula, so tests can check what a method recovers.
 */
import { createRng, randomFloats } from '../shared/src/kernels/prng.ts';
import type { MovieTable, RatingScale, RatingsTable, Split } from '../trainer/src/data/types.ts';
import type { DenseWeights, ModelWeights } from '../trainer/src/model/weights.ts';

export interface PlantedOptions {
  numUsers: number;
  numMovies: number;
  density: number;
  seed: number;
  /** True rating of (u, m) before noise. */
  rating: (u: number, m: number) => number;
  /** Standard deviation of the Gaussian noise added to each rating (default 0). */
  noise?: number;
  scale?: RatingScale;
  /** Genre mask per movie, stored as movieInfo when given. */
  genres?: (m: number) => number;
}

/** A planted table; ratings are not rounded (use a wide scale when the formula can leave [1, 5]). */
export function plantedTable(o: PlantedOptions): RatingsTable {
  const rng = createRng(o.seed, 77);
  const users: number[] = [];
  const movies: number[] = [];
  const ratings: number[] = [];
  for (let u = 0; u < o.numUsers; u++) {
    for (let m = 0; m < o.numMovies; m++) {
      if (rng.nextFloat() >= o.density) continue;
      const u1 = 1 - rng.nextFloat();
      const gauss = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextFloat());
      users.push(u);
      movies.push(m);
      ratings.push(o.rating(u, m) + (o.noise ?? 0) * gauss);
    }
  }
  const movieInfo: MovieTable | undefined = o.genres
    ? {
        titles: Array.from({ length: o.numMovies }, (_, m) => `Movie ${m}`),
        genres: Uint32Array.from({ length: o.numMovies }, (_, m) => o.genres!(m)),
        years: new Int32Array(o.numMovies),
      }
    : undefined;
  return {
    users: Int32Array.from(users),
    movies: Int32Array.from(movies),
    ratings: Float32Array.from(ratings),
    timestamps: new Uint32Array(users.length),
    count: users.length,
    userIds: Int32Array.from({ length: o.numUsers }, (_, u) => u + 1),
    movieIds: Int32Array.from({ length: o.numMovies }, (_, m) => m + 1),
    scale: o.scale ?? { min: -100, max: 100, step: 0.001 },
    ...(movieInfo ? { movieInfo } : {}),
    source: { format: 'planted', path: `planted-${o.seed}` },
  };
}

/** A table from explicit [user, movie, rating] triples of dense indices. */
export function tinyTable(
  triples: readonly (readonly [number, number, number])[],
  numUsers: number,
  numMovies: number,
  scale: RatingScale = { min: 1, max: 5, step: 1 },
): RatingsTable {
  return {
    users: Int32Array.from(triples, (t) => t[0]),
    movies: Int32Array.from(triples, (t) => t[1]),
    ratings: Float32Array.from(triples, (t) => t[2]),
    timestamps: new Uint32Array(triples.length),
    count: triples.length,
    userIds: Int32Array.from({ length: numUsers }, (_, u) => 100 + u),
    movieIds: Int32Array.from({ length: numMovies }, (_, m) => 500 + m),
    scale,
    source: { format: 'tiny', path: 'tiny' },
  };
}

/** A split from explicit train and test row lists. */
export function splitOf(train: number[], test: number[]): Split {
  return {
    train: Int32Array.from(train),
    test: Int32Array.from(test),
    coldUsers: 0,
    coldMovies: 0,
    description: 'explicit',
  };
}

/** Random weights of a small model matching a table's sizes (for adapter tests; not a trained model). */
export function randomWeights(numUsers: number, numMovies: number, seed: number): ModelWeights {
  const rng = createRng(seed, 78);
  const rand = (): number => rng.nextFloat();
  const arr = (n: number, scale: number, offset = 0): Float32Array =>
    randomFloats(rand, n, offset - scale, offset + scale);
  const dim = 4;
  const dense = (inSize: number, outSize: number, bn: boolean): DenseWeights => ({
    inSize,
    outSize,
    W: arr(inSize * outSize, 0.7),
    b: arr(outSize, 0.2),
    ...(bn
      ? {
          bn: {
            gamma: arr(outSize, 0.3, 1),
            beta: arr(outSize, 0.2),
            movingMean: arr(outSize, 0.2),
            movingVariance: arr(outSize, 0.2, 1),
            epsilon: 1e-3,
          },
        }
      : {}),
  });
  return {
    arch: 'hybrid',
    dim,
    numUsers,
    numMovies,
    mu: 3.2,
    userEmb: arr(numUsers * dim, 1),
    movieEmb: arr(numMovies * dim, 1),
    userBias: arr(numUsers, 0.5),
    movieBias: arr(numMovies, 0.5),
    hidden: [dense(2 * dim, 8, true), dense(8, 4, true)],
    out: dense(4, 1, false),
  };
}
