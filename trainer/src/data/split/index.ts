/** Train/test splits over a RatingsTable: seeded, deterministic, O(n) over typed arrays. */
export { randomSplit } from './random.ts';
export { stratifiedSplit } from './stratified.ts';
export { temporalSplit, lastNSplit } from './temporal.ts';
export { leaveOneOutSplit } from './leave-one-out.ts';
export { combineTrainTest, type CombinedTrainTest } from './files.ts';
export { holdout, type Holdout } from './holdout.ts';
export {
  parseSplitSpec,
  parseInstant,
  applySplit,
  DEFAULT_SPLIT_SPEC,
  SPLIT_SPEC_HELP,
  type SplitSpec,
} from './spec.ts';
export { describeSplit, formatSplitSummary, type SplitSummary } from './report.ts';
// The seeded generator lives in shared/src/kernels/prng.ts; re-exported for callers that reach it through the splits.
export { createRng, partialShuffle, type Rng } from '../../../../shared/src/kernels/prng.ts';
