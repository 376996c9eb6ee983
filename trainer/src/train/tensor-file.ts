/**
 * A small self-describing binary container for named arrays, written atomically: the run directory's weights
 * and checkpoint files.
 *
 * Layout (little-endian):
 *   bytes 0–7   magic "MQTENSOR"
 *   bytes 8–11  uint32 format version (1)
 *   bytes 12–15 uint32 byte length H of the JSON header
 *   bytes 16…   JSON header (UTF-8, padded with spaces to a multiple of 4 bytes):
 *               { "meta": <any JSON>, "arrays": [{ "name", "dtype": "float32" | "int32", "length", "offset" }] }
 *   then        the arrays' data; `offset` is in bytes from the start of the data section, a multiple of 4
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { ArtifactError } from '../../../shared/src/errors.ts';

export const TENSOR_MAGIC = 'MQTENSOR';
export const TENSOR_VERSION = 1;
const PREFIX = 16;

export type TensorArray = Float32Array | Int32Array;

interface ArrayEntry {
  name: string;
  dtype: 'float32' | 'int32';
  length: number;
  offset: number;
}

/** A file's contents: its metadata and arrays by name. */
export interface TensorFile<M> {
  meta: M;
  arrays: Map<string, TensorArray>;
}

function checkPlatform(): void {
  // Typed arrays use the platform's byte order; the format is little-endian.
  if (endianness() !== 'LE') throw new Error('Marquee tensor files need a little-endian platform');
}

let tmpCounter = 0;

/**
 * Writes `data` to `path` atomically: a temporary file beside it, flushed to disk, then renamed over `path`.
 * A reader (or a crash) sees either the old or the new contents, never a mix.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${tmpCounter++}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
}

/** Serialises named arrays plus JSON metadata into the container format. */
export function encodeTensorFile(
  meta: unknown,
  arrays: readonly { name: string; array: TensorArray }[],
): Uint8Array {
  checkPlatform();
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const { name, array } of arrays) {
    entries.push({
      name,
      dtype: array instanceof Int32Array ? 'int32' : 'float32',
      length: array.length,
      offset,
    });
    offset += array.byteLength;
  }
  let header = JSON.stringify({ meta, arrays: entries });
  const headerBytes = new TextEncoder().encode(header);
  const padded = Math.ceil(headerBytes.length / 4) * 4;
  header += ' '.repeat(padded - headerBytes.length);
  const out = new Uint8Array(PREFIX + padded + offset);
  out.set(new TextEncoder().encode(TENSOR_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, TENSOR_VERSION, true);
  view.setUint32(12, padded, true);
  out.set(new TextEncoder().encode(header), PREFIX);
  const dataStart = PREFIX + padded;
  arrays.forEach(({ array }, i) => {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + entries[i]!.offset);
  });
  return out;
}

/**
 * Parses the container format, validating magic, version, header and every array's bounds.
 * @param file the path, for error messages
 * @throws ArtifactError naming the file and what is wrong
 */
export function decodeTensorFile<M>(bytes: Uint8Array, file: string): TensorFile<M> {
  checkPlatform();
  const fail = (problem: string): never => {
    throw new ArtifactError(file, problem);
  };
  if (bytes.length < PREFIX)
    fail(`expected a Marquee tensor file of at least ${PREFIX} bytes (got ${bytes.length})`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== TENSOR_MAGIC) fail(`expected the magic "${TENSOR_MAGIC}" (got ${JSON.stringify(magic)})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== TENSOR_VERSION) fail(`expected format version ${TENSOR_VERSION} (got ${version})`);
  const headerLength = view.getUint32(12, true);
  if (headerLength % 4 !== 0 || PREFIX + headerLength > bytes.length) {
    fail(`header length ${headerLength} does not fit the file's ${bytes.length} bytes`);
  }
  let header: { meta?: M; arrays?: ArrayEntry[] };
  try {
    header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerLength)),
    ) as typeof header;
  } catch (err) {
    throw new ArtifactError(file, `the JSON header does not parse (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (!Array.isArray(header.arrays)) fail('the header has no "arrays" list');
  const dataStart = PREFIX + headerLength;
  const dataLength = bytes.length - dataStart;
  const arrays = new Map<string, TensorArray>();
  for (const e of header.arrays!) {
    const ok =
      typeof e.name === 'string' &&
      (e.dtype === 'float32' || e.dtype === 'int32') &&
      Number.isSafeInteger(e.length) &&
      e.length >= 0 &&
      Number.isSafeInteger(e.offset) &&
      e.offset >= 0 &&
      e.offset % 4 === 0 &&
      e.offset + 4 * e.length <= dataLength;
    if (!ok) fail(`array entry ${JSON.stringify(e)} is malformed or runs past the end of the file`);
    if (arrays.has(e.name)) fail(`array "${e.name}" appears twice`);
    // Copy into a fresh, aligned buffer: the file's bytes may sit at any offset of a pooled buffer.
    // (Buffer#slice shares memory, so copy explicitly.)
    const start = dataStart + e.offset;
    const copy = new Uint8Array(4 * e.length);
    copy.set(bytes.subarray(start, start + 4 * e.length));
    arrays.set(e.name, e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer));
  }
  return { meta: header.meta as M, arrays };
}

/** Writes a tensor file atomically. */
export async function writeTensorFile(
  path: string,
  meta: unknown,
  arrays: readonly { name: string; array: TensorArray }[],
): Promise<void> {
  await writeFileAtomic(path, encodeTensorFile(meta, arrays));
}

/**
 * Reads a tensor file.
 * @throws ArtifactError when the file is missing, unreadable or malformed
 */
export async function readTensorFile<M>(path: string): Promise<TensorFile<M>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ArtifactError(
      path,
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      {
        cause: err,
      },
    );
  }
  return decodeTensorFile<M>(bytes, path);
}
