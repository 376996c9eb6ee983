/** Validation hold-out for early stopping, carved out of the training rows so the test set stays untouched. */
import { UsageError } from '../../../../shared/src/errors.ts';
import type { RatingsTable } from '../types.ts';
import { checkFraction } from './params.ts';
import { partitionByMark } from './partition.ts';
import { createRng } from '../../../../shared/src/kernels/prng.ts';
import { STREAM } from './streams.ts';
import { markPerUser } from './stratified.ts';
import { checkTable } from './table-check.ts';

/** Training rows split into rows to fit on and rows to watch for early stopping. */
export interface Holdout {
  /** Rows to fit on, in the order of the input rows. */
  train: Int32Array;
  /** Validation rows, in the order of the input rows. */
  validation: Int32Array;
}

/**
 * Splits `rows` (typically `split.train`) per user, the same way as `stratifiedSplit`: about `fraction` of each
 * user's rows go to validation, and every user with two or more rows keeps at least one for fitting. Both outputs
 * keep the order of `rows`. O(rows + table.count + users).
 * @param rows distinct row indices into `table`.
 * @param fraction share of each user's rows held out, strictly between 0 and 1.
 * @param seed whole number in [0, 2^32); same rows and seed → identical result.
 * @throws UsageError on a bad fraction, seed, or a row index that is out of range or repeated; DataError on a
 *   malformed table.
 */
export function holdout(rows: Int32Array, table: RatingsTable, fraction: number, seed: number): Holdout {
  checkFraction('validation hold-out', fraction);
  const rng = createRng(seed, STREAM.holdout);
  const { numUsers } = checkTable(table);
  const seen = new Uint8Array(table.count);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row < 0 || row >= table.count || seen[row] !== 0) {
      throw new UsageError(
        `validation hold-out: expected distinct row indices in [0, ${table.count}) ` +
          `(got ${row} at position ${i}${seen[row] === 1 ? ', a repeat' : ''}).`,
      );
    }
    seen[row] = 1;
  }
  const marks = new Uint8Array(table.count);
  markPerUser(table, numUsers, fraction, rng, marks, rows);
  const { unmarked, marked } = partitionByMark(marks, rows);
  return { train: unmarked, validation: marked };
}
