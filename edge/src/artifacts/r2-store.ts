/**
 * Byte access to the model bucket: whole objects, range reads, and checksum-verified artifact reads. R2 failures
 * become StorageError, missing objects ArtifactError (a version without its files is corrupt).
 */
import { ArtifactError, StorageError } from '../../../shared/src/errors.ts';
import { verifyFile, type FileDigest } from '../../../shared/src/formats/verify.ts';

/** Reads objects of one bucket under one key prefix. */
export interface ObjectStore {
  /** The key prefix ("" or ending in "/"). */
  readonly prefix: string;
  /** The whole object, or null when it does not exist. @throws StorageError */
  get(key: string): Promise<Uint8Array | null>;
  /** `length` bytes at `offset`. @throws ArtifactError when the object is missing or short; StorageError */
  range(key: string, offset: number, length: number): Promise<Uint8Array>;
}

/** Normalizes a prefix from configuration: no leading slash, one trailing slash unless empty. */
export function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').trim().replace(/^\/+/, '').replace(/\/+$/, '');
  return p === '' ? '' : `${p}/`;
}

async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    if (cause instanceof ArtifactError) throw cause;
    throw new StorageError(`R2 ${what} failed: ${String(cause)}`, { cause });
  }
}

/** An ObjectStore over an R2 binding. */
export function r2Store(bucket: R2Bucket, prefix: string | undefined): ObjectStore {
  const base = normalizePrefix(prefix);
  return {
    prefix: base,
    get: (key) =>
      guarded(`get ${base}${key}`, async () => {
        const object = await bucket.get(base + key);
        return object === null ? null : new Uint8Array(await object.arrayBuffer());
      }),
    range: (key, offset, length) =>
      guarded(`range read of ${base}${key}`, async () => {
        if (length === 0) return new Uint8Array(0);
        const object = await bucket.get(base + key, { range: { offset, length } });
        if (object === null) throw new ArtifactError(base + key, 'missing from the bucket');
        const bytes = new Uint8Array(await object.arrayBuffer());
        if (bytes.length !== length) {
          throw new ArtifactError(
            base + key,
            `range read at byte ${offset}: expected ${length} bytes (got ${bytes.length}; the object is shorter)`,
          );
        }
        return bytes;
      }),
  };
}

/**
 * A whole artifact, checked against its manifest entry (size, then SHA-256).
 * @throws ArtifactError when missing or when the size or checksum differs; StorageError
 */
export async function readVerified(store: ObjectStore, key: string, digest: FileDigest): Promise<Uint8Array> {
  const bytes = await store.get(key);
  if (bytes === null) throw new ArtifactError(store.prefix + key, 'missing from the bucket');
  await verifyFile(store.prefix + key, bytes, digest);
  return bytes;
}
