/**
 * Duplicate (user, movie) pairs: the latest rating wins (by timestamp; on equal timestamps the later row of the
 * file). Rows are grouped by user with a counting sort (one Int32Array of row indices, 4 bytes per rating) and
 * each user's movies are checked against a per-movie stamp array — O(ratings + users + movies), no object per pair.
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
  const start = new Int32Array(numUsers + 1);
  for (let i = 0; i < count; i++) start[users[i]! + 1]!++;
  for (let u = 0; u < numUsers; u++) start[u + 1]! += start[u]!;
  const byUser = new Int32Array(count);
  const fill = start.slice(0, numUsers);
  for (let i = 0; i < count; i++) byUser[fill[users[i]!]!++] = i;

  const stamp = new Int32Array(numMovies); // user + 1 that last rated the movie
  const keptRow = new Int32Array(numMovies);
  let removed: Uint8Array | null = null;
  let nRemoved = 0;
  for (let u = 0; u < numUsers; u++) {
    for (let k = start[u]!; k < start[u + 1]!; k++) {
      const row = byUser[k]!;
      const m = movies[row]!;
      if (stamp[m] !== u + 1) {
        stamp[m] = u + 1;
        keptRow[m] = row;
        continue;
      }
      // Rows of one user come in file order, so `row` is later than the kept one.
      const prev = keptRow[m]!;
      const loser = timestamps[row]! >= timestamps[prev]! ? prev : row;
      if (loser === prev) keptRow[m] = row;
      removed ??= new Uint8Array(count);
      removed[loser] = 1;
      nRemoved++;
    }
  }
  if (removed !== null) compact(cols, removed, bounds ?? []);
  return nRemoved;
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
