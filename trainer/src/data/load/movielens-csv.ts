/**
 * MovieLens latest / 20M / 25M (and Marquee's synthetic generator): `ratings.csv` with header
 * "userId,movieId,rating,timestamp" (half stars), `movies.csv` "movieId,title,genres" with quoted titles and
 * "|"-separated genres, and — synthetic data only — `users.csv` with at least "userId,age,gender". UTF-8.
 */
import { DataError } from '../../../../shared/src/errors.ts';
import { genreMask } from '../../../../shared/src/schemas/genres.ts';
import type { MovieTable, UserTable } from '../types.ts';
import { csvTextRecords, findColumns, type CsvRecord } from './csv-records.ts';
import type { FieldRole, LineLayout } from './line-parser.ts';
import {
  MovieTableBuilder,
  UserTableBuilder,
  parseId,
  readText,
  rejectSideLine,
  splitTitleYear,
  type SideContext,
} from './side-info.ts';

export const MLCSV_RATINGS = 'ratings.csv';
export const MLCSV_MOVIES = 'movies.csv';
export const MLCSV_USERS = 'users.csv';

const RATING_COLUMNS: Record<string, FieldRole> = {
  userid: 'user',
  movieid: 'movie',
  rating: 'rating',
  timestamp: 'timestamp',
};

/** True when a ratings.csv header names userId, movieId and rating. */
export function isRatingsCsvHeader(line: string): boolean {
  const names = line.split(',').map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase());
  return ['userid', 'movieid', 'rating'].every((n) => names.includes(n));
}

/**
 * The line layout of a ratings.csv from its first line: columns found by name (others skipped), or — when the
 * first line is four numbers — the MovieLens order without a header.
 * @throws DataError (line 1) when userId, movieId or rating is missing.
 */
export function ratingsCsvLayout(firstLine: string, file: string): LineLayout {
  const names = firstLine.split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
  if (names.length === 4 && names.every((s) => /^\d+(\.\d+)?$/.test(s))) {
    return { delimiter: ',', roles: ['user', 'movie', 'rating', 'timestamp'], headerLines: 0 };
  }
  const roles = names.map((n) => RATING_COLUMNS[n.toLowerCase()] ?? 'skip');
  for (const [name, role] of [
    ['userId', 'user'],
    ['movieId', 'movie'],
    ['rating', 'rating'],
  ] as const) {
    if (!roles.includes(role)) {
      throw new DataError(`missing column "${name}" (the header has: ${names.join(', ')}).`, {
        file,
        line: 1,
      });
    }
  }
  return { delimiter: ',', roles, headerLines: 1 };
}

/** Reads movies.csv for the rated `movieIds` (ascending). */
export async function readMlCsvMovies(
  file: string,
  movieIds: Int32Array,
  ctx: SideContext,
): Promise<MovieTable> {
  const records = csvTextRecords(await readText(file, 'utf8'), file);
  const [id, title, genres, yearCol] = header(records, file, ['movieId', 'title', 'genres', 'year'], 2);
  const out = new MovieTableBuilder(movieIds);
  for (const { fields, line } of records) {
    const movieId = parseId(fields[id!] ?? '');
    if (Number.isNaN(movieId)) {
      rejectSideLine(ctx, file, line, `movie id "${fields[id!] ?? ''}" is not a whole number.`);
      continue;
    }
    const parsed = splitTitleYear(title! >= 0 ? (fields[title!] ?? '') : '');
    const extraYear = yearCol! >= 0 ? parseId(fields[yearCol!] ?? '') : NaN;
    const year = parsed.year !== 0 ? parsed.year : Number.isNaN(extraYear) ? 0 : extraYear;
    out.set(movieId, parsed.title, genreMask((genres! >= 0 ? (fields[genres!] ?? '') : '').split('|')), year);
  }
  return out.finish(file, ctx.report);
}

/**
 * Reads users.csv (userId; when present age, gender, occupation and the declared genre preferences favoriteGenres
 * and dislikedGenre(s), "|"-separated; other columns ignored) for the rated `userIds` (ascending).
 */
export async function readMlCsvUsers(
  file: string,
  userIds: Int32Array,
  ctx: SideContext,
): Promise<UserTable> {
  const records = csvTextRecords(await readText(file, 'utf8'), file);
  const [id, age, gender, occupation, liked, disliked, dislikedPlural] = header(
    records,
    file,
    ['userId', 'age', 'gender', 'occupation', 'favoriteGenres', 'dislikedGenre', 'dislikedGenres'],
    1,
  );
  const dislikedCol = disliked! >= 0 ? disliked! : dislikedPlural!;
  const mask = (col: number, fields: string[]): number =>
    col >= 0 && fields[col] ? genreMask(fields[col].split('|')) : 0;
  const out = new UserTableBuilder(userIds);
  for (const { fields, line } of records) {
    const userId = parseId(fields[id!] ?? '');
    if (Number.isNaN(userId)) {
      rejectSideLine(ctx, file, line, `user id "${fields[id!] ?? ''}" is not a whole number.`);
      continue;
    }
    const years = age! >= 0 ? parseId(fields[age!] ?? '') : 0;
    out.set(userId, Number.isNaN(years) ? 0 : years, gender! >= 0 ? (fields[gender!] ?? '') : '', {
      occupation: occupation! >= 0 ? (fields[occupation!] ?? '') : '',
      liked: mask(liked!, fields),
      disliked: mask(dislikedCol, fields),
    });
  }
  return out.finish(file, ctx.report);
}

/**
 * Takes the header record off `records` and returns the positions of `names` in it; the first `required` of
 * them must be present.
 */
function header(records: Iterator<CsvRecord>, file: string, names: string[], required: number): number[] {
  const first = records.next();
  const head = first.done ? [] : first.value.fields;
  const cols = findColumns(head, names);
  cols.slice(0, required).forEach((c, i) => {
    if (c < 0) {
      throw new DataError(`missing column "${names[i]}" (the header has: ${head.join(', ') || 'nothing'}).`, {
        file,
        line: 1,
      });
    }
  });
  return cols;
}
