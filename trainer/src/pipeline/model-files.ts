/**
 * The training-run files of each version the pipeline publishes, kept in the store beside the version
 * (`pipeline/models/<version>/`: config.json, ids.json, weights.bin, metrics.json, features.bin), so a later run can evaluate
 * that version — the stable one — on its own new holdout, and start a candidate from its weights (--warm-start). A
 * version published some other way has none: the pipeline then compares the candidate with the baselines only, and
 * says so.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactError } from '../../../shared/src/errors.ts';
import { utf8Decode } from '../../../shared/src/formats/web.ts';
import type { ModelWeights } from '../model/weights.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { readWeights, RUN_FILES } from '../train/run-dir.ts';

export const MODEL_FILES_PREFIX = 'pipeline/models/';
const FILES = [RUN_FILES.config, RUN_FILES.ids, RUN_FILES.metrics, RUN_FILES.weights] as const;

/** A published version's model as its run left it. */
export interface StoredModel {
  version: string;
  /** The local copy of its files: a directory `marquee train --init-from` reads. */
  dir: string;
  weights: ModelWeights;
  /** Dense index → external id. */
  userIds: Int32Array;
  movieIds: Int32Array;
  metrics: Record<string, number>;
}

const keyOf = (version: string, file: string) => `${MODEL_FILES_PREFIX}${version}/${file}`;

/**
 * Uploads a run's files for `version` (weights last: their presence marks a complete copy), and its features.bin
 * when it has one (a warm start needs it to split embeddings as the model did; without, it starts the rows at zero).
 */
export async function saveModelFiles(store: ObjectStore, version: string, runDir: string): Promise<void> {
  const features = await readFile(join(runDir, RUN_FILES.features)).catch(() => null);
  if (features !== null) await store.put(keyOf(version, RUN_FILES.features), features);
  for (const file of FILES) await store.put(keyOf(version, file), await readFile(join(runDir, file)));
}

/**
 * Downloads a version's run files into the directory `scratch` and reads them.
 * @returns null when the store has no (complete) copy for this version
 * @throws ArtifactError naming the file when a copy is malformed
 */
export async function loadModelFiles(
  store: ObjectStore,
  version: string,
  scratch: string,
): Promise<StoredModel | null> {
  const weightsBytes = await store.get(keyOf(version, RUN_FILES.weights));
  if (weightsBytes === null) return null;
  await mkdir(scratch, { recursive: true });
  const weightsPath = join(scratch, RUN_FILES.weights);
  await writeFile(weightsPath, weightsBytes);
  const weights = await readWeights(weightsPath);
  const json = async (file: string): Promise<unknown> => {
    const key = keyOf(version, file);
    const bytes = await store.get(key);
    if (bytes === null) throw new ArtifactError(key, 'missing beside weights.bin');
    await writeFile(join(scratch, file), bytes);
    try {
      return JSON.parse(utf8Decode(bytes));
    } catch (err) {
      throw new ArtifactError(key, `is not valid JSON (${(err as Error).message})`, { cause: err });
    }
  };
  const ids = (await json(RUN_FILES.ids)) as { userIds?: unknown; movieIds?: unknown };
  const idArray = (value: unknown, field: string, expected: number): Int32Array => {
    if (!Array.isArray(value) || value.length !== expected || !value.every(Number.isInteger)) {
      throw new ArtifactError(
        keyOf(version, RUN_FILES.ids),
        `expected ${expected} whole numbers in "${field}"`,
      );
    }
    return Int32Array.from(value as number[]);
  };
  await json(RUN_FILES.config);
  const features = await store.get(keyOf(version, RUN_FILES.features));
  if (features !== null) await writeFile(join(scratch, RUN_FILES.features), features);
  return {
    version,
    dir: scratch,
    weights,
    userIds: idArray(ids.userIds, 'userIds', weights.numUsers),
    movieIds: idArray(ids.movieIds, 'movieIds', weights.numMovies),
    metrics: (await json(RUN_FILES.metrics)) as Record<string, number>,
  };
}
