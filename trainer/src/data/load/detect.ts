/**
 * Format detection: from a directory (by the rating file it holds) or a single ratings file (by name, then by
 * its first line), plus the movie/user side files that sit beside it.
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DataError } from '../../../../shared/src/errors.ts';
import { ML100K_MOVIES, ML100K_RATINGS, ML100K_USERS, isMl100kRatingsName } from './movielens-100k.ts';
import { ML1M_MOVIES, ML1M_RATINGS, ML1M_USERS } from './movielens-1m.ts';
import { MLCSV_MOVIES, MLCSV_RATINGS, MLCSV_USERS, isRatingsCsvHeader } from './movielens-csv.ts';
import { FORMAT_LABELS, type LoadOptions, type RatingFormat } from './options.ts';

/** A located data set: the ratings file and the side files found beside it. */
export interface RatingSource {
  format: RatingFormat;
  ratingsFile: string;
  moviesFile?: string;
  usersFile?: string;
}

const FILES: Record<RatingFormat, { ratings: string; movies?: string; users?: string }> = {
  'movielens-100k': { ratings: ML100K_RATINGS, movies: ML100K_MOVIES, users: ML100K_USERS },
  'movielens-1m': { ratings: ML1M_RATINGS, movies: ML1M_MOVIES, users: ML1M_USERS },
  'movielens-csv': { ratings: MLCSV_RATINGS, movies: MLCSV_MOVIES, users: MLCSV_USERS },
  csv: { ratings: MLCSV_RATINGS },
};

/** Directory look-up order: the first rating file found decides the format. */
const DIRECTORY_ORDER: RatingFormat[] = ['movielens-100k', 'movielens-1m', 'movielens-csv'];

/**
 * Finds the ratings file and format of `path` (a directory or a file).
 * @throws DataError when the path does not exist, a directory holds no known rating file (the message lists what
 *   was looked for), or a file's format cannot be told.
 */
export async function detectSource(path: string, options: LoadOptions = {}): Promise<RatingSource> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new DataError(
      err.code === 'ENOENT' ? 'no such file or directory.' : `cannot read (${err.code ?? err.message}).`,
      {
        file: path,
        cause: err,
      },
    );
  });
  const generic = options.columns !== undefined || options.format === 'csv';
  if (info.isDirectory()) {
    const order = generic ? (['csv'] as const) : options.format ? [options.format] : DIRECTORY_ORDER;
    for (const format of order) {
      const file = join(path, FILES[format].ratings);
      if (await isFile(file)) return withSideFiles(format, file);
    }
    const looked = order.map((f) => `${FILES[f].ratings} (${FORMAT_LABELS[f]})`).join(', ');
    throw new DataError(
      `no rating data found in this directory: looked for ${looked}. Pass a ratings file path to read another name.`,
      { file: path },
    );
  }
  if (generic) return { format: 'csv', ratingsFile: path };
  return withSideFiles(options.format ?? (await sniffFile(path)), path);
}

async function withSideFiles(format: RatingFormat, ratingsFile: string): Promise<RatingSource> {
  const dir = dirname(ratingsFile);
  const { movies, users } = FILES[format];
  const source: RatingSource = { format, ratingsFile };
  if (movies !== undefined && (await isFile(join(dir, movies)))) source.moviesFile = join(dir, movies);
  if (users !== undefined && (await isFile(join(dir, users)))) source.usersFile = join(dir, users);
  return source;
}

async function sniffFile(file: string): Promise<RatingFormat> {
  const name = basename(file);
  if (isMl100kRatingsName(name)) return 'movielens-100k';
  if (name === ML1M_RATINGS) return 'movielens-1m';
  const first = await readFirstLine(file);
  if (/^\d+\t\d+\t[\d.]+\t\d+\r?$/.test(first)) return 'movielens-100k';
  if (/^\d+::\d+::[\d.]+::\d+\r?$/.test(first)) return 'movielens-1m';
  if (isRatingsCsvHeader(first) || (name === MLCSV_RATINGS && /^\d+,\d+,[\d.]+,\d+\r?$/.test(first))) {
    return 'movielens-csv';
  }
  const shown = first.length > 80 ? `${first.slice(0, 77)}...` : first;
  throw new DataError(
    'unknown format: expected MovieLens 100K (user\\titem\\trating\\ttimestamp), 1M (user::movie::rating::time) ' +
      'or a ratings.csv with a userId,movieId,rating header; for other CSVs pass ' +
      `--columns user=NAME,movie=NAME,rating=NAME[,timestamp=NAME] (first line: "${shown}").`,
    { file, line: 1 },
  );
}

/** The first line of a file (without its line break; a UTF-8 BOM removed), read from its first 64 KiB. */
export async function readFirstLine(file: string): Promise<string> {
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(`cannot read the file (${err.code ?? err.message}).`, { file, cause: err });
  });
  try {
    const buf = Buffer.alloc(1 << 16);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf.toString('utf8', 0, bytesRead).replace(/^\uFEFF/, '');
    const nl = text.indexOf('\n');
    return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
  } finally {
    await handle.close();
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
