/** Leave-one-out split: the classic protocol for next-item evaluation, one latest rating per user in test. */
import type { RatingsTable, Split } from '../types.ts';
import { splitFromMarks } from './partition.ts';
import { checkTable } from './table-check.ts';
import { markLatest, requireTimestamps } from './temporal.ts';

/**
 * Leave-one-out: each user's latest rating goes to test; users with a single rating keep it in train. Same
 * tie-breaking as `lastNSplit` (the later row wins). Deterministic, no seed. O(count + users).
 * @throws UsageError on a table without timestamps; DataError on a malformed table.
 */
export function leaveOneOutSplit(table: RatingsTable): Split {
  const { numUsers } = checkTable(table);
  requireTimestamps(table, 'leave-one-out split');
  return splitFromMarks(table, markLatest(table, numUsers, 1), 'leave-one-out (latest per user)');
}
