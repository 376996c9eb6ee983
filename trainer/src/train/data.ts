/**
 * Where a run's data come from and how they are split, in a JSON-serialisable form that config.json records, so
 * that the exact training data can be rebuilt later (evaluation, export, resume).
 */
import { DataError, UsageError } from '../../../shared/src/errors.ts';
import {
  loadRatings,
  parseColumnMapping,
  parseScale,
  type LoadOptions,
  type RatingFormat,
} from '../data/load/index.ts';
import { applySplit, combineTrainTest, holdout, parseSplitSpec } from '../data/split/index.ts';
import type { RatingsTable, Split } from '../data/types.ts';

/** Loader options as given on the command line (strings where the CLI takes text), so they round-trip JSON. */
export interface LoadSpec {
  format?: RatingFormat;
  /** Generic CSV column mapping text, e.g. "user=uid,movie=item,rating=stars". */
  columns?: string;
  delimiter?: string;
  /** Rating scale text "min:max:step". */
  scale?: string;
  skipInvalid?: boolean;
}

/** The data of a run. */
export interface DataSpec {
  /** Ratings path (directory or file) as given. */
  path: string;
  /** A separate test file (e.g. MovieLens u1.test); `split` is then ignored. */
  testPath?: string;
  /** The `--split` text (see SPLIT_SPEC_HELP). */
  split: string;
  /** Seed of the split and of the validation hold-out. */
  seed: number;
  load: LoadSpec;
  /**
   * Validation rows: the training side's ratings at or after this time (unix seconds) instead of a share of each
   * user's (`--val-since`): e.g. the ratings a warm start's model never saw.
   */
  valSince?: number;
}

/** Converts a LoadSpec into loadRatings options. @throws UsageError on bad column mapping or scale text */
export function loadOptionsOf(spec: LoadSpec): LoadOptions {
  const options: LoadOptions = {};
  if (spec.format !== undefined) options.format = spec.format;
  if (spec.columns !== undefined) options.columns = parseColumnMapping(spec.columns);
  if (spec.delimiter !== undefined) options.delimiter = spec.delimiter;
  if (spec.scale !== undefined) options.scale = parseScale(spec.scale);
  if (spec.skipInvalid !== undefined) options.skipInvalid = spec.skipInvalid;
  return options;
}

/** The table, its train/test split and the loaders' warnings. */
export interface SplitData {
  table: RatingsTable;
  split: Split;
  warnings: string[];
}

function checkSize(table: RatingsTable, file: string): void {
  const users = table.userIds.length;
  const movies = table.movieIds.length;
  if (users < 2 || movies < 2) {
    throw new DataError(
      `a collaborative model needs at least 2 users and 2 movies (got ${users} user${users === 1 ? '' : 's'} and ` +
        `${movies} movie${movies === 1 ? '' : 's'}).`,
      { file },
    );
  }
}

/**
 * Loads the data of `spec` and applies its split (or combines the train and test files).
 * @throws DataError / UsageError from the loaders and splits; DataError when the data have fewer than 2 users
 *   or movies, or the test side is empty (unless the split is `none`, which asks for that)
 */
export async function loadSplitData(spec: DataSpec): Promise<SplitData> {
  const options = loadOptionsOf(spec.load);
  if (spec.testPath !== undefined) {
    const train = await loadRatings(spec.path, options);
    const test = await loadRatings(spec.testPath, options);
    checkSize(train.table, spec.path);
    const combined = combineTrainTest(train.table, test.table);
    const warnings = [...train.report.warnings, ...test.report.warnings];
    if (combined.overlappingPairs > 0) {
      warnings.push(
        `${combined.overlappingPairs} test (user, movie) pairs also appear in the training file.`,
      );
    }
    return { table: combined.table, split: combined.split, warnings };
  }
  const { table, report } = await loadRatings(spec.path, options);
  checkSize(table, spec.path);
  const parsed = parseSplitSpec(spec.split);
  const split = applySplit(table, parsed, spec.seed);
  if (split.test.length === 0 && parsed.kind !== 'none') {
    throw new DataError(
      `the split "${spec.split}" leaves no test ratings; use a larger fraction or more data.`,
      {
        file: spec.path,
      },
    );
  }
  return { table, split, warnings: report.warnings };
}

/** Training rows split into rows to fit and validation rows for early stopping. */
export interface FitRows {
  train: Int32Array;
  validation: Int32Array;
}

/** `--val-since` leaves no validation rating, or too few training ones (callers may choose another validation). */
export class NoRatingsSince extends UsageError {
  override name = 'NoRatingsSince';
}

/** The training rows at or after `since` (unix seconds) as validation rows. @throws NoRatingsSince */
function validationSince(data: SplitData, since: number): FitRows {
  const { table, split } = data;
  const train: number[] = [];
  const validation: number[] = [];
  for (const r of split.train) (table.timestamps[r]! >= since ? validation : train).push(r);
  if (validation.length === 0 || train.length < 2) {
    throw new NoRatingsSince(
      `--val-since ${new Date(since * 1000).toISOString()}: expected training ratings both before and at or after ` +
        `it (got ${train.length} before, ${validation.length} after).`,
    );
  }
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}

/**
 * Carves the validation set out of the training rows: per user (see `holdout`), or the ratings at or after `since`.
 * @throws UsageError when the training side is too small to hold any rating out; NoRatingsSince when `since`
 *   leaves no validation rating or fewer than 2 training ones
 */
export function carveValidation(data: SplitData, fraction: number, seed: number, since?: number): FitRows {
  const { table, split } = data;
  const distinctUsers = new Set<number>();
  const distinctMovies = new Set<number>();
  for (let i = 0; i < split.train.length; i++) {
    distinctUsers.add(table.users[split.train[i]!]!);
    distinctMovies.add(table.movies[split.train[i]!]!);
  }
  if (distinctUsers.size < 2 || distinctMovies.size < 2) {
    throw new UsageError(
      `the training ratings must involve at least 2 users and 2 movies (got ${distinctUsers.size} user(s) and ` +
        `${distinctMovies.size} movie(s)); a collaborative model cannot learn from a single user or movie.`,
    );
  }
  if (since !== undefined) return validationSince(data, since);
  const rows = holdout(split.train, table, fraction, seed);
  if (rows.validation.length === 0 || rows.train.length < 2) {
    throw new UsageError(
      `${split.train.length} training ratings are too few to hold out a validation set (--val-fraction ` +
        `${fraction} of each user's ratings gave ${rows.validation.length}); use more data or a larger fraction.`,
    );
  }
  return rows;
}
