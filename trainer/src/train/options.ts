/**
 * Training hyperparameters, their defaults and their validation.
 */
import { UsageError } from '../../../shared/src/errors.ts';
import { resolveModelConfig, type ModelConfig } from '../model/config.ts';
import { DEFAULT_ADAM, type AdamConfig } from './adam.ts';
import { LR_SCHEDULES, type LrScheduleName } from './schedule.ts';
import { PREFERENCE_SAMPLING, type PreferenceSampling } from './step.ts';

/** Everything that shapes a training run besides the data. */
export interface TrainOptions {
  model: ModelConfig;
  /** Most epochs (early stopping usually ends sooner). */
  epochs: number;
  /** Ratings per optimisation step. */
  batchSize: number;
  /** Adam's base learning rate. */
  lr: number;
  /** Decoupled weight decay of the MLP kernels. */
  weightDecay: number;
  /** Decoupled weight decay of the embedding rows a batch touches. */
  embeddingDecay: number;
  /** Decoupled weight decay of the user/movie biases a batch touches. */
  biasDecay: number;
  /** L2 prior on each user's and movie's embedding (see OptimizerConfig.l2). */
  l2: number;
  /** L2 prior on each user's and movie's bias. */
  biasL2: number;
  /**
   * Weight α of the implicit-feedback part of user embeddings (0 = off; see implicit.ts); `auto` decides from the
   * data (implicit.ts resolveImplicit).
   */
  implicit: number | 'auto';
  /**
   * Side features in the embeddings when the data has them: genres and release year (movies); birth year, gender
   * and declared genre preferences (users).
   */
  sideFeatures: boolean;
  lrSchedule: LrScheduleName;
  /**
   * First epoch whose weights join the weight average (average.ts), which from then on is the model validated and
   * kept; 0 = no averaging.
   */
  averageFrom: number;
  /** Snapshots of the weights added to the average per epoch (evenly spaced, the last at the epoch's end). */
  averageSnapshots: number;
  /** Epochs without a validation improvement before training stops (the best epoch's weights are kept). */
  patience: number;
  /**
   * After early stopping, train again from scratch on the training and validation ratings together for the best
   * epoch's number of epochs, and keep that model (run.ts). Runs recorded before it existed have none: false.
   */
  refit: boolean;
  /** Share of each user's training ratings held out for validation. */
  valFraction: number;
  /** Seed of initialisation, shuffling, dropout and the validation hold-out. */
  seed: number;
  adam: AdamConfig;
  /**
   * Weight of the preference head's retrieval loss (preference.ts) against the rating loss; 0 trains ratings
   * alone and the model has no preference head (top-N then ranks by predicted rating).
   */
  prefWeight: number;
  /** Movies sampled per step for the retrieval loss. */
  prefNegatives: number;
  /** How they are sampled (step.ts PreferenceConfig.sampling). */
  prefSampling: PreferenceSampling;
}

/** Hyperparameters as a partial override of the defaults, with the model's fields flattened in. */
export type TrainOptionsInput = Partial<Omit<TrainOptions, 'model' | 'adam'>> & {
  model?: Partial<ModelConfig>;
  adam?: Partial<AdamConfig>;
};

/** Defaults, tuned on the synthetic presets (docs/experiments/rating-accuracy.md). */
export const DEFAULT_TRAIN_OPTIONS: Readonly<Omit<TrainOptions, 'model'>> = Object.freeze({
  epochs: 40,
  batchSize: 1024,
  lr: 5e-3,
  weightDecay: 0.05,
  embeddingDecay: 0,
  biasDecay: 0,
  l2: 30,
  biasL2: 5,
  implicit: 'auto',
  sideFeatures: true,
  lrSchedule: 'none',
  averageFrom: 3,
  averageSnapshots: 4,
  patience: 3,
  refit: true,
  valFraction: 0.1,
  seed: 42,
  adam: DEFAULT_ADAM,
  prefWeight: 0.5,
  prefNegatives: 128,
  prefSampling: 'mixed',
});

function check(ok: boolean, flag: string, expected: string, got: unknown): void {
  if (!ok) throw new UsageError(`${flag}: expected ${expected} (got ${JSON.stringify(got)}).`);
}

const isWhole = (n: unknown, min: number, max = Number.MAX_SAFE_INTEGER) =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
const inRange = (n: unknown, min: number, max: number) =>
  typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max;

/**
 * Merges `input` over the defaults and validates every value.
 * @throws UsageError naming the flag, what was expected and what came
 */
export function resolveTrainOptions(input: TrainOptionsInput = {}): TrainOptions {
  const { model, adam, ...rest } = input;
  const o: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    model: resolveModelConfig(model),
    adam: { ...DEFAULT_ADAM, ...adam },
  };
  check(isWhole(o.epochs, 1, 100_000), '--epochs', 'a whole number from 1 to 100000', o.epochs);
  check(isWhole(o.batchSize, 2, 1 << 20), '--batch-size', 'a whole number from 2 to 1048576', o.batchSize);
  check(inRange(o.lr, 0, 10) && o.lr > 0, '--lr', 'a number in (0, 10]', o.lr);
  check(inRange(o.weightDecay, 0, 100), '--weight-decay', 'a number in [0, 100]', o.weightDecay);
  check(inRange(o.embeddingDecay, 0, 100), '--embedding-decay', 'a number in [0, 100]', o.embeddingDecay);
  check(inRange(o.biasDecay, 0, 100), '--bias-decay', 'a number in [0, 100]', o.biasDecay);
  check(inRange(o.l2, 0, 1e6), '--l2', 'a number in [0, 1000000]', o.l2);
  check(inRange(o.biasL2, 0, 1e6), '--bias-l2', 'a number in [0, 1000000]', o.biasL2);
  check(
    o.implicit === 'auto' || inRange(o.implicit, 0, 100),
    '--implicit',
    'auto or a number in [0, 100]',
    o.implicit,
  );
  check(
    (LR_SCHEDULES as readonly string[]).includes(o.lrSchedule),
    '--lr-schedule',
    `one of ${LR_SCHEDULES.join(', ')}`,
    o.lrSchedule,
  );
  check(
    isWhole(o.averageFrom, 0, 100_000),
    '--average-from',
    'a whole number from 0 to 100000',
    o.averageFrom,
  );
  check(
    isWhole(o.averageSnapshots, 1, 1000),
    '--average-snapshots',
    'a whole number from 1 to 1000',
    o.averageSnapshots,
  );
  check(typeof o.refit === 'boolean', '--refit', 'true or false', o.refit);
  check(isWhole(o.patience, 1, 100_000), '--patience', 'a whole number from 1 to 100000', o.patience);
  check(
    inRange(o.valFraction, 0, 1) && o.valFraction > 0 && o.valFraction < 1,
    '--val-fraction',
    'a number in (0, 1)',
    o.valFraction,
  );
  check(inRange(o.prefWeight, 0, 1000), '--pref-weight', 'a number in [0, 1000]', o.prefWeight);
  check(
    isWhole(o.prefNegatives, 1, 65_536),
    '--pref-negatives',
    'a whole number from 1 to 65536',
    o.prefNegatives,
  );
  check(
    (PREFERENCE_SAMPLING as readonly string[]).includes(o.prefSampling),
    '--pref-sampling',
    `one of ${PREFERENCE_SAMPLING.join(', ')}`,
    o.prefSampling,
  );
  check(isWhole(o.seed, 0, 2 ** 32 - 1), '--seed', 'a whole number from 0 to 4294967295', o.seed);
  check(inRange(o.adam.beta1, 0, 1) && o.adam.beta1 < 1, 'adam.beta1', 'a number in [0, 1)', o.adam.beta1);
  check(inRange(o.adam.beta2, 0, 1) && o.adam.beta2 < 1, 'adam.beta2', 'a number in [0, 1)', o.adam.beta2);
  check(
    inRange(o.adam.epsilon, 0, 1) && o.adam.epsilon > 0,
    'adam.epsilon',
    'a number in (0, 1]',
    o.adam.epsilon,
  );
  return o;
}
