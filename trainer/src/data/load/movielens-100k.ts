/**
 * MovieLens 100K: `u.data` (and the published splits u1.base ... ub.test) hold "user \t item \t rating \t
 * timestamp"; `u.item` is "id|title|release date|video date|IMDb URL|" followed by 19 genre flags (unknown, then
 * the 18 classic genres in GENRES order), latin-1; `u.user` is "id|age|gender|occupation|zip".
 */
import type { MovieTable, UserTable } from '../types.ts';
import { forEachDelimitedRow, readDelimitedUsers } from './delimited-side.ts';
import type { LineLayout } from './line-parser.ts';
import { MovieTableBuilder, rejectSideLine, splitTitleYear, type SideContext } from './side-info.ts';

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
  const out = new MovieTableBuilder(movieIds);
  await forEachDelimitedRow(
    file,
    { delimiter: '|', fields: ITEM_FIELDS, id: 'movie' },
    ctx,
    (id, f, line) => {
      let genres = 0;
      // Flag 0 is "unknown"; flags 1..18 are GENRES[0..17].
      for (let g = 1; g < GENRE_FLAGS; g++) {
        const flag = f[5 + g]!.trim();
        if (flag !== '0' && flag !== '1') {
          return rejectSideLine(ctx, file, line, `genre flag ${g + 1} is "${flag}", expected 0 or 1.`);
        }
        if (flag === '1') genres |= 1 << (g - 1);
      }
      const { title, year } = splitTitleYear(f[1]!);
      // Some titles lack "(year)"; the release date "01-Jan-1995" still has it.
      const dateYear = /(\d{4})\s*$/.exec(f[2]!);
      out.set(id, title, genres >>> 0, year !== 0 ? year : dateYear ? Number(dateYear[1]) : 0);
    },
  );
  return out.finish(file, ctx.report);
}

/** Reads u.user ("id|age|gender|occupation|zip") for the rated `userIds` (ascending). */
export function readMl100kUsers(file: string, userIds: Int32Array, ctx: SideContext): Promise<UserTable> {
  return readDelimitedUsers(file, userIds, ctx, {
    delimiter: '|',
    fields: 5,
    age: 1,
    gender: 2,
    occupation: 3,
  });
}
