/**
 * Turning a per-row test mark into a Split, and counting test rows that are cold (user or movie without any
 * training rating) so they are reported rather than silently dropped.
 */
import type { RatingsTable, Split } from '../types.ts';

/**
 * Splits `rows` (all rows 0..marks.length-1 when omitted) into those with mark 0 and those with a non-zero mark,
 * each in the order of `rows`. O(rows).
 */
export function partitionByMark(
  marks: Uint8Array,
  rows?: Int32Array,
): { unmarked: Int32Array; marked: Int32Array } {
  const n = rows === undefined ? marks.length : rows.length;
  let markedCount = 0;
  for (let i = 0; i < n; i++) if (marks[rows === undefined ? i : rows[i]!] !== 0) markedCount++;
  const unmarked = new Int32Array(n - markedCount);
  const marked = new Int32Array(markedCount);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const row = rows === undefined ? i : rows[i]!;
    if (marks[row] !== 0) marked[b++] = row;
    else unmarked[a++] = row;
  }
  return { unmarked, marked };
}

/**
 * Counts test rows whose user, resp. movie, has no rating among the train rows. O(train + test + users + movies).
 */
export function countCold(
  table: RatingsTable,
  train: Int32Array,
  test: Int32Array,
): { coldUsers: number; coldMovies: number } {
  const userSeen = new Uint8Array(table.userIds.length);
  const movieSeen = new Uint8Array(table.movieIds.length);
  for (let i = 0; i < train.length; i++) {
    const row = train[i]!;
    userSeen[table.users[row]!] = 1;
    movieSeen[table.movies[row]!] = 1;
  }
  let coldUsers = 0;
  let coldMovies = 0;
  for (let i = 0; i < test.length; i++) {
    const row = test[i]!;
    if (userSeen[table.users[row]!] === 0) coldUsers++;
    if (movieSeen[table.movies[row]!] === 0) coldMovies++;
  }
  return { coldUsers, coldMovies };
}

/** Builds a Split from a test mark per table row (train and test in ascending row order), with cold counts. */
export function splitFromMarks(table: RatingsTable, marks: Uint8Array, description: string): Split {
  const { unmarked: train, marked: test } = partitionByMark(marks);
  return { train, test, ...countCold(table, train, test), description };
}
