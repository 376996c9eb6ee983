/**
 * Boundary check for the tables the split functions accept: a malformed table (columns of the wrong length, a
 * dense index outside its id map) would otherwise turn into out-of-range typed-array reads that silently yield
 * `undefined` → 0.
 */
import { DataError } from '../../../../shared/src/errors.ts';
import type { RatingsTable } from '../types.ts';

/**
 * Checks column lengths and that every dense user/movie index lies inside `userIds` / `movieIds`. O(count).
 * @returns the number of users and movies (lengths of the id maps).
 * @throws DataError naming the table's source path and the first bad row or column.
 */
export function checkTable(table: RatingsTable): { numUsers: number; numMovies: number } {
  const { count, users, movies, ratings, timestamps } = table;
  const file = table.source.path;
  if (!Number.isInteger(count) || count < 0) {
    throw new DataError(`ratings table: expected a whole count >= 0 (got ${count}).`, { file });
  }
  for (const [name, col] of [
    ['users', users],
    ['movies', movies],
    ['ratings', ratings],
    ['timestamps', timestamps],
  ] as const) {
    if (col.length !== count) {
      throw new DataError(`ratings table: column ${name} has ${col.length} entries, expected ${count}.`, {
        file,
      });
    }
  }
  const numUsers = table.userIds.length;
  const numMovies = table.movieIds.length;
  for (let i = 0; i < count; i++) {
    const u = users[i]!;
    const m = movies[i]!;
    if (u < 0 || u >= numUsers || m < 0 || m >= numMovies) {
      throw new DataError(
        `ratings table row ${i}: expected user index in [0, ${numUsers}) and movie index in [0, ${numMovies}) ` +
          `(got user ${u}, movie ${m}).`,
        { file },
      );
    }
  }
  return { numUsers, numMovies };
}
