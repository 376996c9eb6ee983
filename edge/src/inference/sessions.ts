/**
 * The per-isolate cache of serving graphs: one memoized load per model version, shared by concurrent callers. A
 * failed load is dropped so the next caller retries; versions no longer served are released explicitly.
 */
import { createServingModel, type ExpectedModel, type ServingModel } from './serving-model.ts';

const loads = new Map<string, Promise<ServingModel>>();

/**
 * The serving graph of `version`, loaded on first use.
 * @param expected embedding size and movie count from the manifest
 * @param fetchBytes reads (and checksum-verifies) the model bytes; called at most once per successful load
 * @throws ArtifactError or StorageError from loading; the failed promise is not kept
 */
export function servingModel(
  version: string,
  expected: ExpectedModel,
  fetchBytes: () => Promise<{ file: string; bytes: Uint8Array }>,
): Promise<ServingModel> {
  let load = loads.get(version);
  if (load === undefined) {
    load = fetchBytes().then(({ file, bytes }) => createServingModel(file, bytes, expected));
    loads.set(version, load);
    load.catch(() => {
      if (loads.get(version) === load) loads.delete(version);
    });
  }
  return load;
}

/** Releases the graph of a version that is no longer served (no-op when it was never loaded). */
export async function releaseServingModel(version: string): Promise<void> {
  const load = loads.get(version);
  if (load === undefined) return;
  loads.delete(version);
  try {
    await (await load).release();
  } catch {
    // A load that failed holds nothing to release.
  }
}
