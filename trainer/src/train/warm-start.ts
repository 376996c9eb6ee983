/**
 * Warm start (`marquee train --init-from`): a run begins from an earlier model of the same shape instead of random
 * weights, so a nightly retrain on slightly more data starts where the last one ended. Rows are matched by external
 * id: users and movies the earlier model knows start from its rows (embedding, bias, preference-head row), the
 * others as a fresh model would (random embedding, zero bias, popularity preference bias). The shared parts — the
 * global bias, the MLP with its batch-norm statistics, the preference head's gate and history weight — are copied.
 * The optimiser state is not: Adam starts afresh.
 *
 * The earlier model's embeddings are the folded ones (side features and implicit part included; see loop.ts). The
 * run's feature rows take the learned values saved beside them (features.bin, by feature name) and each known row's
 * feature part is taken out of its free row (splitOffFeatures); the implicit part the run will add is subtracted
 * too (cancelImplicitPart). So before any step the model predicts exactly what the earlier one did, with the same
 * split between free and shared parts (without features.bin the free rows hold everything and the shared rows start
 * at zero: the same predictions, but the first epochs relearn the shared rows on top of what the free rows hold).
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArtifactError, UsageError } from '../../../shared/src/errors.ts';
import { parseWithSchema } from '../../../shared/src/schemas/parse.ts';
import type { ModelConfig } from '../model/config.ts';
import type { DenseWeights, ModelWeights } from '../model/weights.ts';
import { addFeatureRow, type FeatureSide } from './features.ts';
import { readFeatures, type FeatureRows, type ModelFeatures } from './features-file.ts';
import { readJson, readWeights, RUN_FILES } from './run-dir.ts';
import { RunIdsSchema } from './run-schemas.ts';

/** The model a run starts from. */
export interface InitModel {
  /** The --init-from path as given. */
  from: string;
  weights: ModelWeights;
  /** Its learned side-feature rows (features.bin), when it has them. */
  features?: ModelFeatures;
  /** Dense index → external id, of the init model. */
  userIds: Int32Array;
  movieIds: Int32Array;
}

/** What a warm start copied. */
export interface WarmStartRows {
  /** Users and movies of the run that start from the init model's rows. */
  users: number;
  movies: number;
  /** [numUsers] / [numMovies] 1 where the row was copied. */
  userKnown: Uint8Array;
  movieKnown: Uint8Array;
  /** Set when the init model has no preference head but the run trains one: the head starts fresh. */
  freshPreference: boolean;
}

/**
 * Reads the model of a run directory, or of a weights.bin with the run's ids.json beside it.
 * @throws UsageError naming --init-from when the path is neither; ArtifactError naming the file when weights.bin or
 *   ids.json is malformed or they disagree on the number of users and movies
 */
export async function readInitModel(from: string): Promise<InitModel> {
  let weightsPath: string;
  try {
    weightsPath = (await stat(from)).isDirectory() ? join(from, RUN_FILES.weights) : from;
  } catch (err) {
    throw new UsageError(
      `--init-from ${from}: expected a run directory or its ${RUN_FILES.weights} (got ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
      { cause: err },
    );
  }
  const idsPath = join(dirname(weightsPath), RUN_FILES.ids);
  try {
    await stat(idsPath);
  } catch (err) {
    throw new UsageError(
      `--init-from ${from}: expected ${RUN_FILES.ids} beside ${weightsPath} to match rows by external id ` +
        `(got ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
      { cause: err },
    );
  }
  const weights = await readWeights(weightsPath);
  const features = await readFeatures(join(dirname(weightsPath), RUN_FILES.features));
  const ids = parseWithSchema(RunIdsSchema, idsPath, await readJson(idsPath));
  if (ids.userIds.length !== weights.numUsers || ids.movieIds.length !== weights.numMovies) {
    throw new ArtifactError(
      idsPath,
      `expected ${weights.numUsers} user ids and ${weights.numMovies} movie ids to match ${weightsPath} (got ` +
        `${ids.userIds.length} and ${ids.movieIds.length})`,
    );
  }
  return {
    from,
    weights,
    userIds: Int32Array.from(ids.userIds),
    movieIds: Int32Array.from(ids.movieIds),
    ...(features === undefined ? {} : { features }),
  };
}

const shape = (arch: string, dim: number, hidden: readonly number[], batchNorm: boolean) =>
  `arch ${arch}, dim ${dim}, hidden ${hidden.join(',') || 'none'}, batch norm ${batchNorm ? 'on' : 'off'}`;

/** The --init-from model is of another shape than the run's (callers may fall back to a cold start). */
export class InitMismatch extends UsageError {
  override name = 'InitMismatch';
  /** The run's shape and the init model's, e.g. "arch hybrid, dim 16, hidden 32,16, batch norm off". */
  readonly expected: string;
  readonly got: string;
  constructor(from: string, expected: string, got: string) {
    super(
      `--init-from ${from}: expected a model of this run's shape (${expected}), got ${got}; train with the same ` +
        '--arch, --dim, --hidden and --batch-norm, or without --init-from.',
    );
    this.expected = expected;
    this.got = got;
  }
}

/** Why `init` cannot start a run of `model`'s shape, or undefined when it can. */
export function initShapeProblem(init: InitModel, model: ModelConfig): InitMismatch | undefined {
  const w = init.weights;
  const hidden = w.hidden.map((l) => l.outSize);
  const batchNorm = w.hidden.some((l) => l.bn !== undefined);
  const same =
    w.arch === model.arch &&
    w.dim === model.dim &&
    hidden.length === model.hidden.length &&
    hidden.every((h, i) => h === model.hidden[i]) &&
    (w.hidden.length === 0 || batchNorm === model.batchNorm);
  if (same) return undefined;
  return new InitMismatch(
    init.from,
    shape(model.arch, model.dim, model.hidden, model.batchNorm),
    shape(w.arch, w.dim, hidden, batchNorm),
  );
}

/** @throws InitMismatch saying what differs when `init` cannot start a run of `model`'s shape */
export function checkInitShape(init: InitModel, model: ModelConfig): void {
  const problem = initShapeProblem(init, model);
  if (problem !== undefined) throw problem;
}

function copyDense(to: DenseWeights, from: DenseWeights): void {
  to.W.set(from.W);
  to.b.set(from.b);
  if (to.bn !== undefined && from.bn !== undefined) {
    to.bn.gamma.set(from.bn.gamma);
    to.bn.beta.set(from.bn.beta);
    to.bn.movingMean.set(from.bn.movingMean);
    to.bn.movingVariance.set(from.bn.movingVariance);
  }
}

/** For each id of `ids`, its index in `known` or -1. */
function rowMap(ids: Int32Array, known: Int32Array): Int32Array {
  const index = new Map<number, number>();
  known.forEach((id, i) => index.set(id, i));
  return Int32Array.from(ids, (id) => index.get(id) ?? -1);
}

function copyRows(to: Float32Array, from: Float32Array, map: Int32Array, width: number): number {
  let copied = 0;
  for (let r = 0; r < map.length; r++) {
    const src = map[r]!;
    if (src < 0) continue;
    to.set(from.subarray(src * width, (src + 1) * width), r * width);
    copied++;
  }
  return copied;
}

/** How many of the run's users and movies (`userIds`, `movieIds`) `init` knows. */
export function knownRows(
  init: InitModel,
  userIds: Int32Array,
  movieIds: Int32Array,
): { users: number; movies: number } {
  const known = (map: Int32Array) => map.reduce((n, src) => n + (src >= 0 ? 1 : 0), 0);
  return { users: known(rowMap(userIds, init.userIds)), movies: known(rowMap(movieIds, init.movieIds)) };
}

/**
 * Overwrites, in place, the freshly initialised `weights` of a run (ids `userIds`, `movieIds`) with what `init`
 * knows; rows of ids it does not know keep their fresh values.
 * @throws InitMismatch when the shapes differ (see checkInitShape)
 */
export function applyWarmStart(
  weights: ModelWeights,
  init: InitModel,
  userIds: Int32Array,
  movieIds: Int32Array,
  model: ModelConfig,
): WarmStartRows {
  checkInitShape(init, model);
  const from = init.weights;
  const d = weights.dim;
  const users = rowMap(userIds, init.userIds);
  const movies = rowMap(movieIds, init.movieIds);
  weights.mu = from.mu;
  copyRows(weights.userEmb, from.userEmb, users, d);
  copyRows(weights.userBias, from.userBias, users, 1);
  const knownMovies = copyRows(weights.movieEmb, from.movieEmb, movies, d);
  copyRows(weights.movieBias, from.movieBias, movies, 1);
  weights.hidden.forEach((layer, i) => copyDense(layer, from.hidden[i]!));
  copyDense(weights.out, from.out);
  const pref = weights.pref;
  if (pref !== undefined && from.pref !== undefined) {
    pref.gate.set(from.pref.gate);
    pref.history.set(from.pref.history);
    copyRows(pref.movieEmb, from.pref.movieEmb, movies, d);
    copyRows(pref.movieBias, from.pref.movieBias, movies, 1);
  }
  const userKnown = Uint8Array.from(users, (src) => (src >= 0 ? 1 : 0));
  return {
    users: userKnown.reduce((a, b) => a + b, 0),
    movies: knownMovies,
    userKnown,
    movieKnown: Uint8Array.from(movies, (src) => (src >= 0 ? 1 : 0)),
    freshPreference: pref !== undefined && from.pref === undefined,
  };
}

/**
 * Subtracts the implicit part (`offsets`, [numUsers, dim], computed from the warm movie rows) from the free
 * embedding of every known user, in place: the run adds it back, so known users start exactly as in the init model.
 */
export function cancelImplicitPart(
  weights: ModelWeights,
  userKnown: Uint8Array,
  offsets: Float32Array,
): void {
  const d = weights.dim;
  for (let u = 0; u < userKnown.length; u++) {
    if (userKnown[u] === 0) continue;
    for (let k = 0; k < d; k++)
      weights.userEmb[u * d + k] = weights.userEmb[u * d + k]! - offsets[u * d + k]!;
  }
}

/**
 * Gives the run's feature rows (`side`, freshly zero) the init model's learned values, by feature name, and takes
 * each known entity's feature part out of its free row in `emb` (the side's embedding table), in place: its whole
 * embedding stays the init model's, now split between free and feature parts as that model had it. Features the
 * init model lacks stay at zero; entities it does not know keep their fresh free rows and gain the learned feature
 * parts (what a new user or movie has in common with others). Without saved rows (no features.bin) the features
 * start at zero, as in a fresh run.
 */
export function splitOffFeatures(
  emb: Float32Array,
  side: FeatureSide | undefined,
  saved: FeatureRows | undefined,
  known: Uint8Array,
): void {
  if (side === undefined || saved === undefined || saved.dim !== side.dim) return;
  const rowOf = new Map<string, number>();
  saved.names.forEach((name, i) => rowOf.set(name, i));
  side.names.forEach((name, i) => {
    const r = rowOf.get(name);
    if (r !== undefined)
      side.table.set(saved.table.subarray(r * saved.dim, (r + 1) * saved.dim), i * side.dim);
  });
  const part = new Float32Array(side.dim);
  for (let e = 0; e < side.count; e++) {
    if (known[e] === 0) continue;
    part.fill(0);
    addFeatureRow(side, e, part, 0);
    for (let k = 0; k < side.dim; k++) emb[e * side.stride + k] = emb[e * side.stride + k]! - part[k]!;
  }
}
