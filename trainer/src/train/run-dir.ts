/**
 * The run directory (RUNDIR) of `marquee train`. Every file is written atomically (temporary file + rename), so an
 * interrupted run leaves each file whole; the checkpoint alone is enough to resume.
 *
 *   config.json      RunConfig: hyperparameters, data path + loader options + split + seed, backend, counts
 *   ids.json         { userIds: number[], movieIds: number[] }: dense index → external id
 *   weights.bin      the best epoch's ModelWeights (tensor file, see weights-file.ts / tensor-file.ts)
 *   history.jsonl    one EpochRecord per completed epoch
 *   status.json      RunStatus: running / completed / interrupted / diverged, epochs, best epoch, message
 *   metrics.json     flat numeric keys: val.rmse, val.mae, test.rmse, test.mae, train.*, after a refit refit.epochs
 *                    and selected.test.* (other commands add keys; writes merge)
 *   checkpoint.bin   the last completed epoch's full training state, for --resume
 *   features.bin     the learned side-feature rows of the model in weights.bin (features-file.ts), for warm starts
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactError } from '../../../shared/src/errors.ts';
import { parseWithSchema } from '../../../shared/src/schemas/parse.ts';
import type { RatingScale, RatingsTable, Split } from '../data/types.ts';
import type { BackendInfo } from '../model/backend.ts';
import type { ModelWeights } from '../model/weights.ts';
import { loadSplitData, type DataSpec } from './data.ts';
import type { EpochRecord, StopReason } from './loop.ts';
import type { TrainOptions } from './options.ts';
import {
  EpochRecordSchema,
  RUN_FORMAT,
  RUN_VERSION,
  RunConfigSchema,
  RunIdsSchema,
  RunMetricsSchema,
  RunStatusSchema,
} from './run-schemas.ts';
import { readTensorFile, writeFileAtomic, writeTensorFile } from './tensor-file.ts';
import { weightsFromArrays, weightsToArrays } from './weights-file.ts';

export const RUN_FILES = {
  config: 'config.json',
  ids: 'ids.json',
  weights: 'weights.bin',
  history: 'history.jsonl',
  status: 'status.json',
  metrics: 'metrics.json',
  checkpoint: 'checkpoint.bin',
  features: 'features.bin',
} as const;

export { RUN_FORMAT, RUN_VERSION };

/** Sizes recorded in config.json. */
export interface RunCounts {
  ratings: number;
  users: number;
  movies: number;
  train: number;
  validation: number;
  test: number;
  coldUsers: number;
  coldMovies: number;
}

/** config.json. */
export interface RunConfig {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  /** ISO time the run started. */
  createdAt: string;
  data: DataSpec;
  /** The split as described by the split code, e.g. "per-user 0.1 seed=42". */
  splitDescription: string;
  scale: RatingScale;
  train: TrainOptions;
  backend: BackendInfo;
  counts: RunCounts;
  /** The model the run started from (--init-from), and how many of its users and movies it knew. */
  init?: RunInit;
}

/** config.json `init`: a warm start (warm-start.ts). */
export interface RunInit {
  /** The --init-from path as given: a run directory or its weights.bin. */
  from: string;
  /** The run's users and movies that started from its rows (the others started fresh). */
  users: number;
  movies: number;
}

export type RunState = 'running' | 'completed' | 'interrupted' | 'diverged';

/** status.json. */
export interface RunStatus {
  state: RunState;
  /** Completed epochs. */
  epochs: number;
  bestEpoch: number;
  bestValRmse: number | null;
  stop?: StopReason;
  /** Epochs of the refit on training + validation ratings, once it completed (weights.bin is then its model). */
  refitEpochs?: number;
  message?: string;
  /** ISO time of the write. Always written, but informational: a status.json without it still reads. */
  updatedAt?: string;
}

/** A loaded run. */
export interface Run {
  dir: string;
  config: RunConfig;
  weights: ModelWeights;
  /** Dense user index → external id. */
  userIds: Int32Array;
  /** Dense movie index → external id. */
  movieIds: Int32Array;
  history: EpochRecord[];
  metrics: Record<string, number>;
  /** Absent in runs saved without one. */
  status?: RunStatus;
}

const file = (dir: string, name: keyof typeof RUN_FILES) => path.join(dir, RUN_FILES[name]);

async function writeJson(p: string, value: unknown): Promise<void> {
  await writeFileAtomic(p, `${JSON.stringify(value, null, 2)}\n`);
}

/** The parsed JSON of `p`, unvalidated. @throws ArtifactError naming the file (its cause ENOENT when absent) */
export async function readJson(p: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch (err) {
    throw new ArtifactError(
      p,
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      {
        cause: err,
      },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ArtifactError(p, `is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

export async function writeConfig(dir: string, config: RunConfig): Promise<void> {
  await writeJson(file(dir, 'config'), config);
}

export async function writeIds(dir: string, userIds: Int32Array, movieIds: Int32Array): Promise<void> {
  await writeJson(file(dir, 'ids'), { userIds: Array.from(userIds), movieIds: Array.from(movieIds) });
}

/** Writes weights.bin. */
export async function writeWeights(dir: string, weights: ModelWeights): Promise<void> {
  const { meta, arrays } = weightsToArrays(weights);
  await writeTensorFile(file(dir, 'weights'), meta, arrays);
}

/** Reads a weights file written by writeWeights. @throws ArtifactError */
export async function readWeights(p: string): Promise<ModelWeights> {
  const { meta, arrays } = await readTensorFile<unknown>(p);
  return weightsFromArrays(meta, arrays, p);
}

export async function writeHistory(dir: string, history: readonly EpochRecord[]): Promise<void> {
  await writeFileAtomic(file(dir, 'history'), history.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

export async function writeStatus(dir: string, status: Omit<RunStatus, 'updatedAt'>): Promise<void> {
  await writeJson(file(dir, 'status'), { ...status, updatedAt: new Date().toISOString() });
}

/**
 * Merges `metrics` into metrics.json (keys of other commands are kept; the given keys are replaced).
 * @throws ArtifactError when an existing metrics.json is not an object of numbers
 */
export async function mergeMetrics(
  dir: string,
  metrics: Record<string, number>,
): Promise<Record<string, number>> {
  const merged = { ...(await readMetrics(dir)), ...metrics };
  await writeJson(file(dir, 'metrics'), merged);
  return merged;
}

function isMissing(err: unknown): boolean {
  return (err as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT';
}

/** metrics.json, or no metrics when there is none. @throws ArtifactError when it is not an object of numbers */
async function readMetrics(dir: string): Promise<Record<string, number>> {
  const p = file(dir, 'metrics');
  try {
    return parseWithSchema(RunMetricsSchema, p, await readJson(p));
  } catch (err) {
    if (isMissing(err)) return {};
    throw err;
  }
}

/** Whether `dir` holds a config.json of a run (whatever else it holds; readRunConfig validates the rest). */
export async function isRunDir(dir: string): Promise<boolean> {
  try {
    return ((await readJson(file(dir, 'config'))) as { format?: unknown } | null)?.format === RUN_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Reads config.json.
 * @throws ArtifactError naming the file when it is missing, not JSON, of another format or version, or a field
 *   is missing or of the wrong type
 */
export async function readRunConfig(dir: string): Promise<RunConfig> {
  const p = file(dir, 'config');
  const config = await readJson(p);
  const { format, version } = (config ?? {}) as { format?: unknown; version?: unknown };
  if (format !== RUN_FORMAT || version !== RUN_VERSION) {
    throw new ArtifactError(
      p,
      `expected a ${RUN_FORMAT} config of version ${RUN_VERSION} (got format ${JSON.stringify(format)}, ` +
        `version ${JSON.stringify(version)})`,
    );
  }
  return parseWithSchema(RunConfigSchema, p, config);
}

/**
 * Reads status.json.
 * @returns undefined when the run has none (runs saved without one)
 * @throws ArtifactError naming the file when it is not a valid status
 */
export async function readRunStatus(dir: string): Promise<RunStatus | undefined> {
  const p = file(dir, 'status');
  try {
    return parseWithSchema(RunStatusSchema, p, await readJson(p));
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * Writes a whole run: config, ids, weights, history, metrics (merged into an existing metrics.json) and, when
 * given, status. Creates `dir` if needed.
 */
export async function saveRun(dir: string, run: Omit<Run, 'dir'>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeConfig(dir, run.config);
  await writeIds(dir, run.userIds, run.movieIds);
  await writeWeights(dir, run.weights);
  await writeHistory(dir, run.history);
  await mergeMetrics(dir, run.metrics);
  if (run.status) await writeStatus(dir, run.status);
}

function toIdArray(value: number[], p: string, field: string, expected: number): Int32Array {
  if (value.length !== expected) {
    throw new ArtifactError(p, `expected ${expected} ${field} to match weights.bin (got ${value.length})`);
  }
  return Int32Array.from(value);
}

async function readHistory(p: string): Promise<EpochRecord[]> {
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ArtifactError(p, `cannot be read (${(err as Error).message})`, { cause: err });
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (err) {
        throw new ArtifactError(p, `line ${i + 1} is not valid JSON`, { cause: err });
      }
      return parseWithSchema(EpochRecordSchema, `${p}:${i + 1}`, record);
    });
}

/**
 * Loads a run directory written by `marquee train` (or saveRun).
 * @throws ArtifactError naming the file when a required file (config.json, ids.json, weights.bin) is missing or
 *   malformed, an optional one (history.jsonl, metrics.json, status.json) is malformed, or the files disagree on
 *   the number of users and movies
 */
export async function loadRun(dir: string): Promise<Run> {
  const config = await readRunConfig(dir);
  const weights = await readWeights(file(dir, 'weights'));
  const idsPath = file(dir, 'ids');
  const ids = parseWithSchema(RunIdsSchema, idsPath, await readJson(idsPath));
  const userIds = toIdArray(ids.userIds, idsPath, 'userIds', weights.numUsers);
  const movieIds = toIdArray(ids.movieIds, idsPath, 'movieIds', weights.numMovies);
  const history = await readHistory(file(dir, 'history'));
  const metrics = await readMetrics(dir);
  const status = await readRunStatus(dir);
  return { dir, config, weights, userIds, movieIds, history, metrics, ...(status ? { status } : {}) };
}

/** Whether two dense index → external id maps are the same (same length, same id at every index). */
export function sameIds(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Reloads a run's data from the path and loader options in its config and re-applies the recorded split (same
 * spec and seed → the same rows), checking that users and movies map to the same dense indices as in training.
 * @throws DataError / UsageError from the loaders; ArtifactError when the data no longer match the run (ids or
 *   rating count differ: the files changed since training)
 */
export async function loadRunData(run: Run): Promise<{ table: RatingsTable; split: Split }> {
  const { table, split } = await loadSplitData(run.config.data);
  const where = path.join(run.dir, RUN_FILES.ids);
  if (!sameIds(table.userIds, run.userIds) || !sameIds(table.movieIds, run.movieIds)) {
    throw new ArtifactError(
      where,
      `the data at ${run.config.data.path} no longer match this run: expected ${run.userIds.length} users and ` +
        `${run.movieIds.length} movies with the recorded ids (got ${table.userIds.length} and ` +
        `${table.movieIds.length}, or different ids); the files changed since training.`,
    );
  }
  if (table.count !== run.config.counts.ratings) {
    throw new ArtifactError(
      where,
      `the data at ${run.config.data.path} no longer match this run: expected ${run.config.counts.ratings} ` +
        `ratings (got ${table.count}).`,
    );
  }
  return { table, split };
}
