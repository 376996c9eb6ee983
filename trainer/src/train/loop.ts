/**
 * The training loop: epochs of shuffled mini-batches, validation after each epoch (inference mode), the learning
 * rate schedule, early stopping that keeps the best epoch's weights, divergence detection, cooperative
 * interruption, and exact resumption from a checkpoint (every random stream is derived from (seed, epoch)).
 */
import { UsageError } from '../../../shared/src/errors.ts';
import type { RatingsTable } from '../data/types.ts';
import { countRows, fillColdRows } from '../model/cold-rows.ts';
import { predictTf } from '../model/infer.ts';
import { cloneWeights, initPreference, initWeights } from '../model/init.ts';
import { modelRng, shuffleInPlace } from '../model/random.ts';
import { preferenceMovieTable, type ModelWeights } from '../model/weights.ts';
import { HISTORY_SHRINKAGE } from '../../../shared/src/kernels/two-stage.ts';
import { addSnapshot, type WeightAverage } from './average.ts';
import { foldFeatures, movieFeatures, userFeatures } from './features.ts';
import { implicitOffsets, resolveImplicit } from './implicit.ts';
import { clippedAccuracy } from './metrics.ts';
import type { TrainOptions } from './options.ts';
import { initialSchedule, MIN_IMPROVEMENT, stepSchedule, type ScheduleState } from './schedule.ts';
import { newOptimizerState, TrainStep, type OptimizerState } from './step.ts';
import { applyWarmStart, cancelImplicitPart, splitOffFeatures, type InitModel } from './warm-start.ts';

/** The rows to fit on and the rows to validate on, both indices into `table`. */
export interface TrainData {
  table: RatingsTable;
  train: Int32Array;
  /** Empty only with `refit`. */
  validation: Int32Array;
  /**
   * A refit (run.ts): no validation rows, exactly `options.epochs` epochs, and the last epoch's model (the weight
   * average once averaging has started) is the one kept; its validation RMSE / MAE are recorded as NaN.
   */
  refit?: boolean;
  /** With `refit`: the learning rate of each epoch (1-based epoch e uses lrs[e - 1]), replayed from the run refitted. */
  lrs?: readonly number[];
  /** A model to start from instead of random weights (warm-start.ts); ignored when resuming a checkpoint. */
  init?: InitModel;
}

/** One line of history.jsonl. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean training-batch MSE of the epoch (training mode: dropout on). */
  trainLoss: number;
  /**
   * Validation RMSE / MAE of the model as it would be kept (the weight average once averaging has started),
   * predictions clipped to the rating scale.
   */
  valRmse: number;
  valMae: number;
  /** Snapshots in the weight average after this epoch (absent before averaging starts; see average.ts). */
  averaged?: number;
  /** Learning rate used during the epoch. */
  lr: number;
  /** Training ratings per second (optimisation steps only). */
  samplesPerSec: number;
  /** Wall time of the epoch including validation. */
  seconds: number;
}

/** The complete state after an epoch: enough to resume exactly, and the best weights so far. */
export interface TrainCheckpoint {
  /** Completed epochs. */
  epoch: number;
  /** Weights after the last completed epoch. */
  weights: ModelWeights;
  optimizer: OptimizerState;
  schedule: ScheduleState;
  /** Weights of the best epoch, rows without training data filled (see fillColdRows). */
  best: ModelWeights;
  bestEpoch: number;
  bestValRmse: number;
  /** Epochs since the best one. */
  stale: number;
  history: EpochRecord[];
  /** Learned side-feature rows (features.ts) after the last completed epoch, when the run uses them. */
  features?: { user?: Float32Array; movie?: Float32Array };
  /** The running weight average (average.ts) after the last completed epoch, once averaging has started. */
  average?: WeightAverage;
}

export type StopReason = 'early-stopping' | 'max-epochs' | 'interrupted' | 'diverged';

export interface TrainResult {
  stop: StopReason;
  /** One sentence for the console saying why training stopped. */
  message: string;
  /** The last completed epoch's checkpoint; undefined when no epoch completed. */
  checkpoint: TrainCheckpoint | undefined;
}

/** Progress within an epoch. */
export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  /** Mean training loss of the epoch so far. */
  loss: number;
  samplesPerSec: number;
}

/** Callbacks of a training run. All optional. */
export interface TrainHooks {
  onEpochStart?(epoch: number, batches: number, lr: number): void;
  onBatch?(progress: BatchProgress): void;
  /** Called after each completed epoch, e.g. to save the checkpoint; awaited before the next epoch. */
  onEpochEnd?(record: EpochRecord, checkpoint: TrainCheckpoint): Promise<void> | void;
  /** Polled after every batch; true stops training after that batch. */
  shouldStop?(): boolean;
}

/** Batches between yields to the event loop (signals, progress output). */
const YIELD_EVERY = 4;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Mean rating of the training rows: the initial global bias. */
function meanRating(ratings: Float32Array, rows: Int32Array): number {
  let s = 0;
  for (let i = 0; i < rows.length; i++) s += ratings[rows[i]!]!;
  return s / rows.length;
}

function checkData(data: TrainData): void {
  const { table, train, validation } = data;
  if (train.length < 2) {
    throw new UsageError(`training needs at least 2 training ratings (got ${train.length}).`);
  }
  if (validation.length < 1 && data.refit !== true) {
    throw new UsageError('training needs at least 1 validation rating for early stopping (got 0).');
  }
  if (table.userIds.length < 2 || table.movieIds.length < 2) {
    throw new UsageError(
      `training needs at least 2 users and 2 movies (got ${table.userIds.length} user(s), ` +
        `${table.movieIds.length} movie(s)).`,
    );
  }
}

function divergedMessage(
  epoch: number,
  what: string,
  lr: number,
  checkpoint: TrainCheckpoint | undefined,
): string {
  const kept =
    checkpoint === undefined
      ? 'No epoch completed, so there is no checkpoint.'
      : `The best checkpoint (epoch ${checkpoint.bestEpoch}, validation RMSE ${checkpoint.bestValRmse.toFixed(4)}) is kept.`;
  return (
    `training diverged in epoch ${epoch}: ${what}. The learning rate (--lr ${lr}) is probably too high ` +
    `(or the ratings contain extreme values); try --lr ${lr / 10}. ${kept}`
  );
}

/**
 * Trains the deep CF model.
 * @param resume a checkpoint to continue from (same data, options and backend give the same result as an
 *   uninterrupted run)
 * @throws UsageError when the data are too small (fewer than 2 training ratings, no validation rating, fewer
 *   than 2 users or movies), or `data.init` is of another shape than `options.model`
 */
export async function trainModel(
  data: TrainData,
  options: TrainOptions,
  hooks: TrainHooks = {},
  resume?: TrainCheckpoint,
): Promise<TrainResult> {
  checkData(data);
  const { table, train, validation } = data;
  const refit = data.refit === true;
  const numUsers = table.userIds.length;
  const numMovies = table.movieIds.length;
  const counts = countRows(table.users, table.movies, train, numUsers, numMovies);
  let checkpoint = resume;
  const weights = resume
    ? cloneWeights(resume.weights)
    : initWeights(options.model, numUsers, numMovies, meanRating(table.ratings, train), options.seed);
  // A run recorded before the preference head existed resumes without one.
  if (!resume && options.prefWeight > 0) weights.pref = initPreference(options.model.dim, counts.movies);
  const warm =
    !resume && data.init
      ? applyWarmStart(weights, data.init, table.userIds, table.movieIds, options.model)
      : undefined;
  const optimizer = resume ? cloneOptimizer(resume.optimizer) : newOptimizerState(weights);
  let schedule = resume?.schedule ?? initialSchedule(options.lrSchedule, options.lr);
  let best = resume?.best;
  let bestEpoch = resume?.bestEpoch ?? 0;
  let bestValRmse = resume?.bestValRmse ?? Infinity;
  let stale = resume?.stale ?? 0;
  const history = [...(resume?.history ?? [])];
  // The loop adds to the average in place, so a checkpoint's (its epoch's state) is copied before it goes on.
  let average = resume?.average && {
    weights: cloneWeights(resume.average.weights),
    count: resume.average.count,
  };
  // Runs recorded before averaging existed have no averageFrom: they resume without it.
  const averageFrom = options.averageFrom > 0 ? options.averageFrom : Infinity;
  const snapshots = Math.max(1, options.averageSnapshots);

  const B = Math.min(options.batchSize, train.length);
  const batches = Math.floor(train.length / B);
  const step = new TrainStep(
    weights,
    options.model,
    {
      adam: options.adam,
      weightDecay: options.weightDecay,
      embeddingDecay: options.embeddingDecay,
      biasDecay: options.biasDecay,
      l2: options.l2,
      biasL2: options.biasL2,
    },
    optimizer,
    B,
    counts,
    weights.pref && options.prefWeight > 0
      ? {
          weight: options.prefWeight,
          negatives: Math.min(options.prefNegatives, numMovies),
          // Runs recorded before the option existed sampled uniformly.
          sampling: options.prefSampling ?? 'uniform',
        }
      : undefined,
  );
  const valUsers = new Int32Array(validation.length);
  const valMovies = new Int32Array(validation.length);
  for (let i = 0; i < validation.length; i++) {
    valUsers[i] = table.users[validation[i]!]!;
    valMovies[i] = table.movies[validation[i]!]!;
  }
  const order = new Int32Array(train.length);
  const dim = options.model.dim;
  const alpha = resolveImplicit(options.implicit, options.sideFeatures, table).alpha;
  const implicit = alpha > 0;
  const offsets = implicit ? new Float32Array(numUsers * dim) : undefined;
  step.userFeatures = options.sideFeatures ? userFeatures(table, train, dim) : undefined;
  step.movieFeatures = options.sideFeatures ? movieFeatures(table, dim) : undefined;
  if (resume) {
    restoreFeatures(step.userFeatures?.table, resume.features?.user, 'user');
    restoreFeatures(step.movieFeatures?.table, resume.features?.movie, 'movie');
  }
  /** The implicit offsets (into `offsets`), from the movies' whole embeddings (side features folded in). */
  const refreshOffsets = (into: Float32Array, scratch: Float32Array): void => {
    const movieEmb = foldFeatures(step.movieFeatures, weights.movieEmb, scratch);
    implicitOffsets({ ...weights, movieEmb }, table.users, table.movies, train, counts.users, alpha, into);
  };
  if (warm && data.init) {
    splitOffFeatures(weights.userEmb, step.userFeatures, data.init.features?.user, warm.userKnown);
    splitOffFeatures(weights.movieEmb, step.movieFeatures, data.init.features?.movie, warm.movieKnown);
    if (offsets) {
      // The offsets the first epoch will add, so the warm rows can be stored without them.
      refreshOffsets(offsets, new Float32Array(numMovies * dim));
      cancelImplicitPart(weights, warm.userKnown, offsets);
    }
  }
  // The model as it predicts: every user / movie embedding with its implicit part and side features folded in.
  const fold = (w: ModelWeights, users: Float32Array, movies: Float32Array): ModelWeights => {
    const movieEmb = foldFeatures(step.movieFeatures, w.movieEmb, movies);
    const userEmb = foldFeatures(step.userFeatures, w.userEmb, users);
    if (offsets) for (let i = 0; i < userEmb.length; i++) userEmb[i] = userEmb[i]! + offsets[i]!;
    return { ...w, userEmb, movieEmb };
  };
  let prefHistory: Float32Array | undefined;
  const effectiveUsers = new Float32Array(numUsers * dim);
  const effectiveMovies = new Float32Array(numMovies * dim);
  /** The best weights to keep: cold rows' free parts filled (fillColdRows), then everything folded in (in place). */
  const bestCopy = (): ModelWeights => {
    const filled = cloneWeights(weights);
    fillColdRows(filled, counts);
    return fold(filled, filled.userEmb, filled.movieEmb);
  };
  try {
    for (let epoch = (resume?.epoch ?? 0) + 1; epoch <= options.epochs; epoch++) {
      const started = performance.now();
      order.set(train);
      shuffleInPlace(order, modelRng(options.seed, 'shuffle', epoch));
      const dropoutRng = modelRng(options.seed, 'dropout', epoch);
      const negativeRng = modelRng(options.seed, 'negatives', epoch);
      if (offsets) {
        // What a user watched is represented by the movies' whole embeddings (side features included).
        refreshOffsets(offsets, effectiveMovies);
        step.userOffset = offsets;
      }
      if (weights.pref && options.prefWeight > 0) {
        // The history part of the preference's user vectors: Σ r over each user's training movies / (n + κ).
        const movieEmb = foldFeatures(step.movieFeatures, weights.movieEmb, effectiveMovies);
        const r = preferenceMovieTable({ ...weights, movieEmb });
        prefHistory ??= new Float32Array(numUsers * dim);
        implicitOffsets(
          { ...weights, movieEmb: r },
          table.users,
          table.movies,
          train,
          counts.users,
          1,
          prefHistory,
        );
        // From the mean to the shrunk mean Σ r / (n + κ) that serving uses (shared two-stage.ts).
        for (let u = 0; u < numUsers; u++) {
          const n = counts.users[u]!;
          const shrink = n / (n + HISTORY_SHRINKAGE);
          for (let k = 0; k < dim; k++) prefHistory[u * dim + k] = prefHistory[u * dim + k]! * shrink;
        }
        step.prefHistory = prefHistory;
      }
      const lr = data.lrs?.[epoch - 1] ?? schedule.lr;
      const averaging = epoch >= averageFrom;
      hooks.onEpochStart?.(epoch, batches, lr);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        const loss = step.run(table, order, b * B, B, lr, dropoutRng, undefined, negativeRng);
        if (!Number.isFinite(loss)) {
          const what = `the training loss became ${loss} at batch ${b + 1} of ${batches}`;
          return { stop: 'diverged', message: divergedMessage(epoch, what, lr, checkpoint), checkpoint };
        }
        lossSum += loss;
        // `snapshots` evenly spaced snapshots per epoch, the last after its final batch.
        if (
          averaging &&
          Math.floor(((b + 1) * snapshots) / batches) > Math.floor((b * snapshots) / batches)
        ) {
          average = addSnapshot(average, bestCopy());
        }
        const seconds = (performance.now() - started) / 1000;
        hooks.onBatch?.({
          epoch,
          batch: b + 1,
          batches,
          loss: lossSum / (b + 1),
          samplesPerSec: ((b + 1) * B) / seconds,
        });
        if (b % YIELD_EVERY === YIELD_EVERY - 1 || b === batches - 1) await yieldToEventLoop();
        if (hooks.shouldStop?.()) {
          const saved =
            checkpoint === undefined ? '' : ` RUNDIR holds the state after epoch ${checkpoint.epoch}.`;
          return {
            stop: 'interrupted',
            message: `training interrupted during epoch ${epoch}.${saved}`,
            checkpoint,
          };
        }
      }
      const trainSeconds = (performance.now() - started) / 1000;
      // Once averaging has started, the average is the model validated and kept. Its copy for this epoch serves
      // both the checkpoint and, when the epoch is the best, `best` (neither is written to afterwards).
      const averageNow = average && { weights: cloneWeights(average.weights), count: average.count };
      const predicting = averageNow?.weights ?? fold(weights, effectiveUsers, effectiveMovies);
      const val = refit
        ? { rmse: NaN, mae: NaN }
        : clippedAccuracy(predictTf(predicting, valUsers, valMovies), table.ratings, validation, table.scale);
      if (!refit && !Number.isFinite(val.rmse)) {
        return {
          stop: 'diverged',
          message: divergedMessage(epoch, `the validation RMSE became ${val.rmse}`, lr, checkpoint),
          checkpoint,
        };
      }
      if (refit || val.rmse < bestValRmse - MIN_IMPROVEMENT || best === undefined) {
        best = averageNow?.weights ?? bestCopy();
        bestEpoch = epoch;
        bestValRmse = val.rmse;
        stale = 0;
      } else {
        stale++;
      }
      schedule = stepSchedule(schedule, epoch, options.epochs, val.rmse);
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / batches,
        valRmse: val.rmse,
        valMae: val.mae,
        lr,
        samplesPerSec: (batches * B) / trainSeconds,
        seconds: (performance.now() - started) / 1000,
        ...(averageNow ? { averaged: averageNow.count } : {}),
      };
      history.push(record);
      checkpoint = {
        epoch,
        weights,
        optimizer,
        schedule,
        best,
        bestEpoch,
        bestValRmse,
        stale,
        history: [...history],
        features: { user: step.userFeatures?.table, movie: step.movieFeatures?.table },
        ...(averageNow ? { average: averageNow } : {}),
      };
      await hooks.onEpochEnd?.(record, checkpoint);
      if (stale >= options.patience) {
        return {
          stop: 'early-stopping',
          message: `stopped early after epoch ${epoch}: no validation improvement for ${stale} epochs; best epoch ${bestEpoch}.`,
          checkpoint,
        };
      }
    }
    const last = checkpoint?.epoch ?? 0;
    return {
      stop: 'max-epochs',
      message: `reached the epoch limit (${options.epochs}) after epoch ${last}; best epoch ${bestEpoch}.`,
      checkpoint,
    };
  } finally {
    step.dispose();
  }
}

/**
 * Copies a checkpoint's learned feature rows into the run's freshly built table.
 * @throws UsageError when the checkpoint and the data disagree about the features
 */
function restoreFeatures(
  table: Float32Array | undefined,
  saved: Float32Array | undefined,
  side: string,
): void {
  if (table === undefined && saved === undefined) return;
  if (table === undefined || saved === undefined || table.length !== saved.length) {
    throw new UsageError(
      `--resume: the checkpoint's ${side} side features do not match the data (${saved?.length ?? 0} values saved, ` +
        `${table?.length ?? 0} expected); restart the run without --resume.`,
    );
  }
  table.set(saved);
}

function cloneOptimizer(s: OptimizerState): OptimizerState {
  const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const [k, v] of s.moments) moments.set(k, { m: v.m.slice(), v: v.v.slice() });
  return { t: s.t, moments };
}
