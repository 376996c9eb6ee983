/**
 * One `marquee train` run end to end, as the named steps `runTraining` takes: open (or reopen) the run directory,
 * pick the backend, load and split the data and tie them to the run, train with a checkpoint after every epoch,
 * refit on training + validation ratings, record metrics (choosing the two-stage plan), and write the final status.
 */
import { join } from 'node:path';
import { MarqueeError } from '../../../shared/src/errors.ts';
import { median } from '../../../shared/src/kernels/stats.ts';
import { describeBackend, selectBackend, type BackendChoice } from '../model/backend.ts';
import { predictTf } from '../model/infer.ts';
import type { ModelWeights } from '../model/weights.ts';
import type { RatingsTable } from '../data/types.ts';
import { writeCheckpoint } from './checkpoint-file.ts';
import { carveValidation, loadSplitData, type DataSpec } from './data.ts';
import { trainModel, type TrainCheckpoint, type TrainResult } from './loop.ts';
import { choosePlan } from '../evaluate/choose-plan.ts';
import { clippedAccuracy, planMetrics } from './metrics.ts';
import type { TrainOptions } from './options.ts';
import { resolveImplicit } from './implicit.ts';
import { progressHooks } from './progress.ts';
import { featureRows, writeFeatures } from './features-file.ts';
import { refitModel, type RefitResult } from './refit.ts';
import {
  mergeMetrics,
  RUN_FILES,
  writeHistory,
  writeStatus,
  writeWeights,
  type RunConfig,
  type RunState,
} from './run-dir.ts';
import { bindData, openInit, openRun, type OpenedRun, type RunData } from './run-start.ts';
import type { InitModel } from './warm-start.ts';

/** What `marquee train` was asked to do. */
export interface TrainRequest {
  out: string;
  /** Ignored with `resume` (the recorded data are used). */
  data?: DataSpec;
  /** Ignored with `resume` (the recorded options are used). */
  options?: TrainOptions;
  backend?: BackendChoice;
  /** Start from this run directory's (or weights.bin's) model (warm-start.ts); ignored with `resume` (recorded). */
  initFrom?: string;
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

/** RMSE and MAE of `weights` on `rows` of `table`, predictions clipped to the rating scale. */
function accuracyOf(weights: ModelWeights, table: RatingsTable, rows: Int32Array) {
  const users = new Int32Array(rows.length);
  const movies = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    users[i] = table.users[rows[i]!]!;
    movies[i] = table.movies[rows[i]!]!;
  }
  return clippedAccuracy(predictTf(weights, users, movies), table.ratings, rows, table.scale);
}

/** Loads the data the config names and carves the validation rows out of the training side. */
async function loadData(config: RunConfig, log: NodeJS.WriteStream): Promise<RunData> {
  const data = await loadSplitData(config.data);
  for (const w of data.warnings) log.write(`warning: ${w}\n`);
  const { table, split } = data;
  const { valFraction, seed } = config.train;
  return { table, split, fit: carveValidation(data, valFraction, seed, config.data.valSince) };
}

/** Ctrl-C handling for the run: the first stops after the current batch, the second exits at once. */
interface Interrupt {
  /** Polled after every batch: true once Ctrl-C was pressed or the caller's shouldStop says so. */
  stopNow: () => boolean;
  /** Removes the SIGINT handler (safe to call more than once). */
  release: () => void;
}

function listenForInterrupt(req: TrainRequest, log: NodeJS.WriteStream): Interrupt {
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
  return {
    stopNow: () => stopRequested || req.shouldStop?.() === true,
    release: () => {
      if (req.handleSignals !== false) process.off('SIGINT', onSignal);
    },
  };
}

/**
 * Trains (or, for a resumed run with only its refit left, takes the checkpoint as the result), writing the
 * checkpoint, weights of the best epoch, history and status after every epoch and adding each epoch's rate to
 * `rates`. Releases `interrupt` when training throws.
 */
async function fit(
  dir: string,
  data: RunData,
  init: InitModel | undefined,
  options: TrainOptions,
  opened: OpenedRun,
  interrupt: Interrupt,
  log: NodeJS.WriteStream,
  rates: number[],
): Promise<TrainResult> {
  const { resumeFrom, refitOnly } = opened;
  const progress = progressHooks(log, options.epochs);
  try {
    if (refitOnly !== undefined && resumeFrom !== undefined) {
      log.write(
        `training finished after epoch ${resumeFrom.epoch} (best ${resumeFrom.bestEpoch}); refitting\n`,
      );
      return { ...refitOnly, checkpoint: resumeFrom };
    }
    return await trainModel(
      {
        table: data.table,
        train: data.fit.train,
        validation: data.fit.validation,
        ...(init === undefined ? {} : { init }),
      },
      options,
      {
        onEpochStart: progress.onEpochStart,
        onBatch: progress.onBatch,
        async onEpochEnd(record, checkpoint) {
          rates.push(record.samplesPerSec);
          progress.onEpochEnd(record, checkpoint.bestEpoch === record.epoch);
          // The checkpoint first: it alone is enough to resume; the other files are views of it.
          await writeCheckpoint(dir, checkpoint);
          if (checkpoint.bestEpoch === record.epoch) {
            await writeWeights(dir, checkpoint.best);
            await writeFeatures(
              join(dir, RUN_FILES.features),
              featureRows(data.table, data.fit.train, options.model.dim, checkpoint.features),
            );
          }
          await writeHistory(dir, checkpoint.history);
          await writeStatus(dir, {
            state: 'running',
            epochs: checkpoint.epoch,
            bestEpoch: checkpoint.bestEpoch,
            bestValRmse: checkpoint.bestValRmse,
          });
        },
        shouldStop: interrupt.stopNow,
      },
      resumeFrom,
    );
  } catch (err) {
    interrupt.release();
    throw err;
  } finally {
    progress.stop();
  }
}

/** How training ended, after the refit if there was one. */
interface Ending {
  state: RunState;
  message: string;
  refit: RefitResult | undefined;
}

/**
 * Refits when training completed and the options ask for it, writing the refit's model to weights.bin when it
 * completes and adding its epochs' rates to `rates`. Releases `interrupt` once the refit is over.
 */
async function refitIfAsked(
  dir: string,
  data: RunData,
  init: InitModel | undefined,
  options: TrainOptions,
  result: TrainResult,
  interrupt: Interrupt,
  log: NodeJS.WriteStream,
  rates: number[],
): Promise<Ending> {
  const checkpoint = result.checkpoint;
  let state: RunState =
    result.stop === 'diverged' ? 'diverged' : result.stop === 'interrupted' ? 'interrupted' : 'completed';
  let message = result.message;
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
        {
          table: data.table,
          train: data.fit.train,
          validation: data.fit.validation,
          ...(init === undefined ? {} : { init }),
        },
        options,
        checkpoint.history.slice(0, checkpoint.bestEpoch).map((h) => h.lr),
        log,
        interrupt.stopNow,
      );
    } finally {
      interrupt.release();
    }
    if (refit.weights !== undefined) {
      await writeWeights(dir, refit.weights);
      await writeFeatures(
        join(dir, RUN_FILES.features),
        featureRows(data.table, refit.rows, options.model.dim, refit.features),
      );
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
  return { state, message, refit };
}

/**
 * Measures the kept model on the validation and test rows, chooses the two-stage plan when the run completed,
 * and merges it all into metrics.json.
 * @returns metrics.json as merged
 */
async function recordMetrics(
  dir: string,
  data: RunData,
  checkpoint: TrainCheckpoint,
  ending: Ending,
  implicitAlpha: number,
  log: NodeJS.WriteStream,
): Promise<Record<string, number>> {
  const { table, split, fit } = data;
  const { refit } = ending;
  const val = accuracyOf(checkpoint.best, table, fit.validation);
  const tested = split.test.length > 0; // --split none leaves nothing to test on
  const selected = accuracyOf(checkpoint.best, table, split.test);
  const kept = refit?.weights === undefined ? selected : accuracyOf(refit.weights, table, split.test);
  const allRates = checkpoint.history.map((h) => h.samplesPerSec);
  // The two-stage plan is chosen on the validation rows with the validation-selected model; a refit keeps it.
  const choice =
    ending.state === 'completed' ? choosePlan(checkpoint.best, table, fit.train, fit.validation) : undefined;
  if (choice !== undefined) {
    log.write(
      `ranking: retrieve ${choice.plan.candidates} movies by preference, order by preference + ` +
        `${choice.plan.ratingWeight} × rating (validation NDCG@10 ${choice.ndcg.toFixed(4)}, ${choice.users} users)\n`,
    );
  }
  return mergeMetrics(dir, {
    ...(choice === undefined ? {} : planMetrics(choice.plan, choice.ndcg)),
    'val.rmse': val.rmse,
    'val.mae': val.mae,
    ...(tested ? { 'test.rmse': kept.rmse, 'test.mae': kept.mae } : {}),
    'train.epochs': checkpoint.epoch,
    'train.bestEpoch': checkpoint.bestEpoch,
    'train.samplesPerSec': median(allRates),
    'train.implicit': implicitAlpha,
    ...(refit?.weights === undefined
      ? {}
      : {
          'refit.epochs': checkpoint.bestEpoch,
          ...(tested ? { 'selected.test.rmse': selected.rmse, 'selected.test.mae': selected.mae } : {}),
        }),
  });
}

/**
 * Writes the final status.json.
 * @returns `outcome` when the run completed
 * @throws TrainingStopped, saying how to go on, when the run diverged or was interrupted
 */
async function finish(
  dir: string,
  result: TrainResult,
  ending: Ending,
  outcome: TrainOutcome,
): Promise<TrainOutcome> {
  const { checkpoint } = result;
  const { state, message, refit } = ending;
  await writeStatus(dir, {
    state,
    epochs: checkpoint?.epoch ?? 0,
    bestEpoch: checkpoint?.bestEpoch ?? 0,
    bestValRmse: checkpoint?.bestValRmse ?? null,
    stop: result.stop,
    message,
    ...(refit?.weights === undefined ? {} : { refitEpochs: checkpoint!.bestEpoch }),
  });
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
  const started = performance.now();
  const opened = await openRun(req, log);
  const options = opened.config.train;
  // Read (and its shape checked) before the data: a wrong --init-from fails at once.
  const init = await openInit(opened, req.resume === true);

  const backend = await selectBackend(req.backend ?? (req.resume ? opened.config.backend.kind : 'auto'));
  log.write(`${describeBackend(backend)}\n`);
  const data = await loadData(opened.config, log);
  const config = await bindData(dir, req.resume === true, opened.config, data, backend, init, log);
  const c = config.counts;
  log.write(
    `data: ${c.ratings} ratings, ${c.users} users, ${c.movies} movies; split ${data.split.description}: ` +
      `${c.train} train, ${c.validation} validation, ${c.test} test\n`,
  );
  const implicit = resolveImplicit(options.implicit, options.sideFeatures, data.table);
  log.write(`implicit feedback: alpha ${implicit.alpha} (${implicit.why})\n`);

  const interrupt = listenForInterrupt(req, log);
  const rates: number[] = [];
  const result = await fit(dir, data, init, options, opened, interrupt, log, rates);
  const ending = await refitIfAsked(dir, data, init, options, result, interrupt, log, rates);
  interrupt.release();
  const seconds = (performance.now() - started) / 1000;
  const { checkpoint } = result;
  const metrics =
    checkpoint === undefined ? {} : await recordMetrics(dir, data, checkpoint, ending, implicit.alpha, log);
  return finish(dir, result, ending, {
    dir,
    state: ending.state,
    message: ending.message,
    metrics,
    medianSamplesPerSec: median(rates),
    epochs: checkpoint?.epoch ?? 0,
    bestEpoch: checkpoint?.bestEpoch ?? 0,
    seconds,
  });
}
