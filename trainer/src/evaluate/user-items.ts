/** Per-user movie lists and per-entity rating counts built from a subset of table rows (train or test). */
import type { RatingsTable } from '../data/types.ts';

/** Movies of each user in CSR form: user u's movies are `movies[offsets[u] .. offsets[u + 1])`, ascending. */
export interface UserItems {
  /** Length numUsers + 1. */
  offsets: Int32Array;
  movies: Int32Array;
}

/**
 * Groups the movies of the given rows by user, each user's list sorted ascending (duplicates kept), so a
 * user's slice can serve directly as the sorted exclusion list of `topK`. O(rows + numUsers + sort).
 * @param keep optional filter on the row's rating (e.g. relevant ratings only)
 */
export function userItems(
  table: RatingsTable,
  rows: Int32Array,
  keep?: (rating: number) => boolean,
): UserItems {
  const numUsers = table.userIds.length;
  const offsets = new Int32Array(numUsers + 1);
  for (const row of rows) {
    if (keep && !keep(table.ratings[row] as number)) continue;
    offsets[(table.users[row] as number) + 1]!++;
  }
  for (let u = 0; u < numUsers; u++) offsets[u + 1] = (offsets[u + 1] as number) + (offsets[u] as number);
  const cursor = offsets.slice(0, numUsers);
  const movies = new Int32Array(offsets[numUsers] as number);
  for (const row of rows) {
    if (keep && !keep(table.ratings[row] as number)) continue;
    const u = table.users[row] as number;
    movies[cursor[u] as number] = table.movies[row] as number;
    cursor[u]!++;
  }
  for (let u = 0; u < numUsers; u++) movies.subarray(offsets[u], offsets[u + 1]).sort();
  return { offsets, movies };
}

/** The sorted movie slice of user u (a view, no copy). */
export function itemsOf(items: UserItems, u: number): Int32Array {
  return items.movies.subarray(items.offsets[u], items.offsets[u + 1]);
}

/** Number of the given rows per entity, for `index` = table.users (size numUsers) or table.movies. */
export function countRows(index: Int32Array, size: number, rows: Int32Array): Int32Array {
  const counts = new Int32Array(size);
  for (const row of rows) counts[index[row] as number]!++;
  return counts;
}

/** True when the sorted array contains x (binary search). */
export function sortedHas(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === x;
}
