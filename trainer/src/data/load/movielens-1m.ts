/**
 * MovieLens 1M (and 10M, same layout with half stars and no users.dat): `ratings.dat` is "UserID::MovieID::Rating::Timestamp"; `movies.dat` is "MovieID::Title::Genres"
 * with "|"-separated genres; `users.dat` is "UserID::Gender::Age::Occupation::Zip" (age is a group code: 1, 18,
 * 25, 35, 45, 50, 56). The side files are latin-1.
 */
import { genreMask } from '../../../../shared/src/schemas/genres.ts';
import type { MovieTable, UserTable } from '../types.ts';
import { forEachDelimitedRow, readDelimitedUsers } from './delimited-side.ts';
import type { LineLayout } from './line-parser.ts';
import { MovieTableBuilder, splitTitleYear, type SideContext } from './side-info.ts';

export const ML1M_RATINGS = 'ratings.dat';
export const ML1M_MOVIES = 'movies.dat';
export const ML1M_USERS = 'users.dat';

export const ML1M_LAYOUT: LineLayout = {
  delimiter: '::',
  roles: ['user', 'movie', 'rating', 'timestamp'],
  headerLines: 0,
};

/** Reads movies.dat for the rated `movieIds` (ascending). Throws DataError (file, line) on a malformed line. */
export async function readMl1mMovies(
  file: string,
  movieIds: Int32Array,
  ctx: SideContext,
): Promise<MovieTable> {
  const out = new MovieTableBuilder(movieIds);
  await forEachDelimitedRow(file, { delimiter: '::', fields: 3, id: 'movie' }, ctx, (id, f) => {
    const { title, year } = splitTitleYear(f[1]!);
    out.set(id, title, genreMask(f[2]!.split('|')), year);
  });
  return out.finish(file, ctx.report);
}

/** Reads users.dat ("UserID::Gender::Age::Occupation::Zip") for the rated `userIds` (ascending). */
export function readMl1mUsers(file: string, userIds: Int32Array, ctx: SideContext): Promise<UserTable> {
  return readDelimitedUsers(file, userIds, ctx, {
    delimiter: '::',
    fields: 5,
    age: 2,
    gender: 1,
    occupation: 3,
  });
}
