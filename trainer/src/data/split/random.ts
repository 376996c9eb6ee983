/** Random split: a uniformly random subset of all ratings goes to test, regardless of user or movie. */
import type { RatingsTable, Split } from '../types.ts';
import { checkFraction } from './params.ts';
import { splitFromMarks } from './partition.ts';
import { createRng, partialShuffle } from '../../../../shared/src/kernels/prng.ts';
import { STREAM } from './streams.ts';
import { checkTable } from './table-check.ts';

/**
 * Holds out `round(count × fraction)` ratings chosen uniformly at random. Users or movies whose every rating
 * lands in test are cold; they are counted in `coldUsers` / `coldMovies`. O(count).
 * @param fraction share of ratings in test, strictly between 0 and 1.
 * @param seed whole number in [0, 2^32); same seed → identical split.
 * @returns train and test row indices in ascending order.
 * @throws UsageError on a bad fraction or seed; DataError on a malformed table.
 */
export function randomSplit(table: RatingsTable, fraction: number, seed: number): Split {
  checkFraction('random split', fraction);
  const rng = createRng(seed, STREAM.random);
  checkTable(table);
  const n = table.count;
  const k = Math.round(n * fraction);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  partialShuffle(order, 0, n, k, rng);
  const marks = new Uint8Array(n);
  for (let i = 0; i < k; i++) marks[order[i]!] = 1;
  return splitFromMarks(table, marks, `random ${fraction} seed=${seed}`);
}
