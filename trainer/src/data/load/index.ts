/**
 * Rating data loaders: `loadRatings(path)` detects the format of a directory or file (MovieLens 100K, 1M,
 * latest/20M/25M, or any CSV through a column mapping) and returns a columnar RatingsTable with dense ids plus a
 * report of what was skipped or repaired.
 */
import { DataError, UsageError } from '../../../../shared/src/errors.ts';
import type { MovieTable, RatingScale, RatingsTable, UserTable } from '../types.ts';
import { ColumnBuilder, trimColumns } from './columns.ts';
import { detectSource, readFirstLine, type RatingSource } from './detect.ts';
import { resolveDuplicates } from './duplicates.ts';
import { parseColumnMapping, parseDelimiter, parseGenericCsv } from './generic-csv.ts';
import { applyRemap, IdMap } from './id-map.ts';
import { parseRatingLines, type LineLayout, type RowTarget } from './line-parser.ts';
import { ML100K_LAYOUT, readMl100kMovies, readMl100kUsers } from './movielens-100k.ts';
import { ML1M_LAYOUT, readMl1mMovies, readMl1mUsers } from './movielens-1m.ts';
import { ratingsCsvLayout, readMlCsvMovies, readMlCsvUsers } from './movielens-csv.ts';
import {
  emptyReport,
  type ColumnMapping,
  type LoadOptions,
  type LoadResult,
  type RatingFormat,
} from './options.ts';
import { countLines } from './read-lines.ts';
import { ANY_RATING, HALF_STARS, WHOLE_STARS, inferScale } from './scale.ts';
import type { SideContext } from './side-info.ts';

export type { ColumnMapping, LoadOptions, LoadReport, LoadResult, RatingFormat } from './options.ts';
export { FORMAT_LABELS, RATING_FORMATS } from './options.ts';
export { detectSource, type RatingSource } from './detect.ts';
export { parseColumnMapping, parseDelimiter } from './generic-csv.ts';
export { describeScale, inferScale, parseScale } from './scale.ts';
export { denseIndexOf } from './id-map.ts';
export { splitTitleYear } from './side-info.ts';

/**
 * Ratings each format allows when no `scale` option is given (the reported scale is inferred within it). The "::"
 * layout is shared by 1M (whole stars) and 10M (half stars).
 */
const ALLOWED_SCALE: Record<RatingFormat, RatingScale> = {
  'movielens-100k': WHOLE_STARS,
  'movielens-1m': HALF_STARS,
  'movielens-csv': HALF_STARS,
  csv: ANY_RATING,
};

/** Rows of one input file inside a table loaded from several files. */
export interface FilePart {
  path: string;
  /** First row of this file in the table columns. */
  start: number;
  count: number;
}

/**
 * Loads the ratings at `path`: a directory holding u.data, ratings.dat or ratings.csv (with their movie/user side
 * files), or a single ratings file (u.data, u1.base, ratings.dat, ratings.csv, or any CSV with
 * `options.columns`), side files looked up beside it.
 *
 * Dense ids follow ascending external id. Repeated (user, movie) pairs keep the latest rating by timestamp.
 * The scale is `options.scale`, else inferred from the ratings (see inferScale).
 * @throws DataError naming file, line and problem for a malformed line, a rating outside the scale, a non-numeric
 *   id, a missing column, an unknown format or a path without rating data (bad lines are skipped and counted in
 *   `report.skippedInvalid` instead when `options.skipInvalid`).
 * @throws UsageError for unusable options (a CSV without a column mapping, a bad delimiter).
 */
export async function loadRatings(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const source = await detectSource(path, options);
  const { table, report } = await loadSources([source], path, options);
  return { table, report };
}

/**
 * Loads several rating files of one format into one table with one id space — e.g. a published train/test pair
 * such as MovieLens 100K's u1.base and u1.test — and tells which rows came from which file. Duplicates are
 * resolved across files; side files are read beside the first file.
 * @throws as loadRatings; DataError when the files are of different formats.
 */
export async function loadRatingFiles(
  paths: string[],
  options: LoadOptions = {},
): Promise<LoadResult & { parts: FilePart[] }> {
  if (paths.length === 0) throw new UsageError('loadRatingFiles: expected at least one path.');
  const sources: RatingSource[] = [];
  for (const p of paths) sources.push(await detectSource(p, options));
  const bounds: number[] = [];
  const result = await loadSources(sources, paths.join(' + '), options, bounds);
  const parts = sources.map((s, i) => ({
    path: s.ratingsFile,
    start: bounds[i]!,
    count: bounds[i + 1]! - bounds[i]!,
  }));
  return { ...result, parts };
}

async function loadSources(
  sources: RatingSource[],
  label: string,
  options: LoadOptions,
  bounds: number[] = [],
): Promise<LoadResult> {
  const format = sources[0]!.format;
  const odd = sources.find((s) => s.format !== format);
  if (odd !== undefined) {
    throw new DataError(
      `is ${odd.format} but ${sources[0]!.ratingsFile} is ${format}; load files of one format.`,
      {
        file: odd.ratingsFile,
      },
    );
  }
  const report = emptyReport();
  const skipInvalid = options.skipInvalid === true;
  const readers = await Promise.all(sources.map((s) => ratingReader(s, options)));
  let capacity = 0;
  for (const r of readers) capacity += Math.max(0, (await countLines(r.file)) - r.headerLines);

  const users = new IdMap();
  const movies = new IdMap();
  const builder = new ColumnBuilder(capacity);
  const target: RowTarget = {
    builder,
    users,
    movies,
    scale: options.scale ?? ALLOWED_SCALE[format],
    skipInvalid,
    report,
  };
  for (const r of readers) {
    bounds.push(builder.count);
    await r.read(target);
  }
  bounds.push(builder.count);
  if (builder.count === 0) {
    throw new DataError('no ratings found (the file has no data lines).', { file: sources[0]!.ratingsFile });
  }

  let cols = builder.finish();
  const u = users.finish();
  const m = movies.finish();
  applyRemap(cols.users, cols.count, u.remap);
  applyRemap(cols.movies, cols.count, m.remap);
  const duplicates = resolveDuplicates(cols, u.ids.length, m.ids.length, bounds);
  if (duplicates > 0) {
    cols = trimColumns(cols);
    report.duplicatesResolved = duplicates;
    report.warnings.push(`${duplicates} repeated (user, movie) ratings replaced by the latest one.`);
  }
  if (report.skippedInvalid > 0) report.warnings.push(`${report.skippedInvalid} invalid lines skipped.`);

  const table: RatingsTable = {
    ...cols,
    userIds: u.ids,
    movieIds: m.ids,
    scale: options.scale ?? inferScale(cols.ratings),
    source: { format, path: label },
  };
  if (options.sideInfo !== false) {
    const ctx: SideContext = { skipInvalid, report };
    Object.assign(table, await readSideFiles(sources[0]!, u.ids, m.ids, ctx));
  }
  return { table, report };
}

interface RatingReader {
  file: string;
  headerLines: number;
  read(target: RowTarget): Promise<void>;
}

async function ratingReader(source: RatingSource, options: LoadOptions): Promise<RatingReader> {
  const file = source.ratingsFile;
  if (source.format === 'csv') {
    if (options.columns === undefined) {
      throw new UsageError(
        `${file}: a generic CSV needs a column mapping, e.g. --columns user=userId,movie=movieId,rating=rating.`,
      );
    }
    const mapping: ColumnMapping =
      typeof options.columns === 'string' ? parseColumnMapping(options.columns) : options.columns;
    const delimiter = parseDelimiter(options.delimiter ?? ',');
    return { file, headerLines: 1, read: (t) => parseGenericCsv(file, mapping, delimiter, t) };
  }
  const layout: LineLayout =
    source.format === 'movielens-100k'
      ? ML100K_LAYOUT
      : source.format === 'movielens-1m'
        ? ML1M_LAYOUT
        : ratingsCsvLayout(await readFirstLine(file), file);
  return { file, headerLines: layout.headerLines, read: (t) => parseRatingLines(file, layout, t) };
}

type MovieReader = (file: string, movieIds: Int32Array, ctx: SideContext) => Promise<MovieTable>;
type UserReader = (file: string, userIds: Int32Array, ctx: SideContext) => Promise<UserTable>;

/** Side-file readers per format; a generic CSV has none. */
const SIDE_READERS: Record<RatingFormat, { movies?: MovieReader; users?: UserReader }> = {
  'movielens-100k': { movies: readMl100kMovies, users: readMl100kUsers },
  'movielens-1m': { movies: readMl1mMovies, users: readMl1mUsers },
  'movielens-csv': { movies: readMlCsvMovies, users: readMlCsvUsers },
  csv: {},
};

async function readSideFiles(
  source: RatingSource,
  userIds: Int32Array,
  movieIds: Int32Array,
  ctx: SideContext,
): Promise<{ movieInfo?: MovieTable; userInfo?: UserTable }> {
  const { moviesFile, usersFile } = source;
  const readers = SIDE_READERS[source.format];
  const out: { movieInfo?: MovieTable; userInfo?: UserTable } = {};
  if (moviesFile !== undefined && readers.movies)
    out.movieInfo = await readers.movies(moviesFile, movieIds, ctx);
  if (usersFile !== undefined && readers.users) out.userInfo = await readers.users(usersFile, userIds, ctx);
  return out;
}
