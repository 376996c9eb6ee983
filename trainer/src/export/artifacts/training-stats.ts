/**
 * What the serving tables need to know about the training rows: per-movie rating counts and means (popularity,
 * movies.json) and each user's distinct training movies (seen.bin), grouped in users.bin order.
 */
import { DataError } from '../../../../shared/src/errors.ts';
import type { RatingsTable } from '../../data/types.ts';

export interface MovieStats {
  /** [numMovies] training ratings per movie. */
  counts: Uint32Array;
  /** [numMovies] mean training rating per movie, NaN when it has none. */
  means: Float64Array;
}

/** Each user's distinct training movies, users in ascending external-id order. */
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

/** Groups the training rows by user (counting sort, O(rows)), then sorts and de-duplicates each list. */
export function seenLists(table: RatingsTable, trainRows: Int32Array): SeenLists {
  const n = table.userIds.length;
  const start = new Uint32Array(n + 1);
  for (let i = 0; i < trainRows.length; i++) {
    const u = table.users[trainRows[i] as number] as number;
    start[u + 1] = (start[u + 1] as number) + 1;
  }
  for (let u = 0; u < n; u++) start[u + 1] = (start[u + 1] as number) + (start[u] as number);
  const grouped = new Int32Array(trainRows.length);
  const fill = start.slice(0, n);
  for (let i = 0; i < trainRows.length; i++) {
    const r = trainRows[i] as number;
    const u = table.users[r] as number;
    grouped[fill[u] as number] = table.movies[r] as number;
    fill[u] = (fill[u] as number) + 1;
  }
  const users = Int32Array.from({ length: n }, (_, u) => u)
    .filter((u) => (start[u + 1] as number) > (start[u] as number))
    .sort((a, b) => (table.userIds[a] as number) - (table.userIds[b] as number));
  const offsets = new Uint32Array(users.length);
  const counts = new Uint32Array(users.length);
  const movies = new Int32Array(trainRows.length);
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
