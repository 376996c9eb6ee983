/**
 * Per-user stratified split: each user contributes about the same share of their ratings to test, and every user
 * with at least two ratings keeps at least one in train — so test users are warm, which is what rating-prediction
 * metrics assume.
 */
import type { RatingsTable, Split } from '../types.ts';
import { groupRowsByUser } from './group.ts';
import { checkFraction } from './params.ts';
import { splitFromMarks } from './partition.ts';
import { createRng, partialShuffle, type Rng } from '../../../../shared/src/kernels/prng.ts';
import { STREAM } from './streams.ts';
import { checkTable } from './table-check.ts';

/**
 * Marks (sets `marks[row] = 1`) a random share `fraction` of each user's rows among `rows`. A user with `c`
 * rows gets `floor(c × fraction)` marks plus one more with probability equal to the fractional part (stochastic
 * rounding keeps the overall share at `fraction` even when most users have few ratings), capped at `c - 1`;
 * users with a single row get none. O(rows + numUsers).
 * @param rows rows to pick from (all rows when omitted); ties in grouping keep this order.
 */
export function markPerUser(
  table: RatingsTable,
  numUsers: number,
  fraction: number,
  rng: Rng,
  marks: Uint8Array,
  rows?: Int32Array,
): void {
  const groups = groupRowsByUser(table.users, numUsers, rows);
  const { offsets } = groups;
  for (let u = 0; u < numUsers; u++) {
    const start = offsets[u]!;
    const c = offsets[u + 1]! - start;
    if (c < 2) continue;
    const exact = c * fraction;
    let k = Math.floor(exact);
    // Always draw, even when the fractional part is 0, so a user's draws do not depend on rounding luck.
    if (rng.nextFloat() < exact - k) k++;
    k = Math.min(k, c - 1);
    partialShuffle(groups.rows, start, start + c, k, rng);
    for (let i = start; i < start + k; i++) marks[groups.rows[i]!] = 1;
  }
}

/**
 * Holds out about `fraction` of each user's ratings (see `markPerUser` for the rounding); users with one rating
 * stay entirely in train, so `coldUsers` is 0. Movies can still be cold. O(count + users).
 * @param fraction share of each user's ratings in test, strictly between 0 and 1.
 * @param seed whole number in [0, 2^32); same seed → identical split.
 * @returns train and test row indices in ascending order.
 * @throws UsageError on a bad fraction or seed; DataError on a malformed table.
 */
export function stratifiedSplit(table: RatingsTable, fraction: number, seed: number): Split {
  checkFraction('per-user split', fraction);
  const rng = createRng(seed, STREAM.user);
  const { numUsers } = checkTable(table);
  const marks = new Uint8Array(table.count);
  markPerUser(table, numUsers, fraction, rng, marks);
  return splitFromMarks(table, marks, `user ${fraction} seed=${seed}`);
}
