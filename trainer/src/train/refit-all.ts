/**
 * The model a pipeline serves once its gate has judged a candidate run: the same recipe (options, seed, start)
 * trained on every rating — the holdout the gate judged on included — for the epochs the candidate kept, at the
 * learning rates those epochs had. `--refit` does this with the validation rows; this goes one step further, since
 * the holdout's only purpose was the judging and its ratings are the newest, the ones a served model most needs.
 *
 * Written as a run directory of split `none` (config.json, ids.json, weights.bin, features.bin, history.jsonl,
 * status.json, metrics.json), so export, comparisons and warm starts read it like any run. Its metrics.json is the candidate's
 * (the figures the gate judged: test.* are the candidate's on the holdout, which this model has seen) plus
 * `refitAll.ratings`, `refitAll.holdoutRatings` and `refitAll.epochs`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactError, UsageError } from '../../../shared/src/errors.ts';
import { selectBackend } from '../model/backend.ts';
import { loadSplitData, type DataSpec } from './data.ts';
import { featureRows, writeFeatures } from './features-file.ts';
import { refitModel } from './refit.ts';
import {
  loadRun,
  mergeMetrics,
  RUN_FILES,
  sameIds,
  writeConfig,
  writeHistory,
  writeIds,
  writeStatus,
  writeWeights,
} from './run-dir.ts';
import { TrainingStopped } from './run.ts';
import type { InitModel } from './warm-start.ts';

/** What the refit trained. */
export interface RefitAll {
  dir: string;
  /** Ratings trained on: every rating of the data. */
  ratings: number;
  /** Of those, the candidate's holdout (test) ratings. */
  holdoutRatings: number;
  epochs: number;
  seconds: number;
}

/**
 * Trains the candidate run in `candidateDir` again on every rating of its data into the run directory `out`.
 * @param init the model the candidate started from (its config.json `init`), to start from it again
 * @throws UsageError when the candidate has a separate test file, kept no epoch, or `init` is not the candidate's;
 *   ArtifactError when the candidate's files are malformed or its data changed since it trained; TrainingStopped
 *   when the refit diverged or was stopped
 */
export async function refitOnEveryRating(
  candidateDir: string,
  out: string,
  options: { init?: InitModel; log?: NodeJS.WriteStream; shouldStop?: () => boolean } = {},
): Promise<RefitAll> {
  const log = options.log ?? process.stderr;
  const started = performance.now();
  const candidate = await loadRun(candidateDir);
  const { config } = candidate;
  if (config.data.testPath !== undefined) {
    throw new UsageError(
      `${candidateDir}: a run with a separate test file (${config.data.testPath}) cannot be refitted on every rating.`,
    );
  }
  if (config.init?.from !== options.init?.from) {
    throw new UsageError(
      `${candidateDir}: the run started from ${config.init?.from ?? 'random weights'}, the refit from ` +
        `${options.init?.from ?? 'random weights'}; pass the run's own start.`,
    );
  }
  const epochs = candidate.status?.refitEpochs ?? candidate.status?.bestEpoch ?? 0;
  const lrs = candidate.history.slice(0, epochs).map((h) => h.lr);
  if (epochs < 1 || lrs.length !== epochs) {
    throw new UsageError(
      `${candidateDir}: expected a completed run with its history (best epoch ${epochs}, ${candidate.history.length} ` +
        'epochs in history.jsonl).',
    );
  }
  const data: DataSpec = { ...config.data, split: 'none' };
  const { table, split } = await loadSplitData(data);
  if (!sameIds(table.userIds, candidate.userIds) || !sameIds(table.movieIds, candidate.movieIds)) {
    throw new ArtifactError(
      `${candidateDir}/${RUN_FILES.ids}`,
      `the data at ${data.path} no longer match this run (other users or movies); the files changed since training`,
    );
  }
  await selectBackend(config.backend.kind);
  const refit = await refitModel(
    {
      table,
      train: split.train,
      validation: new Int32Array(0),
      ...(options.init ? { init: options.init } : {}),
    },
    config.train,
    lrs,
    log,
    options.shouldStop ?? (() => false),
    `refit: training on every rating (${table.count}, the ${config.counts.test} holdout ratings included) for ` +
      `${epochs} epochs, the candidate's number`,
  );
  if (refit.weights === undefined) {
    throw new TrainingStopped(`the refit on every rating stopped (${refit.message}); nothing to serve.`);
  }
  await mkdir(out, { recursive: true });
  await writeConfig(out, {
    ...config,
    createdAt: new Date().toISOString(),
    data,
    splitDescription: split.description,
    counts: {
      ...config.counts,
      train: split.train.length,
      validation: 0,
      test: 0,
      coldUsers: 0,
      coldMovies: 0,
    },
  });
  await writeIds(out, table.userIds, table.movieIds);
  await writeWeights(out, refit.weights);
  await writeFeatures(
    join(out, RUN_FILES.features),
    featureRows(table, refit.rows, config.train.model.dim, refit.features),
  );
  await writeHistory(out, refit.history);
  await mergeMetrics(out, {
    ...candidate.metrics,
    'refitAll.ratings': table.count,
    'refitAll.holdoutRatings': config.counts.test,
    'refitAll.epochs': epochs,
  });
  await writeStatus(out, {
    state: 'completed',
    epochs,
    bestEpoch: epochs,
    bestValRmse: null,
    stop: 'max-epochs',
    refitEpochs: epochs,
    message: `trained on every rating (${table.count}) for ${epochs} epochs, the number ${candidateDir} kept.`,
  });
  return {
    dir: out,
    ratings: table.count,
    holdoutRatings: config.counts.test,
    epochs,
    seconds: (performance.now() - started) / 1000,
  };
}
