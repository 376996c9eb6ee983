/**
 * MovieLens 1M (and 10M, same layout with half stars and no users.dat): `ratings.dat` is "UserID::MovieID::Rating::Timestamp"; `movies.dat` is "MovieID::Title::Genres"
 * with "|"-separated genres; `users.dat` is "UserID::Gender::Age::Occupation::Zip" (age is a group code: 1, 18,
 * 25, 35, 45, 50, 56). The side files are latin-1.
 */
import { genreMask } from '../../../../shared/src/schemas/genres.ts';
import type { MovieTable, UserTable } from '../types.ts';
import type { LineLayout } from './line-parser.ts';
import {
  MovieTableBuilder,
  UserTableBuilder,
  parseId,
  readText,
  rejectSideLine,
  splitLines,
  splitTitleYear,
  type SideContext,
} from './side-info.ts';

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
  splitLines(await readText(file, 'latin1')).forEach((text, i) => {
    if (text === '') return;
    const f = text.split('::');
    if (f.length !== 3)
      return rejectSideLine(ctx, file, i + 1, `expected 3 "::"-separated fields (got ${f.length}).`);
    const id = parseId(f[0]!);
    if (Number.isNaN(id))
      return rejectSideLine(ctx, file, i + 1, `movie id "${f[0]}" is not a whole number.`);
    const { title, year } = splitTitleYear(f[1]!);
    out.set(id, title, genreMask(f[2]!.split('|')), year);
  });
  return out.finish(file, ctx.report);
}

/** Reads users.dat for the rated `userIds` (ascending). */
export async function readMl1mUsers(file: string, userIds: Int32Array, ctx: SideContext): Promise<UserTable> {
  const out = new UserTableBuilder(userIds);
  splitLines(await readText(file, 'latin1')).forEach((text, i) => {
    if (text === '') return;
    const f = text.split('::');
    if (f.length !== 5)
      return rejectSideLine(ctx, file, i + 1, `expected 5 "::"-separated fields (got ${f.length}).`);
    const id = parseId(f[0]!);
    const age = parseId(f[2]!);
    if (Number.isNaN(id)) return rejectSideLine(ctx, file, i + 1, `user id "${f[0]}" is not a whole number.`);
    if (Number.isNaN(age)) return rejectSideLine(ctx, file, i + 1, `age "${f[2]}" is not a whole number.`);
    out.set(id, age, f[1]!);
  });
  return out.finish(file, ctx.report);
}
