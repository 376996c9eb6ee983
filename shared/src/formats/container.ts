/**
 * The binary container every Marquee `.bin` artifact uses: a fixed 32-byte header, a table of named, typed
 * sections, then the section data, each section starting on a 64-byte boundary. Little-endian throughout.
 * Layout and rationale: docs/artifacts.md. Headers are validated completely (magic, format version, dtype, dims,
 * byte lengths, bounds) before any typed-array view is made, and every problem is an ArtifactError naming the file.
 */
import { ArtifactError } from '../errors.ts';

/** Element types a section can hold. `rec` is a fixed-size record of mixed fields, counted in bytes. */
export type DType = 'f32' | 'i32' | 'u32' | 'i8' | 'u8' | 'rec';

/** The typed array a section of each dtype is viewed as. */
export interface DTypeArray {
  f32: Float32Array;
  i32: Int32Array;
  u32: Uint32Array;
  i8: Int8Array;
  u8: Uint8Array;
  rec: Uint8Array;
}

/** The container format version this code writes and reads. */
export const CONTAINER_VERSION = 1;
/** Bytes of the fixed header. */
export const FIXED_HEADER_BYTES = 32;
/** Bytes of one section-table entry. */
export const SECTION_ENTRY_BYTES = 48;
/** Every section starts at a multiple of this (so views are aligned for every dtype, and cache-line aligned). */
export const SECTION_ALIGN = 64;
const MAX_SECTIONS = 64;
const MAX_RANK = 3;
const NAME_BYTES = 16;

const DTYPES: readonly DType[] = ['f32', 'i32', 'u32', 'i8', 'u8', 'rec'];
const DTYPE_SIZE: Record<DType, number> = { f32: 4, i32: 4, u32: 4, i8: 1, u8: 1, rec: 1 };

/** A byte range of a file, e.g. for an HTTP/R2 range read. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** One entry of the section table. Offsets are from the start of the file, in bytes. */
export interface SectionInfo {
  name: string;
  dtype: DType;
  /** 1 to 3 dimensions; `rec` sections are [records, bytesPerRecord]. */
  dims: number[];
  offset: number;
  byteLength: number;
}

/** A validated container header. */
export interface ContainerHeader {
  /** File name used in error messages, e.g. "users.bin". */
  file: string;
  magic: string;
  version: number;
  /** File-specific parameter (users.bin: fence stride; 0 elsewhere). */
  param: number;
  /** Total file length in bytes, as recorded by the writer. */
  fileLength: number;
  /** Bytes of the fixed header plus the section table. */
  headerLength: number;
  sections: Map<string, SectionInfo>;
}

/** One section to write: `data.length` must equal the product of `dims` and match `dtype`. */
export interface SectionSpec<D extends DType = DType> {
  name: string;
  dtype: D;
  dims: number[];
  data: DTypeArray[D];
}

/** Bytes occupied by the header of a container with `sectionCount` sections. */
export function headerLength(sectionCount: number): number {
  return FIXED_HEADER_BYTES + SECTION_ENTRY_BYTES * sectionCount;
}

function alignUp(n: number): number {
  return Math.ceil(n / SECTION_ALIGN) * SECTION_ALIGN;
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

const ARRAY_TYPE: Record<DType, new (n: number) => DTypeArray[DType]> = {
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i8: Int8Array,
  u8: Uint8Array,
  rec: Uint8Array,
};

/**
 * Serializes sections into one container.
 * @param file file name for error messages
 * @param magic 4 ASCII characters identifying the file kind
 * @param param file-specific u32 stored in the header
 * @throws ArtifactError when a section's data does not match its dtype or dims, or names are invalid
 */
export function writeContainer(file: string, magic: string, sections: SectionSpec[], param = 0): Uint8Array {
  if (!/^[\x20-\x7e]{4}$/.test(magic)) throw new ArtifactError(file, `magic must be 4 ASCII characters`);
  if (sections.length === 0 || sections.length > MAX_SECTIONS) {
    throw new ArtifactError(file, `expected 1 to ${MAX_SECTIONS} sections (got ${sections.length})`);
  }
  const names = new Set<string>();
  let end = headerLength(sections.length);
  const offsets: number[] = [];
  for (const s of sections) {
    if (!/^[\x21-\x7e]{1,16}$/.test(s.name) || names.has(s.name)) {
      throw new ArtifactError(file, `invalid or repeated section name "${s.name}"`);
    }
    names.add(s.name);
    if (
      s.dims.length < 1 ||
      s.dims.length > MAX_RANK ||
      s.dims.some((d) => !Number.isSafeInteger(d) || d < 0)
    ) {
      throw new ArtifactError(file, `section ${s.name}: dims must be 1 to 3 whole numbers (got [${s.dims}])`);
    }
    if (!(s.data instanceof ARRAY_TYPE[s.dtype]) || s.data.length !== product(s.dims)) {
      throw new ArtifactError(
        file,
        `section ${s.name}: expected ${s.dtype} data of ${product(s.dims)} elements for dims [${s.dims}] ` +
          `(got ${s.data.constructor.name} of ${s.data.length})`,
      );
    }
    const offset = alignUp(end);
    offsets.push(offset);
    end = offset + s.data.byteLength;
  }
  const out = new Uint8Array(end);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = magic.charCodeAt(i);
  view.setUint16(4, CONTAINER_VERSION, true);
  view.setUint16(6, sections.length, true);
  view.setBigUint64(8, BigInt(end), true);
  view.setUint32(16, headerLength(sections.length), true);
  view.setUint32(20, param >>> 0, true);
  sections.forEach((s, k) => {
    const at = FIXED_HEADER_BYTES + k * SECTION_ENTRY_BYTES;
    for (let i = 0; i < s.name.length; i++) out[at + i] = s.name.charCodeAt(i);
    out[at + 16] = DTYPES.indexOf(s.dtype) + 1;
    out[at + 17] = s.dims.length;
    s.dims.forEach((d, i) => view.setUint32(at + 20 + 4 * i, d, true));
    const offset = offsets[k] as number;
    view.setBigUint64(at + 32, BigInt(offset), true);
    view.setBigUint64(at + 40, BigInt(s.data.byteLength), true);
    writeLittleEndian(s.dtype, s.data, out, offset);
  });
  return out;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function writeLittleEndian(dtype: DType, data: DTypeArray[DType], out: Uint8Array, offset: number): void {
  if (LITTLE_ENDIAN_HOST || DTYPE_SIZE[dtype] === 1) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, data.byteLength);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (dtype === 'f32') view.setFloat32(4 * i, v, true);
    else if (dtype === 'i32') view.setInt32(4 * i, v, true);
    else view.setUint32(4 * i, v, true);
  }
}

function printable(bytes: Uint8Array): string {
  return Array.from(bytes, (b) =>
    b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`,
  ).join('');
}

function readU64(view: DataView, at: number, file: string, what: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ArtifactError(file, `${what} ${v} is out of range`);
  return Number(v);
}

/**
 * Parses and validates a container header.
 * @param bytes the file's first bytes (from offset 0), covering at least the header and section table; may be
 *   the whole file
 * @param fileSize total size of the file when known (defaults to `bytes.length`, i.e. `bytes` is the whole file);
 *   pass the object size when `bytes` is only a prefix fetched by a range read
 * @throws ArtifactError naming `file` when the magic, format version, section table or lengths are wrong
 */
export function parseContainerHeader(
  file: string,
  magic: string,
  bytes: Uint8Array,
  fileSize: number = bytes.length,
): ContainerHeader {
  if (bytes.length < FIXED_HEADER_BYTES) {
    throw new ArtifactError(
      file,
      `truncated: ${bytes.length} bytes, a header needs at least ${FIXED_HEADER_BYTES}`,
    );
  }
  const got = printable(bytes.subarray(0, 4));
  if (got !== magic) {
    throw new ArtifactError(file, `bad magic: expected "${magic}" (a Marquee ${file} file), got "${got}"`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== CONTAINER_VERSION) {
    throw new ArtifactError(
      file,
      `unknown format version ${version} (this reader understands ${CONTAINER_VERSION})`,
    );
  }
  const count = view.getUint16(6, true);
  if (count < 1 || count > MAX_SECTIONS) {
    throw new ArtifactError(file, `expected 1 to ${MAX_SECTIONS} sections (got ${count})`);
  }
  const fileLength = readU64(view, 8, file, 'file length');
  if (fileLength !== fileSize) {
    throw new ArtifactError(
      file,
      `the header records ${fileLength} bytes but the file has ${fileSize} (truncated or padded)`,
    );
  }
  const hLength = view.getUint32(16, true);
  if (hLength !== headerLength(count)) {
    throw new ArtifactError(
      file,
      `header length ${hLength} does not match ${count} sections (expected ${headerLength(count)})`,
    );
  }
  if (bytes.length < hLength) {
    throw new ArtifactError(file, `truncated: ${bytes.length} bytes, the header needs ${hLength}`);
  }
  const sections = new Map<string, SectionInfo>();
  let end = hLength;
  for (let k = 0; k < count; k++) {
    const section = parseSectionEntry(file, bytes, view, FIXED_HEADER_BYTES + k * SECTION_ENTRY_BYTES);
    if (sections.has(section.name)) throw new ArtifactError(file, `section "${section.name}" appears twice`);
    if (section.offset < end || section.offset % SECTION_ALIGN !== 0) {
      throw new ArtifactError(
        file,
        `section ${section.name}: offset ${section.offset} overlaps the previous data or is not ` +
          `${SECTION_ALIGN}-byte aligned`,
      );
    }
    end = section.offset + section.byteLength;
    if (end > fileLength) {
      throw new ArtifactError(
        file,
        `section ${section.name}: ends at byte ${end}, past the end of the file (${fileLength} bytes)`,
      );
    }
    sections.set(section.name, section);
  }
  if (end !== fileLength) {
    throw new ArtifactError(file, `${fileLength - end} unexpected bytes after the last section`);
  }
  return {
    file,
    magic,
    version,
    param: view.getUint32(20, true),
    fileLength,
    headerLength: hLength,
    sections,
  };
}

function parseSectionEntry(file: string, bytes: Uint8Array, view: DataView, at: number): SectionInfo {
  const raw = bytes.subarray(at, at + NAME_BYTES);
  const nul = raw.indexOf(0);
  const nameBytes = nul < 0 ? raw : raw.subarray(0, nul);
  const name = printable(nameBytes);
  if (
    nameBytes.length === 0 ||
    !/^[\x21-\x7e]+$/.test(name) ||
    raw.subarray(nameBytes.length).some((b) => b)
  ) {
    throw new ArtifactError(file, `section table entry at byte ${at} has an invalid name "${name}"`);
  }
  const code = bytes[at + 16] as number;
  const dtype = DTYPES[code - 1];
  if (dtype === undefined) throw new ArtifactError(file, `section ${name}: unknown dtype code ${code}`);
  const rank = bytes[at + 17] as number;
  if (rank < 1 || rank > MAX_RANK) {
    throw new ArtifactError(file, `section ${name}: rank must be 1 to ${MAX_RANK} (got ${rank})`);
  }
  const dims: number[] = [];
  for (let i = 0; i < MAX_RANK; i++) {
    const d = view.getUint32(at + 20 + 4 * i, true);
    if (i < rank) dims.push(d);
    else if (d !== 0) throw new ArtifactError(file, `section ${name}: unused dimension ${i} is ${d}, not 0`);
  }
  const offset = readU64(view, at + 32, file, `section ${name}: offset`);
  const byteLength = readU64(view, at + 40, file, `section ${name}: byte length`);
  const expected = product(dims) * DTYPE_SIZE[dtype];
  if (byteLength !== expected) {
    throw new ArtifactError(
      file,
      `section ${name}: ${dtype} [${dims}] needs ${expected} bytes but the table says ${byteLength}`,
    );
  }
  return { name, dtype, dims, offset, byteLength };
}

/**
 * Looks up a required section and checks its dtype and rank.
 * @throws ArtifactError when the section is missing or of another dtype or rank
 */
export function requireSection(
  header: ContainerHeader,
  name: string,
  dtype: DType,
  rank: number,
): SectionInfo {
  const s = header.sections.get(name);
  if (s === undefined) {
    throw new ArtifactError(
      header.file,
      `missing section "${name}" (has: ${[...header.sections.keys()].join(', ')})`,
    );
  }
  if (s.dtype !== dtype || s.dims.length !== rank) {
    throw new ArtifactError(
      header.file,
      `section ${name}: expected ${dtype} of rank ${rank} (got ${s.dtype} [${s.dims}])`,
    );
  }
  return s;
}

/**
 * Checks that a dimension equals what another section or the caller implies.
 * @throws ArtifactError naming the section and both values
 */
export function expectDim(header: ContainerHeader, what: string, got: number, expected: number): void {
  if (got !== expected) throw new ArtifactError(header.file, `${what}: expected ${expected} (got ${got})`);
}

/**
 * A typed-array view of `count` elements at `start` bytes into `bytes`. Zero-copy when the position is aligned
 * (always true for sections of a whole file read into its own buffer) on a little-endian host; otherwise a
 * decoded copy.
 */
export function viewAt<D extends DType>(
  dtype: D,
  bytes: Uint8Array,
  start: number,
  count: number,
): DTypeArray[D] {
  const size = DTYPE_SIZE[dtype];
  const Ctor = ARRAY_TYPE[dtype] as unknown as {
    new (buffer: ArrayBufferLike, byteOffset: number, length: number): DTypeArray[D];
    new (length: number): DTypeArray[D];
  };
  const at = bytes.byteOffset + start;
  if (size === 1 || (LITTLE_ENDIAN_HOST && at % size === 0)) return new Ctor(bytes.buffer, at, count);
  const out = new Ctor(count);
  const view = new DataView(bytes.buffer, at, count * size);
  for (let i = 0; i < count; i++) {
    out[i] =
      dtype === 'f32'
        ? view.getFloat32(4 * i, true)
        : dtype === 'i32'
          ? view.getInt32(4 * i, true)
          : view.getUint32(4 * i, true);
  }
  return out;
}

/**
 * A view of a whole section of a file held in memory (`bytes` starts at file offset 0).
 * @throws ArtifactError when `bytes` does not cover the section
 */
export function sectionView<D extends DType>(
  header: ContainerHeader,
  bytes: Uint8Array,
  section: SectionInfo & { dtype: D },
): DTypeArray[D] {
  if (bytes.length < section.offset + section.byteLength) {
    throw new ArtifactError(
      header.file,
      `section ${section.name}: needs bytes up to ${section.offset + section.byteLength} (have ${bytes.length})`,
    );
  }
  return viewAt(section.dtype, bytes, section.offset, section.byteLength / DTYPE_SIZE[section.dtype]);
}

/**
 * Parses a whole file and returns a getter for its sections with dtype and rank checked.
 * @throws ArtifactError as parseContainerHeader and requireSection
 */
export function openContainer(
  file: string,
  magic: string,
  bytes: Uint8Array,
): {
  header: ContainerHeader;
  get<D extends DType>(name: string, dtype: D, rank: number): { info: SectionInfo; data: DTypeArray[D] };
} {
  const header = parseContainerHeader(file, magic, bytes);
  return {
    header,
    get<D extends DType>(name: string, dtype: D, rank: number) {
      const info = requireSection(header, name, dtype, rank) as SectionInfo & { dtype: D };
      return { info, data: sectionView(header, bytes, info) };
    },
  };
}
