/**
 * `marquee train --data PATH [--test PATH] [--split SPEC] --out RUNDIR [hyperparameters]`: trains the deep CF
 * model into a run directory. Progress goes to stderr, the summary to stdout.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { MarqueeError, UsageError } from '../../../shared/src/errors.ts';
import {
  parseColumnMapping,
  parseDelimiter,
  parseScale,
  RATING_FORMATS,
  type RatingFormat,
} from '../data/load/index.ts';
import { DEFAULT_SPLIT_SPEC, parseInstant, parseSplitSpec, SPLIT_SPEC_HELP } from '../data/split/index.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../model/backend.ts';
import { ARCHS, DEFAULT_MODEL_CONFIG, MAX_WIDTH, type ModelConfig } from '../model/config.ts';
import type { LoadSpec } from '../train/data.ts';
import { DEFAULT_TRAIN_OPTIONS, resolveTrainOptions, type TrainOptions } from '../train/options.ts';
import { formatRate } from '../train/progress.ts';
import { runTraining, type TrainOutcome } from '../train/run.ts';
import { RUN_FILES } from '../train/run-dir.ts';
import { LR_SCHEDULES } from '../train/schedule.ts';
import { PREFERENCE_SAMPLING } from '../train/step.ts';
import { choiceFlag, intFlag, intListFlag, numberFlag } from './flags.ts';

/** The hyperparameter flags are TrainOptions' own fields (the model's flattened in), so the two cannot drift. */
type HyperparameterFlags = Omit<TrainOptions, 'model' | 'adam'> &
  Pick<ModelConfig, 'arch' | 'dim' | 'hidden' | 'dropout' | 'inputDropout'> & { batchNorm?: boolean };

interface TrainFlags extends HyperparameterFlags {
  data?: string;
  test?: string;
  split: string;
  out: string;
  format?: RatingFormat;
  columns?: string;
  delimiter?: string;
  scale?: string;
  skipInvalid?: boolean;
  backend?: BackendChoice;
  initFrom?: string;
  valSince?: number;
  resume?: boolean;
  force?: boolean;
}

/** Checks a text flag with a Marquee parser but keeps the text (config.json records what was typed). */
function keepText(parse: (value: string) => unknown): (value: string) => string {
  return (value) => {
    try {
      parse(value);
    } catch (err) {
      if (err instanceof MarqueeError) throw new InvalidArgumentError(err.message.replace(/^--[\w-]+: /, ''));
      throw err;
    }
    return value;
  };
}

const positive = (min: number, max: number) => numberFlag(min, max);

/** A time as unix seconds (parseInstant's forms). */
function timeFlag(value: string): number {
  const t = parseInstant(value.trim());
  if ('problem' in t) throw new InvalidArgumentError(`expected ${t.problem}.`);
  return t.seconds;
}

/** Accepts "auto" besides what `parse` accepts; its errors then say so. */
function autoOr<T>(parse: (value: string) => T): (value: string) => T | 'auto' {
  return (value) => {
    if (value === 'auto') return 'auto';
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(err.message.replace(/^expected /, 'expected auto or '));
      }
      throw err;
    }
  };
}

/** The summary printed on stdout after training. */
export function formatOutcome(o: TrainOutcome): string {
  const m = o.metrics;
  const f = (k: string) => (m[k] === undefined ? '-' : m[k]!.toFixed(4));
  return [
    `run: ${o.dir} (${o.state}: ${o.message})`,
    `best epoch ${o.bestEpoch} of ${o.epochs}: validation RMSE ${f('val.rmse')}, MAE ${f('val.mae')}`,
    ...(m['refit.epochs'] === undefined
      ? []
      : [
          `refit on training + validation ratings for ${m['refit.epochs']} epochs (the model kept)` +
            (m['selected.test.rmse'] === undefined
              ? ''
              : `; the validation-selected model had test RMSE ${f('selected.test.rmse')}, MAE ${f('selected.test.mae')}`),
        ]),
    m['test.rmse'] === undefined
      ? 'no test ratings (--split none): every rating trained the model'
      : `test RMSE ${f('test.rmse')}, MAE ${f('test.mae')} (predictions clipped to the rating scale)`,
    `throughput: median ${formatRate(o.medianSamplesPerSec)} ratings/s; wall time ${o.seconds.toFixed(1)} s`,
    '',
  ].join('\n');
}

/** `marquee train`. */
export function trainCommand(): Command {
  const d = DEFAULT_TRAIN_OPTIONS;
  const dm = DEFAULT_MODEL_CONFIG;
  return new Command('train')
    .description(
      'Train the deep collaborative-filtering model (rating = mu + b_user + b_movie + MLP(e_user ⊕ e_movie), ' +
        '"hybrid" adds e_user · e_movie) and write a run directory: config.json, ids.json, weights.bin, ' +
        'history.jsonl, status.json, metrics.json, checkpoint.bin.',
    )
    .option('--data <path>', 'ratings: a MovieLens directory or ratings file, or a CSV with --columns')
    .option('--test <path>', 'a separate test file (e.g. MovieLens u1.test); --split is then ignored')
    .option(
      '--split <spec>',
      `train/test split, one of:\n${SPLIT_SPEC_HELP}`,
      keepText(parseSplitSpec),
      DEFAULT_SPLIT_SPEC,
    )
    .requiredOption('--out <rundir>', 'run directory to create (or continue with --resume)')
    .addOption(new Option('--format <format>', 'skip format detection').choices(RATING_FORMATS))
    .option(
      '--columns <mapping>',
      'generic CSV columns, e.g. user=uid,movie=item,rating=stars',
      keepText(parseColumnMapping),
    )
    .option(
      '--delimiter <char>',
      'generic CSV delimiter (default ","; "tab" for tabs)',
      keepText(parseDelimiter),
    )
    .option(
      '--scale <min:max:step>',
      'rating scale, e.g. 0.5:5:0.5 (default: inferred)',
      keepText(parseScale),
    )
    .option('--skip-invalid', 'skip (and count) invalid lines instead of stopping at the first one')
    .option('--arch <arch>', `model: ${ARCHS.join(' | ')}`, choiceFlag(ARCHS), dm.arch)
    .option('--dim <n>', 'embedding size', intFlag(1, MAX_WIDTH), dm.dim)
    .option('--hidden <sizes>', 'hidden layer widths, comma-separated', intListFlag(1), [...dm.hidden])
    .option(
      '--dropout <p>',
      'dropout rate after each hidden layer, in [0, 1)',
      numberFlag(0, 1, true),
      dm.dropout,
    )
    .option(
      '--input-dropout <p>',
      'dropout rate of the MLP input (the embeddings), in [0, 1)',
      numberFlag(0, 1, true),
      dm.inputDropout,
    )
    .option('--batch-norm', `batch norm in the hidden layers (default: ${dm.batchNorm ? 'on' : 'off'})`)
    .option('--no-batch-norm', 'no batch norm in the hidden layers')
    .option('--epochs <n>', 'most epochs (early stopping usually ends sooner)', intFlag(1, 100_000), d.epochs)
    .option('--batch-size <n>', 'ratings per step', intFlag(2, 1 << 20), d.batchSize)
    .option('--lr <rate>', 'Adam learning rate', positive(1e-9, 10), d.lr)
    .option(
      '--weight-decay <w>',
      'decoupled weight decay of the MLP kernels',
      numberFlag(0, 100),
      d.weightDecay,
    )
    .option(
      '--embedding-decay <w>',
      'decoupled weight decay of the embedding rows each batch uses',
      numberFlag(0, 100),
      d.embeddingDecay,
    )
    .option(
      '--bias-decay <w>',
      'decoupled weight decay of the user/movie biases each batch uses',
      numberFlag(0, 100),
      d.biasDecay,
    )
    .option(
      '--l2 <lambda>',
      "L2 prior on each user's and movie's embedding (as in ALS: λ·Σ|e|² added to the summed squared error)",
      numberFlag(0, 1e6),
      d.l2,
    )
    .option('--bias-l2 <lambda>', "L2 prior on each user's and movie's bias", numberFlag(0, 1e6), d.biasL2)
    .option(
      '--implicit <alpha>',
      'weight of the implicit-feedback part of user embeddings: alpha × mean embedding of the movies rated (0 = off; ' +
        'auto = 1, or 0 when users declare genre preferences and side features are on)',
      autoOr(numberFlag(0, 100)),
      d.implicit,
    )
    .option(
      '--pref-weight <w>',
      'weight of the preference (retrieval) loss that teaches the model which movies users choose, against the rating loss (0 = ratings only; top-N then ranks by predicted rating)',
      numberFlag(0, 1000),
      d.prefWeight,
    )
    .option(
      '--pref-negatives <n>',
      'movies sampled per step for the preference loss (drawn as --pref-sampling says)',
      intFlag(1, 65_536),
      d.prefNegatives,
    )
    .option(
      '--pref-sampling <how>',
      `how those movies are drawn: ${PREFERENCE_SAMPLING.join(' | ')} (mixed: half uniform, half by popularity; both log-Q corrected)`,
      choiceFlag(PREFERENCE_SAMPLING),
      d.prefSampling,
    )
    .option(
      '--side-features',
      'learn embedding parts for genres and release year (movies), birth year, gender and declared genre preferences (users) when the data has them (default: on)',
    )
    .option('--no-side-features', 'embeddings from ratings only')
    .option(
      '--lr-schedule <name>',
      `learning-rate schedule: ${LR_SCHEDULES.join(' | ')}`,
      choiceFlag(LR_SCHEDULES),
      d.lrSchedule,
    )
    .option(
      '--average-from <epoch>',
      'average the weights from this epoch on and keep the average (stochastic weight averaging; 0 = off)',
      intFlag(0, 100_000),
      d.averageFrom,
    )
    .option(
      '--average-snapshots <n>',
      'snapshots of the weights added to the average per epoch',
      intFlag(1, 1000),
      d.averageSnapshots,
    )
    .option(
      '--patience <n>',
      'epochs without validation improvement before stopping',
      intFlag(1, 100_000),
      d.patience,
    )
    .option(
      '--refit',
      'after early stopping, train again on training + validation ratings for the best number of epochs and keep that model (default: on)',
    )
    .option('--no-refit', 'keep the validation-selected model (about half the training time)')
    .option(
      '--val-fraction <f>',
      "share of each user's training ratings held out for validation",
      numberFlag(0, 1, true),
      d.valFraction,
    )
    .option(
      '--val-since <time>',
      'validate on the training ratings at or after this time (unix seconds, YYYY-MM-DD or an ISO date-time) ' +
        "instead of --val-fraction of each user's: e.g. with --init-from, the ratings its model never saw",
      timeFlag,
    )
    .option(
      '--seed <n>',
      'seed of the split, initialisation, shuffling and dropout',
      intFlag(0, 2 ** 32 - 1),
      d.seed,
    )
    .option(
      '--backend <name>',
      `tfjs backend: ${BACKEND_CHOICES.join(' | ')} (default: auto; with --resume: the run's backend)`,
      choiceFlag(BACKEND_CHOICES),
    )
    .option(
      '--init-from <path>',
      `warm start: begin from the model of a run directory (or its ${RUN_FILES.weights}, with ${RUN_FILES.ids} ` +
        'beside it) instead of random weights: rows of the users and movies it knows are copied by external id, ' +
        'its MLP and preference head too; the others start fresh. Needs the same --arch, --dim, --hidden and ' +
        '--batch-norm',
    )
    .option(
      '--resume',
      `continue the run in --out from its ${RUN_FILES.checkpoint} (recorded settings are used)`,
    )
    .option('--force', 'replace an existing run directory')
    .addHelpText(
      'after',
      `
Defaults were tuned on synthetic data of MovieLens size (docs/experiments/rating-accuracy.md); early stopping keeps the best
epoch's weights (from epoch 3 on, the weight average), then --refit trains the same number of epochs again on
training + validation ratings and keeps that model.
Backends: auto tries gpu (@tensorflow/tfjs-node-gpu) → node (@tensorflow/tfjs-node) → wasm → cpu.
Ctrl-C stops after the current batch; RUNDIR then holds the last completed epoch and --resume continues it
(during the refit: RUNDIR keeps the validation-selected model and --resume redoes the refit).

Examples:
  marquee train --data data/ml-100k --out runs/ml100k
  marquee train --data data/ml-100k/u1.base --test data/ml-100k/u1.test --out runs/u1 --arch hybrid
  marquee train --resume --out runs/ml100k
  marquee train --data data/ratings-tonight --init-from runs/last-night --out runs/tonight`,
    )
    .action(async (flags: TrainFlags) => {
      if (!flags.resume && flags.data === undefined) {
        throw new UsageError('train: --data is required (or --resume to continue a run in --out).');
      }
      if (flags.resume && flags.initFrom !== undefined) {
        throw new UsageError('--init-from: a resumed run keeps the start it was given (omit --init-from).');
      }
      if (flags.valFraction <= 0)
        throw new UsageError('--val-fraction: expected a number in (0, 1) (got 0).');
      const options = resolveTrainOptions({
        epochs: flags.epochs,
        batchSize: flags.batchSize,
        lr: flags.lr,
        weightDecay: flags.weightDecay,
        embeddingDecay: flags.embeddingDecay,
        biasDecay: flags.biasDecay,
        l2: flags.l2,
        biasL2: flags.biasL2,
        implicit: flags.implicit,
        prefWeight: flags.prefWeight,
        prefNegatives: flags.prefNegatives,
        prefSampling: flags.prefSampling,
        sideFeatures: flags.sideFeatures,
        lrSchedule: flags.lrSchedule,
        averageFrom: flags.averageFrom,
        averageSnapshots: flags.averageSnapshots,
        patience: flags.patience,
        refit: flags.refit,
        valFraction: flags.valFraction,
        seed: flags.seed,
        model: {
          arch: flags.arch,
          dim: flags.dim,
          hidden: flags.hidden,
          dropout: flags.dropout,
          inputDropout: flags.inputDropout,
          batchNorm: flags.batchNorm ?? dm.batchNorm,
        },
      });
      const load: LoadSpec = {};
      if (flags.format !== undefined) load.format = flags.format;
      if (flags.columns !== undefined) load.columns = flags.columns;
      if (flags.delimiter !== undefined) load.delimiter = flags.delimiter;
      if (flags.scale !== undefined) load.scale = flags.scale;
      if (flags.skipInvalid) load.skipInvalid = true;
      const outcome = await runTraining({
        out: flags.out,
        ...(flags.data === undefined
          ? {}
          : {
              data: {
                path: flags.data,
                ...(flags.test === undefined ? {} : { testPath: flags.test }),
                split: flags.split,
                seed: flags.seed,
                load,
                ...(flags.valSince === undefined ? {} : { valSince: flags.valSince }),
              },
            }),
        options,
        ...(flags.initFrom === undefined ? {} : { initFrom: flags.initFrom }),
        ...(flags.backend === undefined ? {} : { backend: flags.backend }),
        resume: flags.resume === true,
        force: flags.force === true,
      });
      process.stdout.write(formatOutcome(outcome));
    });
}
