/**
 * Row orderings the per-user splits are built on, all O(n) with typed arrays: a stable counting sort that groups
 * rows by user, and a stable LSD radix sort of rows by timestamp.
 */

/** Rows grouped by user: the rows of user `u` are `rows[offsets[u] .. offsets[u + 1])`. */
export interface UserGroups {
  /** Length numUsers + 1; offsets[numUsers] = rows.length. */
  offsets: Int32Array;
  /** Row indices, grouped by user; within a group, in the order of the input. */
  rows: Int32Array;
}

/**
 * Groups rows by user with a stable counting sort. O(rows + numUsers).
 * @param users dense user index per table row (indices must be in [0, numUsers); see checkTable).
 * @param rows which rows to group, in the order ties keep; all rows 0..users.length-1 when omitted.
 */
export function groupRowsByUser(users: Int32Array, numUsers: number, rows?: Int32Array): UserGroups {
  const n = rows === undefined ? users.length : rows.length;
  const offsets = new Int32Array(numUsers + 1);
  for (let i = 0; i < n; i++) offsets[users[rows === undefined ? i : rows[i]!]! + 1]!++;
  for (let u = 0; u < numUsers; u++) offsets[u + 1]! += offsets[u]!;
  const cursor = offsets.slice(0, numUsers);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows === undefined ? i : rows[i]!;
    out[cursor[users[row]!]!++] = row;
  }
  return { offsets, rows: out };
}

/**
 * Returns all row indices ordered by timestamp ascending, ties by row index ascending (stable LSD radix sort,
 * two 16-bit passes). O(n).
 */
export function sortRowsByTime(timestamps: Uint32Array): Int32Array {
  const n = timestamps.length;
  let src = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Int32Array(n);
  const counts = new Int32Array(65537);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((timestamps[i]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 0; b < 65536; b++) counts[b + 1]! += counts[b]!;
    for (let i = 0; i < n; i++) {
      const row = src[i]!;
      dst[counts[(timestamps[row]! >>> shift) & 0xffff]!++] = row;
    }
    [src, dst] = [dst, src];
  }
  return src;
}
