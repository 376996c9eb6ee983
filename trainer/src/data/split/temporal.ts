/**
 * Temporal splits: the model is tested on ratings that come after the ones it trained on, as in production.
 * Either one global cut-off time, or each user's most recent ratings.
 */
import { UsageError } from '../../../../shared/src/errors.ts';
import type { RatingsTable, Split } from '../types.ts';
import { groupRowsByUser, sortRowsByTime } from './group.ts';
import { checkPositiveInt } from './params.ts';
import { splitFromMarks } from './partition.ts';
import { checkTable } from './table-check.ts';

/** Formats unix seconds as an ISO 8601 UTC time without milliseconds, for descriptions and messages. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** @throws UsageError when the table has no timestamps (all 0, or no ratings): a time-based split is meaningless. */
export function requireTimestamps(table: RatingsTable, what: string): void {
  for (let i = 0; i < table.count; i++) if (table.timestamps[i] !== 0) return;
  throw new UsageError(
    `${what} needs rating timestamps, but ${table.source.path || 'the data'} has none ` +
      `(${table.count === 0 ? 'no ratings' : 'every timestamp is 0'}); use a random or per-user split.`,
  );
}

/**
 * Global cut-off: ratings with timestamp >= `cutoff` go to test, the rest to train, so the latest training
 * rating is older than the earliest test rating. Users or movies first seen after the cut-off are cold and
 * counted. O(count).
 * @param cutoff unix time in seconds.
 * @returns train and test row indices in ascending order.
 * @throws UsageError when the table has no timestamps, or the cut-off leaves train or test empty (the message
 *   gives the time range of the data).
 */
export function temporalSplit(table: RatingsTable, cutoff: number): Split {
  if (!Number.isFinite(cutoff)) {
    throw new UsageError(`temporal split: expected a cut-off in unix seconds (got ${cutoff}).`);
  }
  checkTable(table);
  requireTimestamps(table, 'temporal split');
  const n = table.count;
  const marks = new Uint8Array(n);
  let first = Infinity;
  let last = -Infinity;
  let tested = 0;
  for (let i = 0; i < n; i++) {
    const t = table.timestamps[i]!;
    if (t < first) first = t;
    if (t > last) last = t;
    if (t >= cutoff) {
      marks[i] = 1;
      tested++;
    }
  }
  if (tested === 0 || tested === n) {
    throw new UsageError(
      `temporal split: expected a cut-off after the first rating (${isoSeconds(first)}) and at or before the ` +
        `last (${isoSeconds(last)}) (got ${isoSeconds(cutoff)}, which puts every rating in ` +
        `${tested === 0 ? 'train' : 'test'}).`,
    );
  }
  return splitFromMarks(table, marks, `temporal cut-off ${isoSeconds(cutoff)}`);
}

/**
 * Marks each user's `n` latest rows by timestamp, at most `count - 1` so every user with two or more ratings
 * keeps one in train and a user with a single rating keeps it. Timestamp ties are broken by row index: the later
 * row counts as the later rating (loaders keep file order, and files are usually appended in time order).
 * O(count + users).
 */
export function markLatest(table: RatingsTable, numUsers: number, n: number): Uint8Array {
  const byTime = sortRowsByTime(table.timestamps);
  // The counting sort is stable, so each user's group stays in (timestamp, row) order.
  const { offsets, rows } = groupRowsByUser(table.users, numUsers, byTime);
  const marks = new Uint8Array(table.count);
  for (let u = 0; u < numUsers; u++) {
    const start = offsets[u]!;
    const end = offsets[u + 1]!;
    const k = Math.min(n, end - start - 1);
    for (let i = end - k; i < end; i++) marks[rows[i]!] = 1;
  }
  return marks;
}

/**
 * Per-user temporal split: each user's `n` most recent ratings go to test (fewer for users with `n` or fewer
 * ratings, who keep at least one in train; see `markLatest` for ties). No test rating of a user is older than any
 * of that user's training ratings; `coldUsers` is 0, movies may be cold. Deterministic, no seed. O(count + users).
 * @param n ratings per user to hold out, >= 1.
 * @returns train and test row indices in ascending order.
 * @throws UsageError on a bad `n` or a table without timestamps; DataError on a malformed table.
 */
export function lastNSplit(table: RatingsTable, n: number): Split {
  checkPositiveInt('last-N split', n);
  const { numUsers } = checkTable(table);
  requireTimestamps(table, 'last-N split');
  return splitFromMarks(table, markLatest(table, numUsers, n), `last ${n} per user`);
}
