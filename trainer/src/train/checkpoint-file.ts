/**
 * checkpoint.bin of a run directory: the complete training state after an epoch, in one tensor file (one atomic
 * write), so `--resume` continues exactly where the run stopped.
 *
 * Metadata: { kind: "marquee-checkpoint", epoch, t, schedule, bestEpoch, bestValRmse, stale, history,
 *             current: WeightsMeta, best: WeightsMeta, average?: WeightsMeta, averageCount? }
 * Arrays: current weights ("current." + name), best weights ("best." + name), Adam moments ("m." / "v." + name,
 * for every trainable array and "mu"), learned side-feature rows ("feature.user", "feature.movie") when used, the
 * running weight average ("average." + name) once averaging has started.
 */
import path from 'node:path';
import { ArtifactError } from '../../../shared/src/errors.ts';
import { parseWithSchema } from '../../../shared/src/schemas/parse.ts';
import type { EpochRecord, TrainCheckpoint } from './loop.ts';
import { RUN_FILES } from './run-dir.ts';
import { CHECKPOINT_KIND, CheckpointMetaSchema } from './run-schemas.ts';
import type { ScheduleState } from './schedule.ts';
import type { Moments } from './adam.ts';
import { readTensorFile, writeTensorFile, type TensorArray } from './tensor-file.ts';
import { weightsFromArrays, weightsToArrays, type WeightsMeta } from './weights-file.ts';

interface CheckpointMeta {
  kind: typeof CHECKPOINT_KIND;
  epoch: number;
  t: number;
  schedule: ScheduleState;
  bestEpoch: number;
  bestValRmse: number;
  stale: number;
  history: EpochRecord[];
  current: WeightsMeta;
  best: WeightsMeta;
  moments: string[];
  /** Sides with learned feature rows ("user", "movie"); absent in checkpoints of runs without them. */
  features?: string[];
  /** The weight average's arrays and snapshot count; absent before averaging starts. */
  average?: WeightsMeta;
  averageCount?: number;
}

/** Path of the checkpoint in `dir`. */
export function checkpointPath(dir: string): string {
  return path.join(dir, RUN_FILES.checkpoint);
}

/** Writes checkpoint.bin atomically. */
export async function writeCheckpoint(dir: string, c: TrainCheckpoint): Promise<void> {
  const current = weightsToArrays(c.weights, 'current.');
  const best = weightsToArrays(c.best, 'best.');
  const average = c.average && weightsToArrays(c.average.weights, 'average.');
  const moments: { name: string; array: TensorArray }[] = [];
  for (const [name, { m, v }] of c.optimizer.moments) {
    moments.push({ name: `m.${name}`, array: m }, { name: `v.${name}`, array: v });
  }
  const features = Object.entries(c.features ?? {}).flatMap(([side, array]) =>
    array === undefined ? [] : [{ name: `feature.${side}`, array }],
  );
  const meta: CheckpointMeta = {
    kind: CHECKPOINT_KIND,
    epoch: c.epoch,
    t: c.optimizer.t,
    schedule: c.schedule,
    bestEpoch: c.bestEpoch,
    bestValRmse: c.bestValRmse,
    stale: c.stale,
    history: c.history,
    current: current.meta,
    best: best.meta,
    moments: [...c.optimizer.moments.keys()],
    features: features.map((f) => f.name.slice('feature.'.length)),
    ...(average && c.average ? { average: average.meta, averageCount: c.average.count } : {}),
  };
  await writeTensorFile(checkpointPath(dir), meta, [
    ...current.arrays,
    ...best.arrays,
    ...moments,
    ...features,
    ...(average?.arrays ?? []),
  ]);
}

/**
 * Reads checkpoint.bin.
 * @throws ArtifactError naming the file when it is missing or malformed (header fields included)
 */
export async function readCheckpoint(dir: string): Promise<TrainCheckpoint> {
  const p = checkpointPath(dir);
  const file = await readTensorFile<unknown>(p);
  const { arrays } = file;
  const meta = parseWithSchema(CheckpointMetaSchema, p, file.meta);
  const moments = new Map<string, Moments>();
  for (const name of meta.moments) {
    const m = arrays.get(`m.${name}`);
    const v = arrays.get(`v.${name}`);
    if (!(m instanceof Float32Array) || !(v instanceof Float32Array) || m.length !== v.length) {
      throw new ArtifactError(p, `expected Adam moments m.${name} and v.${name} of equal length`);
    }
    moments.set(name, { m, v });
  }
  const features: { user?: Float32Array; movie?: Float32Array } = {};
  for (const side of meta.features ?? []) {
    const array = arrays.get(`feature.${side}`);
    if (!(array instanceof Float32Array)) {
      throw new ArtifactError(p, `expected learned feature rows feature.${side} (float32)`);
    }
    features[side] = array;
  }
  let average: TrainCheckpoint['average'];
  if (meta.average !== undefined) {
    const count = meta.averageCount;
    if (count === undefined) {
      throw new ArtifactError(p, `expected averageCount, a whole number ≥ 1, with the weight average`);
    }
    average = { weights: weightsFromArrays(meta.average, arrays, p, 'average.'), count };
  }
  return {
    epoch: meta.epoch,
    weights: weightsFromArrays(meta.current, arrays, p, 'current.'),
    optimizer: { t: meta.t, moments },
    schedule: meta.schedule,
    best: weightsFromArrays(meta.best, arrays, p, 'best.'),
    bestEpoch: meta.bestEpoch,
    bestValRmse: meta.bestValRmse,
    stale: meta.stale,
    history: meta.history,
    features,
    ...(average ? { average } : {}),
  };
}
