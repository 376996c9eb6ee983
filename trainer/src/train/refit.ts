/**
 * The refit of `marquee train`: after early stopping has chosen the number of epochs on the validation rows, a fresh
 * model is trained on training and validation rows together for that many epochs and kept instead (--no-refit
 * skips it).
 */
import type { RatingsTable } from '../data/types.ts';
import type { ModelWeights } from '../model/weights.ts';
import { trainModel, type EpochRecord, type StopReason } from './loop.ts';
import type { InitModel } from './warm-start.ts';
import type { TrainOptions } from './options.ts';
import { progressHooks } from './progress.ts';

/** The outcome of a refit: the model to keep, or why there is none. */
export interface RefitResult {
  weights: ModelWeights | undefined;
  stop: StopReason;
  message: string;
  /** Training ratings/s of each refit epoch. */
  rates: number[];
  /** The refit's epochs (validation RMSE / MAE NaN: there are no validation rows). */
  history: EpochRecord[];
  /** The learned side-feature rows after its last epoch (with `weights`). */
  features?: { user?: Float32Array; movie?: Float32Array };
  /** The rows it trained on: the training rows, then the validation rows. */
  rows: Int32Array;
}

/**
 * Trains a fresh model (same options and seed; from `rows.init` when the run was warm-started) on the training and
 * validation rows together for `lrs.length` epochs, the number early stopping chose, at the learning rates those
 * epochs had (`lrs`), and returns its last epoch's model (the weight average once averaging has started). Nothing is
 * written to RUNDIR: the caller keeps it or, when interrupted, the validation-selected model.
 * @param intro the line logged first (default: the refit of `marquee train`)
 */
export async function refitModel(
  rows: { table: RatingsTable; train: Int32Array; validation: Int32Array; init?: InitModel },
  options: TrainOptions,
  lrs: number[],
  log: NodeJS.WriteStream,
  shouldStop: () => boolean,
  intro?: string,
): Promise<RefitResult> {
  const epochs = lrs.length;
  const train = new Int32Array(rows.train.length + rows.validation.length);
  train.set(rows.train);
  train.set(rows.validation, rows.train.length);
  log.write(
    `${
      intro ??
      `refit: training again on training + validation ratings (${train.length}) for ${epochs} epochs, the ` +
        'best number above (--no-refit skips this)'
    }\n`,
  );
  const progress = progressHooks(log, epochs, 'refit epoch');
  const rates: number[] = [];
  const history: EpochRecord[] = [];
  try {
    const result = await trainModel(
      {
        table: rows.table,
        train,
        validation: new Int32Array(0),
        refit: true,
        lrs,
        ...(rows.init === undefined ? {} : { init: rows.init }),
      },
      { ...options, epochs },
      {
        onEpochStart: progress.onEpochStart,
        onBatch: progress.onBatch,
        onEpochEnd(record) {
          rates.push(record.samplesPerSec);
          history.push(record);
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
      history,
      ...(done && result.checkpoint?.features ? { features: result.checkpoint.features } : {}),
      rows: train,
    };
  } finally {
    progress.stop();
  }
}
