/** What a pipeline publishes once the gate passed. */
import { join } from 'node:path';
import { refitOnEveryRating } from '../train/refit-all.ts';
import type { Run } from '../train/run-dir.ts';
import { readInitModel } from '../train/warm-start.ts';
import type { StoredModel } from './model-files.ts';
import type { PipelineRecord } from './record.ts';

/**
 * The model to publish once the gate passed: the candidate's recipe refit on every rating (--refit-all, the
 * default), or the candidate itself.
 */
export async function servedModel(
  refitAll: boolean,
  run: Run,
  dir: string,
  warmFrom: StoredModel | null,
  log: (line: string) => void,
): Promise<NonNullable<PipelineRecord['published']>> {
  const counts = run.config.counts;
  if (!refitAll) {
    return {
      model: 'candidate',
      runDir: run.dir,
      ratings: counts.train + counts.validation,
      holdoutRatings: 0,
      epochs: run.status?.refitEpochs ?? run.status?.bestEpoch ?? 0,
      seconds: 0,
    };
  }
  log(
    `pipeline: the gate passed; training the served model on every rating, the ${counts.test} holdout included`,
  );
  const init = warmFrom === null ? undefined : await readInitModel(warmFrom.dir);
  const all = await refitOnEveryRating(run.dir, join(dir, 'served'), init === undefined ? {} : { init });
  return {
    model: 'refit-all',
    runDir: all.dir,
    ratings: all.ratings,
    holdoutRatings: all.holdoutRatings,
    epochs: all.epochs,
    seconds: all.seconds,
  };
}
