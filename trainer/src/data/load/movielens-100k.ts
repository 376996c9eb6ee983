/**
 * MovieLens 100K: `u.data` (and the published splits u1.base ... ub.test) hold "user \t item \t rating \t
 * timestamp"; `u.item` is "id|title|release date|video date|IMDb URL|" followed by 19 genre flags (unknown, then
 * the 18 classic genres in GENRES order), latin-1; `u.user` is "id|age|gender|occupation|zip".
 */
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

export const ML100K_RATINGS = 'u.data';
export const ML100K_MOVIES = 'u.item';
export const ML100K_USERS = 'u.user';

/** u.data and the u*.base / u*.test splits. */
export const ML100K_LAYOUT: LineLayout = {
  delimiter: '\t',
  roles: ['user', 'movie', 'rating', 'timestamp'],
  headerLines: 0,
};

/** Names of the 100K rating files: u.data, u1.base ... u5.test, ua.base ... ub.test. */
export function isMl100kRatingsName(name: string): boolean {
  return name === ML100K_RATINGS || /^u[0-9a-z]\.(base|test)$/.test(name);
}

const GENRE_FLAGS = 19;
const ITEM_FIELDS = 5 + GENRE_FLAGS;

/** Reads u.item for the rated `movieIds` (ascending). Throws DataError (file, line) on a malformed line. */
export async function readMl100kMovies(
  file: string,
  movieIds: Int32Array,
  ctx: SideContext,
): Promise<MovieTable> {
  const lines = splitLines(await readText(file, 'latin1'));
  const out = new MovieTableBuilder(movieIds);
  lines.forEach((text, i) => {
    if (text === '') return;
    const f = text.split('|');
    const id = parseId(f[0] ?? '');
    if (f.length !== ITEM_FIELDS) {
      return rejectSideLine(
        ctx,
        file,
        i + 1,
        `expected ${ITEM_FIELDS} "|"-separated fields (got ${f.length}).`,
      );
    }
    if (Number.isNaN(id))
      return rejectSideLine(ctx, file, i + 1, `movie id "${f[0]}" is not a whole number.`);
    let genres = 0;
    // Flag 0 is "unknown"; flags 1..18 are GENRES[0..17].
    for (let g = 1; g < GENRE_FLAGS; g++) {
      const flag = f[5 + g]!.trim();
      if (flag !== '0' && flag !== '1') {
        return rejectSideLine(ctx, file, i + 1, `genre flag ${g + 1} is "${flag}", expected 0 or 1.`);
      }
      if (flag === '1') genres |= 1 << (g - 1);
    }
    const { title, year } = splitTitleYear(f[1]!);
    // Some titles lack "(year)"; the release date "01-Jan-1995" still has it.
    const dateYear = /(\d{4})\s*$/.exec(f[2]!);
    out.set(id, title, genres >>> 0, year !== 0 ? year : dateYear ? Number(dateYear[1]) : 0);
  });
  return out.finish(file, ctx.report);
}

/** Reads u.user for the rated `userIds` (ascending). */
export async function readMl100kUsers(
  file: string,
  userIds: Int32Array,
  ctx: SideContext,
): Promise<UserTable> {
  const lines = splitLines(await readText(file, 'latin1'));
  const out = new UserTableBuilder(userIds);
  lines.forEach((text, i) => {
    if (text === '') return;
    const f = text.split('|');
    if (f.length !== 5)
      return rejectSideLine(ctx, file, i + 1, `expected 5 "|"-separated fields (got ${f.length}).`);
    const id = parseId(f[0]!);
    const age = parseId(f[1]!);
    if (Number.isNaN(id)) return rejectSideLine(ctx, file, i + 1, `user id "${f[0]}" is not a whole number.`);
    if (Number.isNaN(age)) return rejectSideLine(ctx, file, i + 1, `age "${f[1]}" is not a whole number.`);
    out.set(id, age, f[2]!);
  });
  return out.finish(file, ctx.report);
}
