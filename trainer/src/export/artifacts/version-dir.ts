/**
 * A version as a local directory (`marquee export --out DIR` writes DIR/<version>/). The directory is assembled
 * under a temporary name and renamed into place, so DIR/<version> is complete or absent.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ArtifactError, UsageError } from '../../../../shared/src/errors.ts';
import { MANIFEST_FILE, parseManifest } from '../../../../shared/src/schemas/manifest.ts';
import { jsonBytes, parseJsonBytes } from '../../../../shared/src/schemas/parse.ts';
import { checkBundle, type VersionBundle } from '../../store/versions.ts';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes DIR/<version>/ with every file and manifest.json.
 * @returns the version directory
 * @throws UsageError when it exists and `force` is not set
 */
export async function writeVersionDir(outDir: string, bundle: VersionBundle, force = false): Promise<string> {
  const id = bundle.manifest.version;
  const target = join(outDir, id);
  if (!force && (await exists(target))) {
    throw new UsageError(`${target} already exists; pass --force to replace it`);
  }
  await mkdir(outDir, { recursive: true });
  const temp = join(outDir, `.tmp-${id}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(temp);
    for (const [name, bytes] of bundle.files) await writeFile(join(temp, name), bytes);
    await writeFile(join(temp, MANIFEST_FILE), jsonBytes(bundle.manifest));
    if (force) await rm(target, { recursive: true, force: true });
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  return target;
}

/**
 * Reads a version directory written by writeVersionDir and verifies it like readVersion does.
 * @throws ArtifactError naming the file (missing manifest, bad checksum, corrupt table)
 */
export async function readVersionDir(dir: string): Promise<VersionBundle> {
  const manifestPath = join(dir, MANIFEST_FILE);
  let raw: Uint8Array;
  try {
    raw = await readFile(manifestPath);
  } catch (err) {
    throw new ArtifactError(manifestPath, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  const manifest = parseManifest(parseJsonBytes(manifestPath, raw), manifestPath);
  const files = new Map<string, Uint8Array>();
  for (const name of Object.keys(manifest.files)) {
    try {
      const buf = await readFile(join(dir, name));
      files.set(name, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    } catch (err) {
      throw new ArtifactError(
        join(dir, name),
        `listed in the manifest but cannot be read: ${(err as Error).message}`,
      );
    }
  }
  const bundle = { manifest, files };
  await checkBundle(bundle, (file) => join(dir, file));
  return bundle;
}
