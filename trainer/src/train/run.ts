/**
 * One `marquee train` run end to end: prepare (or reopen) the run directory, load and split the data, pick the
 * backend, train with a checkpoint after every epoch, then record validation and test metrics of the best epoch.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { MarqueeError, UsageError } from '../../../shared/src/errors.ts';
import { median } from '../../../shared/src/kernels/stats.ts';
import { describeBackend, selectBackend, type BackendChoice } from '../model/backend.ts';
import { predictTf } from '../model/infer.ts';
import type { ModelWeights } from '../model/weights.ts';
import type { RatingsTable } from '../data/types.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.ts';
import { carveValidation, loadSplitData, type DataSpec } from './data.ts';
import { trainModel, type StopReason, type TrainCheckpoint, type TrainResult } from './loop.ts';
import { choosePlan } from '../evaluate/choose-plan.ts';
import { clippedAccuracy, planMetrics } from './metrics.ts';
import type { TrainOptions } from './options.ts';
import { resolveImplicit } from './implicit.ts';
import { progressHooks } from './progress.ts';
import {
  isRunDir,
  loadRun,
  mergeMetrics,
  readRunConfig,
  readRunStatus,
  RUN_FILES,
  RUN_FORMAT,
  RUN_VERSION,
  sameIds,
  writeConfig,
  writeHistory,
  writeIds,
  writeStatus,
  writeWeights,
  type RunConfig,
  type RunState,
} from './run-dir.ts';

/** What `marquee train` was asked to do. */
export interface TrainRequest {
  out: string;
  /** Ignored with `resume` (the recorded data are used). */
  data?: DataSpec;
  /** Ignored with `resume` (the recorded options are used). */
  options?: TrainOptions;
  backend?: BackendChoice;
  /** Continue the run in `out` from its checkpoint. */
  resume?: boolean;
  /** Replace an existing run directory. */
  force?: boolean;
  /** Where progress and messages go (default process.stderr). */
  log?: NodeJS.WriteStream;
  /** Installs a SIGINT handler that stops after the current batch (default true). */
  handleSignals?: boolean;
  /** Polled after every batch besides SIGINT: true stops like Ctrl-C (for callers embedding a run). */
  shouldStop?: () => boolean;
}

/** The outcome, as written to RUNDIR. */
export interface TrainOutcome {
  dir: string;
  state: RunState;
  message: string;
  metrics: Record<string, number>;
  /** Median training throughput over the epochs of this invocation, ratings/s. */
  medianSamplesPerSec: number;
  epochs: number;
  bestEpoch: number;
  seconds: number;
}

/** Thrown (after saving) when training stopped early on a NaN/Inf loss or an interruption: the CLI exits 2. */
export class TrainingStopped extends MarqueeError {
  override name = 'TrainingStopped';
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** Makes `dir` ready for a fresh run. @throws UsageError when it holds something that must not be overwritten */
async function prepareFreshDir(dir: string, force: boolean): Promise<void> {
  if (!(await isEmptyOrMissing(dir))) {
    if ((await stat(dir)).isFile()) throw new UsageError(`--out ${dir}: expected a directory (got a file).`);
    const run = await isRunDir(dir);
    if (!force || !run) {
      throw new UsageError(
        run
          ? `--out ${dir} already holds a run: continue it with --resume, replace it with --force, or choose another --out.`
          : `--out ${dir} is not empty and is not a Marquee run directory; choose an empty or new directory.`,
      );
    }
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
}

function accuracyOf(weights: ModelWeights, table: RatingsTable, rows: Int32Array) {
  const users = new Int32Array(rows.length);
  const movies = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    users[i] = table.users[rows[i]!]!;
    movies[i] = table.movies[rows[i]!]!;
  }
  return clippedAccuracy(predictTf(weights, users, movies), table.ratings, rows, table.scale);
}

/** The outcome of a refit: the model to keep, or why there is none. */
interface RefitResult {
  weights: ModelWeights | undefined;
  stop: StopReason;
  message: string;
  /** Training ratings/s of each refit epoch. */
  rates: number[];
}

/**
 * Trains a fresh model (same options and seed) on the training and validation rows together for `lrs.length` epochs,
 * the number early stopping chose, at the learning rates those epochs had (`lrs`), and returns its last epoch's model (the weight average once averaging has
 * started). Nothing is written to RUNDIR: the caller keeps it or, when interrupted, the validation-selected model.
 */
async function refitModel(
  rows: { table: RatingsTable; train: Int32Array; validation: Int32Array },
  options: TrainOptions,
  lrs: number[],
  log: NodeJS.WriteStream,
  shouldStop: () => boolean,
): Promise<RefitResult> {
  const epochs = lrs.length;
  const train = new Int32Array(rows.train.length + rows.validation.length);
  train.set(rows.train);
  train.set(rows.validation, rows.train.length);
  log.write(
    `refit: training again on training + validation ratings (${train.length}) for ${epochs} epochs, the best ` +
      `number above (--no-refit skips this)\n`,
  );
  const progress = progressHooks(log, epochs, 'refit epoch');
  const rates: number[] = [];
  try {
    const result = await trainModel(
      { table: rows.table, train, validation: new Int32Array(0), refit: true, lrs },
      { ...options, epochs },
      {
        onEpochStart: progress.onEpochStart,
        onBatch: progress.onBatch,
        onEpochEnd(record) {
          rates.push(record.samplesPerSec);
          progress.onEpochEnd(record, false);
        },
        shouldStop,
      },
    );
    const done = result.stop === 'max-epochs' && result.checkpoint?.epoch === epochs;
    return {
      weights: done ? result.checkpoint?.best : undefined,
      stop: result.stop,
      message:
        result.stop === 'interrupted'
          ? 'refit interrupted.'
          : result.stop === 'diverged'
            ? `a non-finite loss in refit epoch ${(result.checkpoint?.epoch ?? 0) + 1}`
            : result.message,
      rates,
    };
  } finally {
    progress.stop();
  }
}

/**
 * What a resumed run has left to do: undefined while training itself is unfinished; the refit alone once training
 * finished (early stopping or the epoch limit) but the refit did not complete.
 * @throws UsageError when nothing is left (training done and the refit done or off, or a diverged refit);
 *   ArtifactError when status.json exists but is not a valid status
 */
async function whatIsLeft(
  dir: string,
  options: TrainOptions,
  checkpoint: TrainCheckpoint,
): Promise<{ stop: StopReason; message: string } | undefined> {
  const status = await readRunStatus(dir);
  if (status === undefined) return undefined; // the checkpoint alone decides, as for runs that stopped mid-epoch
  if (status.stop !== 'early-stopping' && status.stop !== 'max-epochs') return undefined;
  if (options.refit !== true || status.refitEpochs !== undefined || status.state === 'completed') {
    throw new UsageError(
      `--resume: ${dir} is complete (${status.message ?? status.stop}); nothing to resume. Start a new run with ` +
        `--force or another --out.`,
    );
  }
  return {
    stop: status.stop,
    message: `training finished after epoch ${checkpoint.epoch}; best epoch ${checkpoint.bestEpoch}.`,
  };
}

/**
 * Runs (or resumes) training into `req.out`.
 * @returns the outcome; also written to RUNDIR
 * @throws UsageError for unusable flags, directories or data (a resumed run's missing or malformed
 *   checkpoint.bin included); DataError from the loaders; ArtifactError naming the file when a resumed run's
 *   config.json or status.json is malformed; TrainingStopped after saving when training diverged or was
 *   interrupted
 */
export async function runTraining(req: TrainRequest): Promise<TrainOutcome> {
  const log = req.log ?? process.stderr;
  const dir = req.out;
  let config: RunConfig;
  let resumeFrom: TrainCheckpoint | undefined;
  let refitOnly: { stop: StopReason; message: string } | undefined;
  const started = performance.now();
  if (req.resume) {
    if (!(await isRunDir(dir))) {
      throw new UsageError(`--resume: ${dir} is not a Marquee run directory (no valid ${RUN_FILES.config}).`);
    }
    config = await readRunConfig(dir);
    try {
      resumeFrom = await readCheckpoint(dir);
    } catch (err) {
      throw new UsageError(
        `--resume: ${dir} has no usable checkpoint (${(err as Error).message}); no epoch was completed, so start ` +
          `again with --force.`,
        { cause: err },
      );
    }
    refitOnly = await whatIsLeft(dir, config.train, resumeFrom);
    log.write(`resuming ${dir} after epoch ${resumeFrom.epoch} with its recorded configuration\n`);
  } else {
    if (req.data === undefined || req.options === undefined) {
      throw new UsageError('train: --data is required (or --resume to continue a run).');
    }
    await prepareFreshDir(dir, req.force === true);
    config = {
      format: RUN_FORMAT,
      version: RUN_VERSION,
      createdAt: new Date().toISOString(),
      data: req.data,
      splitDescription: '',
      scale: { min: 0, max: 0, step: 0 },
      train: req.options,
      backend: { requested: 'auto', kind: 'cpu', tfjsName: 'cpu', device: '' },
      counts: {
        ratings: 0,
        users: 0,
        movies: 0,
        train: 0,
        validation: 0,
        test: 0,
        coldUsers: 0,
        coldMovies: 0,
      },
    };
  }
  const options = config.train;

  const backend = await selectBackend(req.backend ?? (req.resume ? config.backend.kind : 'auto'));
  log.write(`${describeBackend(backend)}\n`);

  const data = await loadSplitData(config.data);
  for (const w of data.warnings) log.write(`warning: ${w}\n`);
  const { table, split } = data;
  const fit = carveValidation(data, options.valFraction, options.seed);

  if (req.resume) {
    const run = await loadRun(dir);
    if (
      !sameIds(table.userIds, run.userIds) ||
      !sameIds(table.movieIds, run.movieIds) ||
      table.count !== config.counts.ratings
    ) {
      throw new UsageError(
        `--resume: the data at ${config.data.path} changed since the run started; start a new run.`,
      );
    }
  } else {
    config = {
      ...config,
      splitDescription: split.description,
      scale: table.scale,
      backend,
      counts: {
        ratings: table.count,
        users: table.userIds.length,
        movies: table.movieIds.length,
        train: fit.train.length,
        validation: fit.validation.length,
        test: split.test.length,
        coldUsers: split.coldUsers,
        coldMovies: split.coldMovies,
      },
    };
    await writeConfig(dir, config);
    await writeIds(dir, table.userIds, table.movieIds);
    await writeStatus(dir, { state: 'running', epochs: 0, bestEpoch: 0, bestValRmse: null });
  }
  const c = config.counts;
  log.write(
    `data: ${c.ratings} ratings, ${c.users} users, ${c.movies} movies; split ${split.description}: ` +
      `${c.train} train, ${c.validation} validation, ${c.test} test\n`,
  );
  const implicit = resolveImplicit(options.implicit, options.sideFeatures, table);
  log.write(`implicit feedback: alpha ${implicit.alpha} (${implicit.why})\n`);

  let stopRequested = false;
  const onSignal = () => {
    if (stopRequested) {
      log.write('\nsecond interrupt: exiting now (RUNDIR holds the last completed epoch)\n');
      process.exit(130);
    }
    stopRequested = true;
    log.write('\ninterrupt: stopping after the current batch (press Ctrl-C again to quit at once)\n');
  };
  if (req.handleSignals !== false) process.on('SIGINT', onSignal);
  const stopNow = () => stopRequested || req.shouldStop?.() === true;

  const progress = progressHooks(log, options.epochs);
  const rates: number[] = [];
  let result: TrainResult;
  try {
    if (refitOnly !== undefined && resumeFrom !== undefined) {
      log.write(
        `training finished after epoch ${resumeFrom.epoch} (best ${resumeFrom.bestEpoch}); refitting\n`,
      );
      result = { ...refitOnly, checkpoint: resumeFrom };
    } else
      result = await trainModel(
        { table, train: fit.train, validation: fit.validation },
        options,
        {
          onEpochStart: progress.onEpochStart,
          onBatch: progress.onBatch,
          async onEpochEnd(record, checkpoint) {
            rates.push(record.samplesPerSec);
            progress.onEpochEnd(record, checkpoint.bestEpoch === record.epoch);
            // The checkpoint first: it alone is enough to resume; the other files are views of it.
            await writeCheckpoint(dir, checkpoint);
            if (checkpoint.bestEpoch === record.epoch) await writeWeights(dir, checkpoint.best);
            await writeHistory(dir, checkpoint.history);
            await writeStatus(dir, {
              state: 'running',
              epochs: checkpoint.epoch,
              bestEpoch: checkpoint.bestEpoch,
              bestValRmse: checkpoint.bestValRmse,
            });
          },
          shouldStop: stopNow,
        },
        resumeFrom,
      );
  } catch (err) {
    if (req.handleSignals !== false) process.off('SIGINT', onSignal);
    throw err;
  } finally {
    progress.stop();
  }

  const checkpoint = result.checkpoint;
  let state: RunState =
    result.stop === 'diverged' ? 'diverged' : result.stop === 'interrupted' ? 'interrupted' : 'completed';
  let message = result.message;
  let metrics: Record<string, number> = {};
  let refit: RefitResult | undefined;
  if (checkpoint !== undefined && state === 'completed' && options.refit === true) {
    // Training is over: recorded now, so that a refit killed outright (a second Ctrl-C, a crash) resumes as a refit.
    await writeStatus(dir, {
      state: 'running',
      epochs: checkpoint.epoch,
      bestEpoch: checkpoint.bestEpoch,
      bestValRmse: checkpoint.bestValRmse,
      stop: result.stop,
      message: `${result.message} Refitting.`,
    });
    try {
      refit = await refitModel(
        { table, train: fit.train, validation: fit.validation },
        options,
        checkpoint.history.slice(0, checkpoint.bestEpoch).map((h) => h.lr),
        log,
        stopNow,
      );
    } finally {
      if (req.handleSignals !== false) process.off('SIGINT', onSignal);
    }
    if (refit.weights !== undefined) {
      await writeWeights(dir, refit.weights);
      rates.push(...refit.rates);
    } else if (refit.stop === 'diverged') {
      // Deterministic: resuming would diverge again, so the run ends here with the validation-selected model.
      message =
        `${result.message} The refit diverged (${refit.message}); weights.bin keeps the validation-selected model ` +
        `of epoch ${checkpoint.bestEpoch} (train with --no-refit to skip the refit).`;
    } else {
      state = 'interrupted';
      message = `${refit.message} weights.bin keeps the validation-selected model of epoch ${checkpoint.bestEpoch}.`;
    }
  }
  if (req.handleSignals !== false) process.off('SIGINT', onSignal);
  const seconds = (performance.now() - started) / 1000;
  if (checkpoint !== undefined) {
    const val = accuracyOf(checkpoint.best, table, fit.validation);
    const selected = accuracyOf(checkpoint.best, table, split.test);
    const kept = refit?.weights === undefined ? selected : accuracyOf(refit.weights, table, split.test);
    const allRates = checkpoint.history.map((h) => h.samplesPerSec);
    // The two-stage plan is chosen on the validation rows with the validation-selected model; a refit keeps it.
    const choice =
      state === 'completed' ? choosePlan(checkpoint.best, table, fit.train, fit.validation) : undefined;
    if (choice !== undefined) {
      log.write(
        `ranking: retrieve ${choice.plan.candidates} movies by preference, order by preference + ` +
          `${choice.plan.ratingWeight} × rating (validation NDCG@10 ${choice.ndcg.toFixed(4)}, ${choice.users} users)\n`,
      );
    }
    metrics = await mergeMetrics(dir, {
      ...(choice === undefined ? {} : planMetrics(choice.plan, choice.ndcg)),
      'val.rmse': val.rmse,
      'val.mae': val.mae,
      'test.rmse': kept.rmse,
      'test.mae': kept.mae,
      'train.epochs': checkpoint.epoch,
      'train.bestEpoch': checkpoint.bestEpoch,
      'train.samplesPerSec': median(allRates),
      'train.implicit': implicit.alpha,
      ...(refit?.weights === undefined
        ? {}
        : {
            'refit.epochs': checkpoint.bestEpoch,
            'selected.test.rmse': selected.rmse,
            'selected.test.mae': selected.mae,
          }),
    });
  }
  await writeStatus(dir, {
    state,
    epochs: checkpoint?.epoch ?? 0,
    bestEpoch: checkpoint?.bestEpoch ?? 0,
    bestValRmse: checkpoint?.bestValRmse ?? null,
    stop: result.stop,
    message,
    ...(refit?.weights === undefined ? {} : { refitEpochs: checkpoint!.bestEpoch }),
  });
  const outcome: TrainOutcome = {
    dir,
    state,
    message,
    metrics,
    medianSamplesPerSec: median(rates),
    epochs: checkpoint?.epoch ?? 0,
    bestEpoch: checkpoint?.bestEpoch ?? 0,
    seconds,
  };
  if (state === 'diverged') throw new TrainingStopped(message);
  if (state === 'interrupted') {
    const restart = 'start over by repeating the command with --force';
    throw new TrainingStopped(
      checkpoint === undefined
        ? `${message} No epoch completed, so there is nothing to resume: ${restart}.`
        : refit !== undefined
          ? `${message} Refit again with: marquee train --resume --out ${dir}.`
          : `${message} Resume with: marquee train --resume --out ${dir} (or ${restart}).`,
    );
  }
  return outcome;
}
