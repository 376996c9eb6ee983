/**
 * Duplicate (user, movie) pairs: the latest rating wins (by timestamp; on equal timestamps the later row of the
 * file). Rows are grouped by user with a counting sort (one Int32Array of row indices, 4 bytes per rating, skipped
 * when the file is sorted by user) and each user's movies are checked against a per-movie stamp array —
 * O(ratings + users + movies), no object per pair.
 */
import type { Columns } from './columns.ts';

/**
 * Removes the superseded rows of repeated (user, movie) pairs from `cols` in place, keeping row order.
 * `cols.users` / `cols.movies` must already be dense indices below `numUsers` / `numMovies`.
 * @param bounds optional row boundaries of the files the rows came from ([start0, start1, ..., end]); rewritten in
 *   place to stay true after removal.
 * @returns the number of rows removed; `cols.count` is lowered by as much (arrays keep their length).
 */
export function resolveDuplicates(
  cols: Columns,
  numUsers: number,
  numMovies: number,
  bounds?: number[],
): number {
  const { users, movies, timestamps, count } = cols;
  const byUser = groupByUser(users, count, numUsers);
  const stamp = new Int32Array(numMovies); // user + 1 that last rated the movie
  const keptRow = new Int32Array(numMovies);
  let removed: Uint8Array | null = null;
  let nRemoved = 0;
  for (let k = 0; k < count; k++) {
    const row = byUser === null ? k : byUser[k]!;
    const u = users[row]!;
    const m = movies[row]!;
    if (stamp[m] !== u + 1) {
      stamp[m] = u + 1;
      keptRow[m] = row;
      continue;
    }
    // A user's rows come in file order, so `row` is later than the kept one.
    const prev = keptRow[m]!;
    const loser = timestamps[row]! >= timestamps[prev]! ? prev : row;
    if (loser === prev) keptRow[m] = row;
    removed ??= new Uint8Array(count);
    removed[loser] = 1;
    nRemoved++;
  }
  if (removed !== null) compact(cols, removed, bounds ?? []);
  return nRemoved;
}

/**
 * Row indices grouped by user, in file order within a user (a stable counting sort), or null when the rows are
 * grouped already — MovieLens 1M/latest and the synthetic generator write them sorted by user, which saves the
 * 4 bytes per rating of the index array.
 */
function groupByUser(users: Int32Array, count: number, numUsers: number): Int32Array | null {
  let grouped = true;
  for (let i = 1; i < count && grouped; i++) grouped = users[i]! >= users[i - 1]!;
  if (grouped) return null;
  const start = new Int32Array(numUsers + 1);
  for (let i = 0; i < count; i++) start[users[i]! + 1]!++;
  for (let u = 0; u < numUsers; u++) start[u + 1]! += start[u]!;
  const byUser = new Int32Array(count);
  for (let i = 0; i < count; i++) byUser[start[users[i]!]!++] = i;
  return byUser;
}

function compact(cols: Columns, removed: Uint8Array, bounds: number[]): void {
  const { users, movies, ratings, timestamps } = cols;
  let w = 0;
  let b = 0;
  for (let r = 0; r < cols.count; r++) {
    while (b < bounds.length && bounds[b] === r) bounds[b++] = w;
    if (removed[r] === 1) continue;
    users[w] = users[r]!;
    movies[w] = movies[r]!;
    ratings[w] = ratings[r]!;
    timestamps[w] = timestamps[r]!;
    w++;
  }
  while (b < bounds.length) bounds[b++] = w;
  cols.count = w;
}
