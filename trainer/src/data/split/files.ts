/**
 * Published train/test file pairs (e.g. MovieLens 100K's u1.base / u1.test): two tables loaded separately, each
 * with its own dense id maps, merged into one table with one id space so a Split can index it.
 */
import { DataError } from '../../../../shared/src/errors.ts';
import type { RatingScale, RatingsTable, Split } from '../types.ts';
import { groupRowsByUser } from './group.ts';
import { countCold } from './partition.ts';
import { mergeMovieInfo, mergeUserInfo } from './side-info.ts';
import { checkTable } from './table-check.ts';

/** The merged table, the split into its train rows and test rows, and how many test pairs also occur in train. */
export interface CombinedTrainTest {
  table: RatingsTable;
  split: Split;
  /** Test rows whose (user, movie) pair also appears in train: leakage in the published split, reported. */
  overlappingPairs: number;
}

/**
 * Unions two external-id maps. Train's ids keep their dense indices; ids only in test are appended in the order
 * of test's dense indices. Returns the merged map and, per test dense index, its merged index. O(ids).
 */
function unionIds(trainIds: Int32Array, testIds: Int32Array): { ids: Int32Array; testToMerged: Int32Array } {
  const index = new Map<number, number>();
  for (let i = 0; i < trainIds.length; i++) index.set(trainIds[i]!, i);
  const testToMerged = new Int32Array(testIds.length);
  const extra: number[] = [];
  for (let i = 0; i < testIds.length; i++) {
    const id = testIds[i]!;
    let merged = index.get(id);
    if (merged === undefined) {
      merged = trainIds.length + extra.length;
      index.set(id, merged);
      extra.push(id);
    }
    testToMerged[i] = merged;
  }
  const ids = new Int32Array(trainIds.length + extra.length);
  ids.set(trainIds);
  ids.set(extra, trainIds.length);
  return { ids, testToMerged };
}

/** Appends a test column after a train column, mapping test's dense indices through `map`. */
function concatMapped(train: Int32Array, test: Int32Array, map: Int32Array): Int32Array {
  const out = new Int32Array(train.length + test.length);
  out.set(train);
  for (let i = 0; i < test.length; i++) out[train.length + i] = map[test[i]!]!;
  return out;
}

/**
 * The scale covering both: the wider range with the finer step, provided the coarser step is a whole multiple of
 * the finer one (1-star and half-star data merge; 1-star and 0.3-star do not).
 */
function mergeScales(a: RatingScale, b: RatingScale, files: string): RatingScale {
  const step = Math.min(a.step, b.step);
  const ratio = Math.max(a.step, b.step) / step;
  if (Math.abs(ratio - Math.round(ratio)) > 1e-9) {
    throw new DataError(
      `train and test rating scales do not fit together: expected steps that are multiples of each other ` +
        `(got ${a.step} and ${b.step}).`,
      { file: files },
    );
  }
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), step };
}

/**
 * Counts test rows (merged indices >= trainCount) whose (user, movie) pair also occurs among the train rows.
 * Groups both sides by user and stamps each user's train movies, so it is O(count + users + movies).
 */
function countOverlap(
  users: Int32Array,
  movies: Int32Array,
  trainCount: number,
  numUsers: number,
  numMovies: number,
): number {
  // The grouping is stable, so within a user every train row precedes every test row.
  const { offsets, rows: byUser } = groupRowsByUser(users, numUsers);
  const stamp = new Int32Array(numMovies).fill(-1);
  let overlap = 0;
  for (let u = 0; u < numUsers; u++) {
    for (let j = offsets[u]!; j < offsets[u + 1]!; j++) {
      const row = byUser[j]!;
      const m = movies[row]!;
      if (row < trainCount) stamp[m] = u;
      else if (stamp[m] === u) overlap++;
    }
  }
  return overlap;
}

/**
 * Merges a train table and a test table loaded from a published file pair into one table with one id space:
 * train's dense indices are kept, users/movies that appear only in test are appended after them, and train rows
 * come first, so the split is train = rows [0, train.count), test = rows [train.count, train.count + test.count).
 * Test rows with a user or movie absent from train are counted in `coldUsers` / `coldMovies`, never dropped;
 * (user, movie) pairs present in both files are counted in `overlappingPairs`. Side information is kept when it
 * covers every merged user/movie. O(count + users + movies).
 * @throws DataError when either table is malformed or the rating scales do not fit together.
 */
export function combineTrainTest(train: RatingsTable, test: RatingsTable): CombinedTrainTest {
  checkTable(train);
  checkTable(test);
  const files = `${train.source.path} + ${test.source.path}`;
  const usersMerged = unionIds(train.userIds, test.userIds);
  const moviesMerged = unionIds(train.movieIds, test.movieIds);
  const numUsers = usersMerged.ids.length;
  const numMovies = moviesMerged.ids.length;
  const count = train.count + test.count;

  const ratings = new Float32Array(count);
  ratings.set(train.ratings);
  ratings.set(test.ratings, train.count);
  const timestamps = new Uint32Array(count);
  timestamps.set(train.timestamps);
  timestamps.set(test.timestamps, train.count);

  const table: RatingsTable = {
    users: concatMapped(train.users, test.users, usersMerged.testToMerged),
    movies: concatMapped(train.movies, test.movies, moviesMerged.testToMerged),
    ratings,
    timestamps,
    count,
    userIds: usersMerged.ids,
    movieIds: moviesMerged.ids,
    scale: mergeScales(train.scale, test.scale, files),
    source: {
      format:
        train.source.format === test.source.format
          ? train.source.format
          : `${train.source.format}+${test.source.format}`,
      path: files,
    },
  };
  const movieInfo = mergeMovieInfo(train, test, moviesMerged.testToMerged, numMovies);
  if (movieInfo !== undefined) table.movieInfo = movieInfo;
  const userInfo = mergeUserInfo(train, test, usersMerged.testToMerged, numUsers);
  if (userInfo !== undefined) table.userInfo = userInfo;

  const trainRows = new Int32Array(train.count);
  for (let i = 0; i < train.count; i++) trainRows[i] = i;
  const testRows = new Int32Array(test.count);
  for (let i = 0; i < test.count; i++) testRows[i] = train.count + i;
  const overlappingPairs = countOverlap(table.users, table.movies, train.count, numUsers, numMovies);
  const overlapNote = overlappingPairs > 0 ? ` (${overlappingPairs} test pairs also in train)` : '';
  const split: Split = {
    train: trainRows,
    test: testRows,
    ...countCold(table, trainRows, testRows),
    description: `files train=${train.source.path} test=${test.source.path}${overlapNote}`,
  };
  return { table, split, overlappingPairs };
}
