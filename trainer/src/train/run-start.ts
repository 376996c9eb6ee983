/**
 * The start of a `marquee train` run: a fresh run directory with its provisional config.json, or a run reopened
 * for --resume (its recorded config, its checkpoint and what is left to do); then, once the data are loaded, the
 * config completed and written (fresh) or the data checked against the run (resumed).
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { UsageError } from '../../../shared/src/errors.ts';
import type { BackendInfo } from '../model/backend.ts';
import type { RatingsTable, Split } from '../data/types.ts';
import { readCheckpoint } from './checkpoint-file.ts';
import type { FitRows } from './data.ts';
import type { StopReason, TrainCheckpoint } from './loop.ts';
import type { TrainOptions } from './options.ts';
import {
  isRunDir,
  loadRun,
  readRunConfig,
  readRunStatus,
  RUN_FILES,
  RUN_FORMAT,
  RUN_VERSION,
  sameIds,
  writeConfig,
  writeIds,
  writeStatus,
  type RunConfig,
} from './run-dir.ts';
import type { TrainRequest } from './run.ts';
import { checkInitShape, knownRows, readInitModel, type InitModel } from './warm-start.ts';

/** A run ready to load its data: its config and, when resumed, where it stopped. */
export interface OpenedRun {
  /** Fresh runs: provisional until {@link bindData} fills in what the data say. */
  config: RunConfig;
  /** The checkpoint a resumed run continues from. */
  resumeFrom?: TrainCheckpoint;
  /** Set when a resumed run's training is finished and only the refit is left. */
  refitOnly?: { stop: StopReason; message: string };
}

/** The loaded data of a run: the table, its train/test split and the validation rows carved from training. */
export interface RunData {
  table: RatingsTable;
  split: Split;
  fit: FitRows;
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
 * Reopens the run in `req.out` (--resume) or prepares a fresh one.
 * @throws UsageError when a resumed directory is no run or has no usable checkpoint, when a fresh run lacks data
 *   or options, or when its directory holds something that must not be overwritten; ArtifactError from reading
 *   config.json and status.json
 */
export async function openRun(req: TrainRequest, log: NodeJS.WriteStream): Promise<OpenedRun> {
  const dir = req.out;
  if (req.resume) {
    if (!(await isRunDir(dir))) {
      throw new UsageError(`--resume: ${dir} is not a Marquee run directory (no valid ${RUN_FILES.config}).`);
    }
    const config = await readRunConfig(dir);
    let resumeFrom: TrainCheckpoint;
    try {
      resumeFrom = await readCheckpoint(dir);
    } catch (err) {
      throw new UsageError(
        `--resume: ${dir} has no usable checkpoint (${(err as Error).message}); no epoch was completed, so start ` +
          `again with --force.`,
        { cause: err },
      );
    }
    const refitOnly = await whatIsLeft(dir, config.train, resumeFrom);
    log.write(`resuming ${dir} after epoch ${resumeFrom.epoch} with its recorded configuration\n`);
    return { config, resumeFrom, ...(refitOnly === undefined ? {} : { refitOnly }) };
  }
  if (req.data === undefined || req.options === undefined) {
    throw new UsageError('train: --data is required (or --resume to continue a run).');
  }
  await prepareFreshDir(dir, req.force === true);
  return {
    config: {
      ...(req.initFrom === undefined ? {} : { init: { from: req.initFrom, users: 0, movies: 0 } }),
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
    },
  };
}

/**
 * The model a run starts from (config.json `init`), read and checked against the run's shape; undefined for a run
 * started from random weights, and for a resumed run with no refit left to do (its checkpoint is all it needs).
 * @throws UsageError when it cannot be read (a resumed run's saying so) or is of another shape; ArtifactError from
 *   its files
 */
export async function openInit(opened: OpenedRun, resumed: boolean): Promise<InitModel | undefined> {
  const from = opened.config.init?.from;
  if (from === undefined || (resumed && opened.config.train.refit !== true)) return undefined;
  let init: InitModel;
  try {
    init = await readInitModel(from);
  } catch (err) {
    if (!resumed || !(err instanceof UsageError)) throw err;
    throw new UsageError(
      `--resume: the run started from ${from} (--init-from) and its refit starts there again, but ${err.message}`,
      { cause: err },
    );
  }
  checkInitShape(init, opened.config.train.model);
  return init;
}

/**
 * Ties the loaded data to the run. Resumed: checks they are the data the run started with. Fresh: completes the
 * config with the split, scale, backend, counts and how many users and movies `init` knows, logs the latter, and
 * writes config.json, ids.json and a first status.json.
 * @returns the run's config
 * @throws UsageError when a resumed run's data changed; ArtifactError from reading the resumed run
 */
export async function bindData(
  dir: string,
  resumed: boolean,
  config: RunConfig,
  data: RunData,
  backend: BackendInfo,
  init: InitModel | undefined,
  log: NodeJS.WriteStream,
): Promise<RunConfig> {
  const { table, split, fit } = data;
  if (resumed) {
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
    return config;
  }
  const bound: RunConfig = {
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
  if (init !== undefined) {
    const known = knownRows(init, table.userIds, table.movieIds);
    bound.init = { from: init.from, ...known };
    const newUsers = table.userIds.length - known.users;
    const newMovies = table.movieIds.length - known.movies;
    log.write(
      `warm start from ${init.from}: ${known.users} of ${table.userIds.length} users and ${known.movies} of ` +
        `${table.movieIds.length} movies start from its rows` +
        (newUsers + newMovies > 0
          ? `; ${newUsers} users and ${newMovies} movies it does not know start fresh\n`
          : '\n'),
    );
    if (config.train.prefWeight > 0 && init.weights.pref === undefined) {
      log.write('warm start: that model has no preference head; the head starts fresh\n');
    }
  }
  await writeConfig(dir, bound);
  await writeIds(dir, table.userIds, table.movieIds);
  await writeStatus(dir, { state: 'running', epochs: 0, bestEpoch: 0, bestValRmse: null });
  return bound;
}
