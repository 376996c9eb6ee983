/**
 * Model versions in a store: atomic publishing (every file first, manifest.json last), listing, and reading back
 * with every size, checksum and table verified. Layout: docs/artifacts.md.
 */
import { ArtifactError, StorageError, UsageError } from '../../../shared/src/errors.ts';
import { decodeVersion, type DecodedVersion } from '../../../shared/src/formats/version.ts';
import { verifyFile } from '../../../shared/src/formats/verify.ts';
import {
  MANIFEST_FILE,
  VERSION_ID_PATTERN,
  parseManifest,
  type Manifest,
} from '../../../shared/src/schemas/manifest.ts';
import { jsonBytes, parseJsonBytes } from '../../../shared/src/schemas/parse.ts';
import type { ObjectStore } from './object-store.ts';

/** Root of all versions in a store. */
export const MODELS_PREFIX = 'models/';

/** One version's files (without manifest.json) and its manifest. */
export interface VersionBundle {
  manifest: Manifest;
  /** File name → bytes, exactly the files the manifest lists. */
  files: ReadonlyMap<string, Uint8Array>;
}

/** Key of a file of a version, e.g. "models/20260101-000000-0a1b2c3d/movies.bin". */
export function versionKey(id: string, file: string): string {
  return `${MODELS_PREFIX}${id}/${file}`;
}

/** Re-labels an ArtifactError from a bare file name ("movies.bin") to where the file lives. */
function located(locate: (file: string) => string, err: unknown): unknown {
  if (!(err instanceof ArtifactError) || err.file.includes('/')) return err;
  return new ArtifactError(locate(err.file), err.message.slice(err.file.length + 2), { cause: err });
}

/**
 * Checks that the files match the manifest exactly: the same names, and each file's size and sha256.
 * @param locate how to name a file in errors (default: its key in a store, models/<version>/<file>)
 * @throws ArtifactError naming the first bad file
 */
export async function verifyBundle(
  bundle: VersionBundle,
  locate: (file: string) => string = (file) => versionKey(bundle.manifest.version, file),
): Promise<void> {
  const { manifest, files } = bundle;
  for (const name of files.keys()) {
    if (!(name in manifest.files)) throw new ArtifactError(locate(name), 'not listed in the manifest');
  }
  for (const [name, entry] of Object.entries(manifest.files)) {
    const bytes = files.get(name);
    if (bytes === undefined) throw new ArtifactError(locate(name), 'listed in the manifest but missing');
    await verifyFile(locate(name), bytes, entry);
  }
}

/**
 * verifyBundle, then decodes every table and cross-checks it against the manifest.
 * @throws ArtifactError naming the first bad file
 */
export async function checkBundle(
  bundle: VersionBundle,
  locate: (file: string) => string = (file) => versionKey(bundle.manifest.version, file),
): Promise<DecodedVersion> {
  await verifyBundle(bundle, locate);
  try {
    return decodeVersion(bundle.manifest, bundle.files);
  } catch (err) {
    throw located(locate, err);
  }
}

/**
 * Publishes a version: every file, then a size check of each upload, then manifest.json last. Until the manifest
 * is written the version does not exist for readers; an interrupted publish leaves invisible files that a retry
 * overwrites.
 * @param options.force replace an existing version (its manifest is deleted first, so it is invisible meanwhile)
 * @param options.onFile called after each upload with the file name and size
 * @throws UsageError when the version exists and force is not set; ArtifactError when a file does not match the
 *   manifest;
 *   StorageError from the store
 */
export async function publishVersion(
  store: ObjectStore,
  bundle: VersionBundle,
  options: { force?: boolean; onFile?: (file: string, bytes: number) => void } = {},
): Promise<void> {
  const manifest = parseManifest(bundle.manifest);
  const id = manifest.version;
  // Sizes and checksums only: bundles come from buildVersion or readVersionDir, which decoded every table.
  await verifyBundle(bundle);
  const manifestKey = versionKey(id, MANIFEST_FILE);
  if ((await store.head(manifestKey)) !== null) {
    if (!options.force) {
      throw new UsageError(`version ${id} already exists in ${store.uri}; pass --force to replace it`);
    }
    await store.delete(manifestKey);
  }
  // Small files first: a failure surfaces before the big uploads.
  const order = [...bundle.files.entries()].sort((a, b) => a[1].length - b[1].length);
  for (const [name, bytes] of order) {
    await store.put(versionKey(id, name), bytes);
    options.onFile?.(name, bytes.length);
  }
  for (const [name, bytes] of order) {
    const info = await store.head(versionKey(id, name));
    if (info?.size !== bytes.length) {
      throw new StorageError(
        `${store.uri}: ${versionKey(id, name)} reads back as ${info === null ? 'missing' : `${info.size} bytes`} ` +
          `after uploading ${bytes.length} bytes; the version was not published`,
      );
    }
  }
  const manifestBytes = jsonBytes(manifest);
  await store.put(manifestKey, manifestBytes);
  options.onFile?.(MANIFEST_FILE, manifestBytes.length);
}

/** Ids of the published versions (those with a manifest.json), oldest first by id. */
export async function listVersions(store: ObjectStore): Promise<string[]> {
  const ids: string[] = [];
  for (const key of await store.list(MODELS_PREFIX)) {
    const parts = key.slice(MODELS_PREFIX.length).split('/');
    if (parts.length === 2 && parts[1] === MANIFEST_FILE && VERSION_ID_PATTERN.test(parts[0] as string)) {
      ids.push(parts[0] as string);
    }
  }
  return ids.sort();
}

/**
 * Reads and validates a version's manifest.
 * @throws ArtifactError naming models/<id>/manifest.json when it is missing, not JSON, of an unknown schema,
 *   invalid, or for another version id
 */
export async function readManifest(store: ObjectStore, id: string): Promise<Manifest> {
  if (!VERSION_ID_PATTERN.test(id)) throw new UsageError(`invalid version id "${id}"`);
  const key = versionKey(id, MANIFEST_FILE);
  const bytes = await store.get(key);
  if (bytes === null) throw new ArtifactError(key, `not found: version ${id} does not exist in ${store.uri}`);
  const manifest = parseManifest(parseJsonBytes(key, bytes), key);
  if (manifest.version !== id) {
    throw new ArtifactError(key, `names version ${manifest.version}, but it is stored as ${id}`);
  }
  return manifest;
}

/**
 * Reads a whole version and verifies it: manifest schema, every listed file present with the listed size and
 * sha256, every table decodable and consistent with the manifest's dimensions.
 * @throws ArtifactError naming the first bad file; StorageError from the store
 */
export async function readVersion(
  store: ObjectStore,
  id: string,
): Promise<VersionBundle & { decoded: DecodedVersion }> {
  const manifest = await readManifest(store, id);
  const files = new Map<string, Uint8Array>();
  for (const name of Object.keys(manifest.files)) {
    const bytes = await store.get(versionKey(id, name));
    if (bytes === null) {
      throw new ArtifactError(versionKey(id, name), 'listed in the manifest but missing from the store');
    }
    files.set(name, bytes);
  }
  const bundle = { manifest, files };
  return { ...bundle, decoded: await checkBundle(bundle) };
}

/**
 * A cheap existence check for pointing channels at a version: the manifest validates and every listed file
 * exists with its listed size (HEAD requests; checksums are verified by readVersion and by the edge on load).
 * @throws ArtifactError naming the manifest or the first missing / wrong-sized file
 */
export async function assertVersionPresent(store: ObjectStore, id: string): Promise<Manifest> {
  const manifest = await readManifest(store, id);
  for (const [name, entry] of Object.entries(manifest.files)) {
    const info = await store.head(versionKey(id, name));
    if (info === null) throw new ArtifactError(versionKey(id, name), 'listed in the manifest but missing');
    if (info.size !== entry.bytes) {
      throw new ArtifactError(
        versionKey(id, name),
        `is ${info.size} bytes, the manifest says ${entry.bytes}`,
      );
    }
  }
  return manifest;
}
