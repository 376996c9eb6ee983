/**
 * Options and results of `loadRatings`, shared by every loader in this folder.
 */
import { DataError } from '../../../../shared/src/errors.ts';
import type { RatingScale, RatingsTable } from '../types.ts';

/** The rating-file formats Marquee reads. */
export const RATING_FORMATS = ['movielens-100k', 'movielens-1m', 'movielens-csv', 'csv'] as const;
export type RatingFormat = (typeof RATING_FORMATS)[number];

/** Human-readable names of the formats, for messages and `data stats`. */
export const FORMAT_LABELS: Record<RatingFormat, string> = {
  'movielens-100k': 'MovieLens 100K (u.data, tab-separated)',
  'movielens-1m': 'MovieLens 1M/10M (ratings.dat, "::"-separated)',
  'movielens-csv': 'MovieLens latest/20M/25M (ratings.csv)',
  csv: 'CSV with a column mapping',
};

/** Which header column holds each rating field of a generic CSV (`--columns user=uid,movie=item_id,...`). */
export interface ColumnMapping {
  user: string;
  movie: string;
  rating: string;
  /** Optional: without it every timestamp is 0. */
  timestamp?: string;
}

export interface LoadOptions {
  /** Skip format detection. Implied 'csv' when `columns` is given. */
  format?: RatingFormat;
  /** Column mapping of a generic CSV, as an object or the `--columns` text. */
  columns?: ColumnMapping | string;
  /** Field delimiter of a generic CSV (default ","; "\t" or "tab" for tabs). */
  delimiter?: string;
  /** The rating scale to validate against and report; inferred from the data when absent. */
  scale?: RatingScale;
  /** Skip (and count) invalid lines instead of stopping at the first one. */
  skipInvalid?: boolean;
  /** Read movie and user side files (titles, genres, years, ages, genders) when present. Default true. */
  sideInfo?: boolean;
}

/** What the load had to repair or could not use. */
export interface LoadReport {
  /** Rating lines skipped as invalid (only non-zero with `skipInvalid`). */
  skippedInvalid: number;
  /** Rating rows dropped because the same (user, movie) pair was rated again later. */
  duplicatesResolved: number;
  /** Human-readable notes: samples of skipped lines, movies missing from the movie file, and the like. */
  warnings: string[];
}

export interface LoadResult {
  table: RatingsTable;
  report: LoadReport;
}

/** Samples of skipped lines kept in `warnings`; the count is always exact. */
export const MAX_WARNING_SAMPLES = 5;

/** A fresh, empty report. */
export function emptyReport(): LoadReport {
  return { skippedInvalid: 0, duplicatesResolved: 0, warnings: [] };
}

/**
 * Handles one bad line: throws a DataError naming file and line, or — with `skipInvalid` — counts it and keeps a
 * sample in the warnings.
 */
export function rejectLine(
  report: LoadReport,
  skipInvalid: boolean,
  file: string,
  line: number,
  problem: string,
): void {
  if (!skipInvalid) throw new DataError(problem, { file, line });
  report.skippedInvalid++;
  if (report.warnings.length < MAX_WARNING_SAMPLES)
    report.warnings.push(`${file}:${line}: ${problem} (skipped)`);
}
