/**
 * Small RatingsTables for the split tests: hand-written ones from tuples, and seeded random ones for
 * property-style tests.
 */
import type { RatingsTable, Split } from '../trainer/src/data/types.ts';
import { createRng } from '../shared/src/kernels/prng.ts';

/** One rating as [external user id, external movie id, rating, unix seconds]. */
export type RatingTuple = readonly [number, number, number, number];

/**
 * Builds a table from tuples; dense indices follow first appearance of each external id.
 * @param path source path recorded in the table (errors name it).
 */
export function tableOf(tuples: readonly RatingTuple[], path = 'test.csv'): RatingsTable {
  const userIndex = new Map<number, number>();
  const movieIndex = new Map<number, number>();
  const n = tuples.length;
  const users = new Int32Array(n);
  const movies = new Int32Array(n);
  const ratings = new Float32Array(n);
  const timestamps = new Uint32Array(n);
  tuples.forEach(([u, m, r, t], i) => {
    if (!userIndex.has(u)) userIndex.set(u, userIndex.size);
    if (!movieIndex.has(m)) movieIndex.set(m, movieIndex.size);
    users[i] = userIndex.get(u)!;
    movies[i] = movieIndex.get(m)!;
    ratings[i] = r;
    timestamps[i] = t;
  });
  return {
    users,
    movies,
    ratings,
    timestamps,
    count: n,
    userIds: Int32Array.from(userIndex.keys()),
    movieIds: Int32Array.from(movieIndex.keys()),
    scale: { min: 1, max: 5, step: 1 },
    source: { format: 'test', path },
  };
}

/**
 * A seeded random table: `numUsers` users with 1..maxPerUser ratings each (some users get exactly one), movies
 * drawn from `numMovies` with a skew, timestamps from a small range so ties are common. Rows are in a shuffled
 * (not user-grouped) order, and (user, movie) pairs may repeat — the splits must not care.
 */
export function randomTable(
  seed: number,
  numUsers: number,
  numMovies: number,
  maxPerUser: number,
): RatingsTable {
  const rng = createRng(seed, 99);
  const users: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const c = u % 5 === 0 ? 1 : 1 + rng.below(maxPerUser);
    for (let j = 0; j < c; j++) users.push(u);
  }
  const n = users.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const table: RatingsTable = {
    users: new Int32Array(n),
    movies: new Int32Array(n),
    ratings: new Float32Array(n),
    timestamps: new Uint32Array(n),
    count: n,
    userIds: Int32Array.from({ length: numUsers }, (_, u) => 1000 + u),
    movieIds: Int32Array.from({ length: numMovies }, (_, m) => 5000 + m),
    scale: { min: 1, max: 5, step: 1 },
    source: { format: 'synthetic', path: `random-${seed}` },
  };
  for (let i = 0; i < n; i++) {
    table.users[i] = users[order[i]!]!;
    // Squaring a uniform draw skews towards low movie indices, like popularity.
    table.movies[i] = Math.floor(rng.nextFloat() ** 2 * numMovies);
    table.ratings[i] = 1 + rng.below(5);
    table.timestamps[i] = 1_000_000 + rng.below(50);
  }
  return table;
}

/** Throws unless train ∪ test holds every row of the table exactly once. */
export function expectPartition(split: Split, count: number): void {
  const seen = new Uint8Array(count);
  for (const rows of [split.train, split.test]) {
    for (const row of rows) {
      if (row < 0 || row >= count) throw new Error(`row ${row} outside [0, ${count})`);
      if (seen[row] !== 0) throw new Error(`row ${row} appears twice`);
      seen[row] = 1;
    }
  }
  const missing = seen.indexOf(0);
  if (missing >= 0) throw new Error(`row ${missing} is in neither train nor test`);
}

/** Cold counts by brute force with Sets, as a reference for the typed-array implementation. */
export function coldReference(table: RatingsTable, split: Split): { coldUsers: number; coldMovies: number } {
  const users = new Set<number>();
  const movies = new Set<number>();
  for (const row of split.train) {
    users.add(table.users[row]!);
    movies.add(table.movies[row]!);
  }
  let coldUsers = 0;
  let coldMovies = 0;
  for (const row of split.test) {
    if (!users.has(table.users[row]!)) coldUsers++;
    if (!movies.has(table.movies[row]!)) coldMovies++;
  }
  return { coldUsers, coldMovies };
}

/** Row indices of a user's ratings among `rows` (default: every row of the table), per dense user index. */
export function rowsByUser(table: RatingsTable, rows?: Int32Array): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const row of rows ?? Int32Array.from({ length: table.count }, (_, i) => i)) {
    const u = table.users[row]!;
    const list = out.get(u) ?? [];
    list.push(row);
    out.set(u, list);
  }
  return out;
}
