/**
 * What the serving tables need to know about the data: per-movie rating counts and means over the training rows
 * (popularity, movies.json), and each trained user's distinct rated movies over every row (seen.bin, users.bin),
 * grouped in users.bin order.
 */
import { DataError } from '../../../../shared/src/errors.ts';
import type { RatingsTable } from '../../data/types.ts';

export interface MovieStats {
  /** [numMovies] training ratings per movie. */
  counts: Uint32Array;
  /** [numMovies] mean training rating per movie, NaN when it has none. */
  means: Float64Array;
}

/** Each trained user's distinct rated movies, users in ascending external-id order. */
export interface SeenLists {
  /** Dense user indices of the users with at least one training rating, by ascending external id. */
  users: Int32Array;
  /** [users.length] start of each user's list in `movies`. */
  offsets: Uint32Array;
  /** [users.length] length of each user's list. */
  counts: Uint32Array;
  /** The lists, concatenated; each ascending, without duplicates. */
  movies: Int32Array;
}

/**
 * @throws DataError when a training row index is outside the table
 */
export function assertTrainRows(table: RatingsTable, trainRows: Int32Array): void {
  for (let i = 0; i < trainRows.length; i++) {
    const r = trainRows[i] as number;
    if (r < 0 || r >= table.count) {
      throw new DataError(`training row ${i} is ${r}, outside the table's ${table.count} ratings`, {
        file: table.source.path,
      });
    }
  }
}

/** Per-movie counts and means over the training rows. */
export function movieStats(table: RatingsTable, trainRows: Int32Array): MovieStats {
  const m = table.movieIds.length;
  const counts = new Uint32Array(m);
  const sums = new Float64Array(m);
  for (let i = 0; i < trainRows.length; i++) {
    const r = trainRows[i] as number;
    const movie = table.movies[r] as number;
    counts[movie] = (counts[movie] as number) + 1;
    sums[movie] = (sums[movie] as number) + (table.ratings[r] as number);
  }
  const means = new Float64Array(m);
  for (let j = 0; j < m; j++) means[j] = counts[j] ? (sums[j] as number) / (counts[j] as number) : Number.NaN;
  return { counts, means };
}

/**
 * The seen lists of a version. The users are those with at least one training row: users.bin holds only them,
 * because the others have untrained vectors. Each list holds the movies of every row of `table` the user has —
 * training, validation and test alike — because a movie the user rated anywhere in the data must not be
 * recommended to them, whichever side of the split the rating fell on.
 * Counting sort by user (O(rows + users)), then each list sorted and de-duplicated.
 * @param trainRows rows of `table` the model learned from; they decide which users have a list
 */
export function seenLists(table: RatingsTable, trainRows: Int32Array): SeenLists {
  const n = table.userIds.length;
  const trained = new Uint8Array(n);
  for (let i = 0; i < trainRows.length; i++) trained[table.users[trainRows[i] as number] as number] = 1;
  const start = new Uint32Array(n + 1);
  for (let r = 0; r < table.count; r++) {
    const u = table.users[r] as number;
    if (trained[u]) start[u + 1] = (start[u + 1] as number) + 1;
  }
  for (let u = 0; u < n; u++) start[u + 1] = (start[u + 1] as number) + (start[u] as number);
  const grouped = new Int32Array(start[n] as number);
  const fill = start.slice(0, n);
  for (let r = 0; r < table.count; r++) {
    const u = table.users[r] as number;
    if (!trained[u]) continue;
    grouped[fill[u] as number] = table.movies[r] as number;
    fill[u] = (fill[u] as number) + 1;
  }
  const users = Int32Array.from({ length: n }, (_, u) => u)
    .filter((u) => trained[u] === 1)
    .sort((a, b) => (table.userIds[a] as number) - (table.userIds[b] as number));
  const offsets = new Uint32Array(users.length);
  const counts = new Uint32Array(users.length);
  const movies = new Int32Array(grouped.length);
  let at = 0;
  for (let k = 0; k < users.length; k++) {
    const u = users[k] as number;
    const list = grouped.subarray(start[u] as number, start[u + 1] as number).sort();
    offsets[k] = at;
    for (let i = 0; i < list.length; i++) {
      if (i === 0 || list[i] !== list[i - 1]) movies[at++] = list[i] as number;
    }
    counts[k] = at - (offsets[k] as number);
  }
  return { users, offsets, counts, movies: movies.slice(0, at) };
}
