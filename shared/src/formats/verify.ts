/**
 * Integrity checks of whole artifact files against their manifest entry (byte size, then SHA-256), shared by the
 * trainer's `readVersion` and the edge's loader.
 */
import { ArtifactError } from '../errors.ts';
import { sha256 } from './web.ts';

/** What the manifest records for one file. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** Size and SHA-256 of `bytes`, as recorded in a manifest. */
export async function digestOf(bytes: Uint8Array): Promise<FileDigest> {
  return { bytes: bytes.length, sha256: await sha256(bytes) };
}

/**
 * Checks a file's size and SHA-256 against its manifest entry. The size is checked first: it is free and names
 * the usual fault (a truncated upload or download) precisely.
 * @param file file name for the error, e.g. "models/20260101-000000-0a1b2c3d/movies.bin"
 * @throws ArtifactError naming the file when the size or checksum differs
 */
export async function verifyFile(file: string, bytes: Uint8Array, expected: FileDigest): Promise<void> {
  if (bytes.length !== expected.bytes) {
    throw new ArtifactError(
      file,
      `size ${bytes.length} bytes does not match the manifest (${expected.bytes} bytes): truncated or replaced`,
    );
  }
  const actual = await sha256(bytes);
  if (actual !== expected.sha256) {
    throw new ArtifactError(
      file,
      `sha256 ${actual} does not match the manifest (${expected.sha256}): the file is corrupt or replaced`,
    );
  }
}
