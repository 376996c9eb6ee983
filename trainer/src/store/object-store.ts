/**
 * The object-store contract publishing and the CLI use: a flat key space of immutable-ish byte objects with range
 * reads. Implementations: file (a directory), S3 (AWS S3, R2's S3 endpoint, MinIO, s3rver) and r2-local (the
 * Miniflare state `wrangler dev` serves). Keys are relative to the store's root, "/"-separated, e.g.
 * "models/<version>/manifest.json".
 *
 * Every storage failure (unreachable endpoint, access denied, missing bucket, disk error) is a StorageError with a
 * message naming the store; a missing object is not an error (`get` / `head` return null).
 */
import { UsageError } from '../../../shared/src/errors.ts';

export interface ObjectStore {
  /** The store's URI for messages, e.g. "s3://models/prod" or "file:///srv/marquee". */
  readonly uri: string;
  /**
   * Checks the store can be used (endpoint reachable, bucket exists, credentials accepted) with one cheap request.
   * @throws StorageError saying what is wrong
   */
  check(): Promise<void>;
  /** Writes an object (replacing it); the object appears whole or not at all. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The whole object, or null when it does not exist. */
  get(key: string): Promise<Uint8Array | null>;
  /**
   * `length` bytes at `offset`; fewer when the object ends first (none when offset is at or past the end).
   * @returns null when the object does not exist
   */
  getRange(key: string, offset: number, length: number): Promise<Uint8Array | null>;
  /** The object's size in bytes, or null when it does not exist. */
  head(key: string): Promise<{ size: number } | null>;
  /** Every key starting with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes an object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Releases connections or child processes. The store must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Checks a key is a safe relative path: "/"-separated non-empty segments, no "." or "..", no backslashes.
 * @throws UsageError naming the key
 */
export function assertKey(key: string): void {
  const segments = key.split('/');
  if (
    key.length === 0 ||
    key.length > 1024 ||
    key.includes('\\') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new UsageError(
      `invalid object key "${key}": expected a relative path like "models/<version>/file"`,
    );
  }
}

/**
 * Checks a range request.
 * @throws UsageError when offset or length is not a whole number ≥ 0
 */
export function assertRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new UsageError(`invalid range: offset ${offset}, length ${length} (expected whole numbers >= 0)`);
  }
}
