/**
 * zod schemas of the JSON a run directory holds (run-dir.ts): config.json, status.json, ids.json, metrics.json,
 * the lines of history.jsonl and the header of checkpoint.bin. Every reader parses through them, so a damaged or
 * hand-edited file fails with its name and field instead of surfacing later as a NaN or a crash.
 *
 * Unknown fields are kept (a run written by a later version still loads). Fields that runs recorded before an
 * option existed lack default to the value those runs trained with.
 */
import { z } from 'zod';
import { RATING_FORMATS } from '../data/load/options.ts';
import { BACKEND_CHOICES } from '../model/backend.ts';
import type { EpochRecord, StopReason } from './loop.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './options.ts';
import type { RunConfig, RunStatus } from './run-dir.ts';
import { LR_SCHEDULES, type ScheduleState } from './schedule.ts';
import { PREFERENCE_SAMPLING } from './step.ts';

export const RUN_FORMAT = 'marquee-run';
export const RUN_VERSION = 1;

const count = z.int().min(0);
/** JSON writes NaN and ±Infinity as null; they read back as NaN. */
const jsonNumber = z
  .number()
  .nullable()
  .transform((v) => v ?? NaN);

const ModelConfigSchema = z.looseObject({
  arch: z.enum(['dcf', 'hybrid']),
  dim: z.int().min(1),
  hidden: z.array(z.int().min(1)),
  dropout: z.number(),
  inputDropout: z.number(),
  batchNorm: z.boolean(),
  bnMomentum: z.number(),
  bnEpsilon: z.number(),
});

export const TrainOptionsSchema = z.looseObject({
  model: ModelConfigSchema,
  epochs: z.int().min(1),
  batchSize: z.int().min(1),
  lr: z.number(),
  weightDecay: z.number(),
  embeddingDecay: z.number(),
  biasDecay: z.number(),
  l2: z.number(),
  biasL2: z.number(),
  implicit: z.union([z.number(), z.literal('auto')]),
  sideFeatures: z.boolean(),
  lrSchedule: z.enum(LR_SCHEDULES),
  // Runs recorded before weight averaging, the refit and the preference head existed trained without them.
  averageFrom: count.default(0),
  averageSnapshots: z.int().min(1).default(1),
  patience: z.int().min(1),
  refit: z.boolean().default(false),
  valFraction: z.number(),
  seed: count,
  adam: z.looseObject({ beta1: z.number(), beta2: z.number(), epsilon: z.number() }),
  prefWeight: z.number().min(0).default(0),
  prefNegatives: z.int().min(1).default(DEFAULT_TRAIN_OPTIONS.prefNegatives),
  // Runs recorded before the option existed sampled uniformly.
  prefSampling: z.enum(PREFERENCE_SAMPLING).default('uniform'),
}) satisfies z.ZodType<TrainOptions>;

const backendChoice = z.enum(BACKEND_CHOICES);

export const RunConfigSchema = z.looseObject({
  format: z.literal(RUN_FORMAT),
  version: z.literal(RUN_VERSION),
  createdAt: z.string(),
  data: z.looseObject({
    path: z.string().min(1),
    testPath: z.string().min(1).optional(),
    split: z.string(),
    seed: count,
    valSince: count.optional(),
    load: z.looseObject({
      format: z.enum(RATING_FORMATS).optional(),
      columns: z.string().optional(),
      delimiter: z.string().optional(),
      scale: z.string().optional(),
      skipInvalid: z.boolean().optional(),
    }),
  }),
  splitDescription: z.string(),
  scale: z.looseObject({ min: z.number(), max: z.number(), step: z.number().positive() }),
  train: TrainOptionsSchema,
  backend: z.looseObject({
    requested: backendChoice,
    kind: backendChoice.exclude(['auto']),
    tfjsName: z.string(),
    device: z.string(),
  }),
  counts: z.looseObject({
    ratings: count,
    users: count,
    movies: count,
    train: count,
    validation: count,
    test: count,
    coldUsers: count,
    coldMovies: count,
  }),
  init: z.looseObject({ from: z.string().min(1), users: count, movies: count }).optional(),
}) satisfies z.ZodType<RunConfig>;

const STOP_REASONS = [
  'early-stopping',
  'max-epochs',
  'interrupted',
  'diverged',
] as const satisfies StopReason[];

export const RunStatusSchema = z.looseObject({
  state: z.enum(['running', 'completed', 'interrupted', 'diverged']),
  epochs: count,
  bestEpoch: count,
  bestValRmse: z.number().nullable(),
  stop: z.enum(STOP_REASONS).optional(),
  refitEpochs: count.optional(),
  message: z.string().optional(),
  updatedAt: z.string().optional(),
}) satisfies z.ZodType<RunStatus>;

/** ids.json; that the lists match weights.bin is checked by the reader. */
export const RunIdsSchema = z.looseObject({ userIds: z.array(z.int()), movieIds: z.array(z.int()) });

/** metrics.json: flat numeric keys. */
export const RunMetricsSchema = z.record(z.string(), jsonNumber);

/** One line of history.jsonl (and an entry of the checkpoint's history). */
export const EpochRecordSchema = z.looseObject({
  epoch: z.int().min(1),
  trainLoss: jsonNumber,
  valRmse: jsonNumber,
  valMae: jsonNumber,
  averaged: count.optional(),
  lr: z.number(),
  samplesPerSec: jsonNumber,
  seconds: z.number(),
}) satisfies z.ZodType<EpochRecord>;

/** A best-so-far RMSE: Infinity until a first one is seen, which JSON writes as null. */
const bestRmse = z
  .number()
  .nullable()
  .transform((v) => v ?? Infinity);

/** The learning-rate schedule's state in checkpoint.bin. */
const ScheduleStateSchema = z.looseObject({
  name: z.enum(LR_SCHEDULES),
  baseLr: z.number(),
  lr: z.number(),
  best: bestRmse,
  stale: count,
}) satisfies z.ZodType<ScheduleState>;

export const CHECKPOINT_KIND = 'marquee-checkpoint';

/** checkpoint.bin's header; the weights metadata in it is checked by weightsFromArrays against the arrays. */
export const CheckpointMetaSchema = z.looseObject({
  kind: z.literal(CHECKPOINT_KIND),
  epoch: z.int().min(1),
  t: count,
  schedule: ScheduleStateSchema,
  bestEpoch: count,
  bestValRmse: bestRmse,
  stale: count,
  history: z.array(EpochRecordSchema),
  current: z.unknown(),
  best: z.unknown(),
  moments: z.array(z.string()),
  features: z.array(z.enum(['user', 'movie'])).optional(),
  average: z.unknown().optional(),
  averageCount: z.int().min(1).optional(),
});
