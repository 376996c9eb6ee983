/**
 * users.bin: user vectors and biases, laid out so the edge never holds the user table. Sections
 * (docs/artifacts.md): `fence` i32 [F] = every `stride`-th sorted external id, `ids` i32 [N] all external ids
 * ascending, `records` rec [N, 4·(dim+3)] = [bias f32, vec f32×dim, seenOffset u32, seenCount u32] per user in id
 * order. The header's `param` is the fence stride. Optional `profiles` u8 [N·4·(dim+3) + 4·nnz]: per user in record
 * order, the record's bytes followed by the user's seen list (i32 dense movie indices, ascending: seen.bin's list),
 * so a top-N reads a user with one range read (`profileRange` → `parseProfile`). Files written before `profiles`
 * existed still parse; their seen lists are read from seen.bin.
 *
 * Lookup by range reads: fetch the header and fence once (`openUsersIndex`), then per request one id page
 * (`fenceLookup` → `findInPage`, ≤ stride ids) and one record (`recordRange` → `parseUserRecord`) or profile.
 */
import { ArtifactError } from '../errors.ts';
import { assertFinite, assertIndices, assertStrictlyAscending } from './checks.ts';
import {
  expectDim,
  parseContainerHeader,
  requireSection,
  sectionView,
  viewAt,
  writeContainer,
  type ByteRange,
  type ContainerHeader,
  type SectionInfo,
  type SectionSpec,
} from './container.ts';

export const USERS_BIN = 'users.bin';
export const USERS_MAGIC = 'MQUS';
/** Ids per fence page: a page is ≤ 1 KiB, the fence of 1M users is ~16 KiB. */
export const DEFAULT_FENCE_STRIDE = 256;
/** Bytes worth fetching from offset 0 in one read to get the header and (for ≤ ~4M users) the whole fence. */
export const USERS_INDEX_PROBE_BYTES = 64 * 1024;

/** Users in ascending external-id order; matrices row-major. */
export interface UsersTable {
  dim: number;
  /** [N] external ids, strictly ascending. */
  ids: Int32Array;
  /** [N]. */
  bias: Float32Array;
  /** [N, dim]. */
  vecs: Float32Array;
  /** [N] start of each user's list in seen.bin, in elements. */
  seenOffsets: Uint32Array;
  /** [N] length of each user's list in seen.bin. */
  seenCounts: Uint32Array;
}

/** A validated users.bin header: enough to plan every range read. */
export interface UsersHeader {
  container: ContainerHeader;
  numUsers: number;
  dim: number;
  stride: number;
  recordBytes: number;
  fence: SectionInfo;
  ids: SectionInfo;
  records: SectionInfo;
  /**
   * Record + seen list of each user (see `profileRange`); undefined in files written before the section existed.
   */
  profiles: SectionInfo | undefined;
  /** Bytes from offset 0 that cover the header and the fence (what `readFence` needs). */
  indexEnd: number;
}

/** One user's record. */
export interface UserRecord {
  bias: number;
  /** [dim]. */
  vec: Float32Array;
  seenOffset: number;
  seenCount: number;
}

/** One user's record with the movies they rated in training, as one profile read returns them. */
export interface UserProfile {
  record: UserRecord;
  /** [seenCount] dense movie indices, strictly ascending. */
  seen: Int32Array;
}

/** A page of the sorted id array: its byte range in users.bin and which ids it holds. */
export interface UserPage extends ByteRange {
  /** Index (record number) of the page's first id. */
  firstIndex: number;
  /** Ids in the page. */
  count: number;
  /** The page's first id, from the fence (checked against the page bytes). */
  firstId: number;
}

/** Reads `length` bytes at `offset` of users.bin or seen.bin (an R2/S3 range read, or a slice in memory). */
export type RangeReader = (offset: number, length: number) => Promise<Uint8Array>;

/**
 * Serializes the user table. Records are written in the order of `ids`, which must be strictly ascending.
 * @param seen seen.bin's CSR values; when given, the `profiles` section is written (each record followed by its
 *   user's list), which needs the lists contiguous in record order (seenOffsets[i] = seenCounts[0] + … +
 *   seenCounts[i-1], total = seen.length) and each list strictly ascending
 * @throws ArtifactError when ids are not ascending, a length mismatches, a value is not finite, or (with `seen`)
 *   the lists are not contiguous in record order or not ascending
 */
export function writeUsersBin(t: UsersTable, stride = DEFAULT_FENCE_STRIDE, seen?: Int32Array): Uint8Array {
  const n = t.ids.length;
  const { dim } = t;
  if (!Number.isSafeInteger(stride) || stride < 1) {
    throw new ArtifactError(USERS_BIN, `fence stride must be a whole number >= 1 (got ${stride})`);
  }
  if (
    t.bias.length !== n ||
    t.vecs.length !== n * dim ||
    t.seenOffsets.length !== n ||
    t.seenCounts.length !== n
  ) {
    throw new ArtifactError(
      USERS_BIN,
      `expected bias, seenOffsets, seenCounts of length ${n} and vecs of ${n} × ${dim} (got ` +
        `${t.bias.length}, ${t.seenOffsets.length}, ${t.seenCounts.length}, ${t.vecs.length})`,
    );
  }
  assertStrictlyAscending(USERS_BIN, 'ids', t.ids);
  assertFinite(USERS_BIN, 'bias', t.bias);
  assertFinite(USERS_BIN, 'vecs', t.vecs);
  const fence = new Int32Array(Math.ceil(n / stride));
  for (let j = 0; j < fence.length; j++) fence[j] = t.ids[j * stride] as number;
  const recordBytes = 4 * (dim + 3);
  const records = new Uint8Array(n * recordBytes);
  const view = new DataView(records.buffer);
  for (let i = 0; i < n; i++) {
    const at = i * recordBytes;
    view.setFloat32(at, t.bias[i] as number, true);
    for (let k = 0; k < dim; k++) view.setFloat32(at + 4 + 4 * k, t.vecs[i * dim + k] as number, true);
    view.setUint32(at + 4 + 4 * dim, t.seenOffsets[i] as number, true);
    view.setUint32(at + 8 + 4 * dim, t.seenCounts[i] as number, true);
  }
  const sections: SectionSpec[] = [
    { name: 'fence', dtype: 'i32', dims: [fence.length], data: fence },
    { name: 'ids', dtype: 'i32', dims: [n], data: t.ids },
    { name: 'records', dtype: 'rec', dims: [n, recordBytes], data: records },
  ];
  if (seen !== undefined) {
    const profiles = buildProfiles(t, records, recordBytes, seen);
    sections.push({ name: 'profiles', dtype: 'u8', dims: [profiles.length], data: profiles });
  }
  return writeContainer(USERS_BIN, USERS_MAGIC, sections, stride);
}

/**
 * The total length of the users' seen lists, which profiles need contiguous in record order.
 * @throws ArtifactError at the first list that does not start where the previous one ended
 */
function contiguousSeenLength(t: Pick<UsersTable, 'seenOffsets' | 'seenCounts'>): number {
  let total = 0;
  for (let i = 0; i < t.seenOffsets.length; i++) {
    if (t.seenOffsets[i] !== total) {
      throw new ArtifactError(
        USERS_BIN,
        `profiles need seen lists contiguous in record order: record ${i} starts at ${t.seenOffsets[i]}, ` +
          `expected ${total}`,
      );
    }
    total += t.seenCounts[i] as number;
  }
  return total;
}

/**
 * The `profiles` bytes: record i, then seen[seenOffsets[i] .. + seenCounts[i]) as little-endian i32, for each i.
 * @throws ArtifactError when the lists are not contiguous in record order or a list is not strictly ascending
 */
function buildProfiles(
  t: UsersTable,
  records: Uint8Array,
  recordBytes: number,
  seen: Int32Array,
): Uint8Array {
  const n = t.ids.length;
  const total = contiguousSeenLength(t);
  if (total !== seen.length) {
    throw new ArtifactError(
      USERS_BIN,
      `profiles: the records' seen lists cover ${total} entries, seen.bin has ${seen.length}`,
    );
  }
  const out = new Uint8Array(n * recordBytes + 4 * total);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const offset = t.seenOffsets[i] as number;
    const list = seen.subarray(offset, offset + (t.seenCounts[i] as number));
    assertStrictlyAscending(USERS_BIN, `seen list of record ${i}`, list);
    const at = i * recordBytes + 4 * offset;
    out.set(records.subarray(i * recordBytes, (i + 1) * recordBytes), at);
    for (let k = 0; k < list.length; k++) view.setInt32(at + recordBytes + 4 * k, list[k] as number, true);
  }
  return out;
}

/**
 * Parses and validates the users.bin header from the file's first bytes.
 * @param bytes a prefix of the file (from offset 0) covering at least the section table, or the whole file
 * @param fileSize total file size (defaults to bytes.length)
 * @throws ArtifactError naming users.bin
 */
export function parseUsersHeader(bytes: Uint8Array, fileSize: number = bytes.length): UsersHeader {
  const container = parseContainerHeader(USERS_BIN, USERS_MAGIC, bytes, fileSize);
  const fence = requireSection(container, 'fence', 'i32', 1);
  const ids = requireSection(container, 'ids', 'i32', 1);
  const records = requireSection(container, 'records', 'rec', 2);
  const numUsers = ids.dims[0] as number;
  const stride = container.param;
  const recordBytes = records.dims[1] as number;
  if (stride < 1) throw new ArtifactError(USERS_BIN, `fence stride must be >= 1 (got ${stride})`);
  if (recordBytes % 4 !== 0 || recordBytes < 16) {
    throw new ArtifactError(
      USERS_BIN,
      `record size must be 4·(dim+3) bytes with dim >= 1 (got ${recordBytes})`,
    );
  }
  expectDim(container, 'records rows (users)', records.dims[0] as number, numUsers);
  const profiles = container.sections.has('profiles')
    ? requireSection(container, 'profiles', 'u8', 1)
    : undefined;
  if (profiles !== undefined) {
    const listBytes = profiles.byteLength - numUsers * recordBytes;
    if (listBytes < 0 || listBytes % 4 !== 0) {
      throw new ArtifactError(
        USERS_BIN,
        `section profiles: expected ${numUsers} records of ${recordBytes} bytes plus whole i32 seen entries ` +
          `(got ${profiles.byteLength} bytes)`,
      );
    }
  }
  expectDim(
    container,
    `fence length (ceil(${numUsers} / ${stride}))`,
    fence.dims[0] as number,
    Math.ceil(numUsers / stride),
  );
  return {
    container,
    numUsers,
    dim: recordBytes / 4 - 3,
    stride,
    recordBytes,
    fence,
    ids,
    records,
    profiles,
    indexEnd: fence.offset + fence.byteLength,
  };
}

/**
 * The fence index (every stride-th sorted id).
 * @param bytes the file from offset 0, covering at least `header.indexEnd` bytes
 * @throws ArtifactError when the bytes are too short or the fence is not strictly ascending
 */
export function readFence(header: UsersHeader, bytes: Uint8Array): Int32Array {
  const fence = sectionView(header.container, bytes, header.fence as SectionInfo & { dtype: 'i32' });
  assertStrictlyAscending(USERS_BIN, 'fence', fence);
  return fence;
}

/**
 * The id page that would hold `userId`: the page whose first id is the largest fence entry ≤ userId.
 * @returns the page's byte range and position, or null when userId is below the first id (unknown user)
 */
export function fenceLookup(header: UsersHeader, fence: Int32Array, userId: number): UserPage | null {
  let lo = 0;
  let hi = fence.length - 1;
  if (hi < 0 || !Number.isInteger(userId) || userId < (fence[0] as number)) return null;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((fence[mid] as number) <= userId) lo = mid;
    else hi = mid - 1;
  }
  const firstIndex = lo * header.stride;
  const count = Math.min(header.stride, header.numUsers - firstIndex);
  return {
    offset: header.ids.offset + 4 * firstIndex,
    length: 4 * count,
    firstIndex,
    count,
    firstId: fence[lo] as number,
  };
}

/**
 * Finds `userId` in a page fetched with `fenceLookup`'s range.
 * @returns the user's record index (0..N-1), or -1 when the id is not in the model
 * @throws ArtifactError when the page bytes are not the page the fence promised (wrong length, wrong first id,
 *   not ascending)
 */
export function findInPage(page: UserPage, pageBytes: Uint8Array, userId: number): number {
  if (pageBytes.length !== page.length) {
    throw new ArtifactError(
      USERS_BIN,
      `id page at byte ${page.offset}: expected ${page.length} bytes (got ${pageBytes.length})`,
    );
  }
  const ids = viewAt('i32', pageBytes, 0, page.count);
  if (ids[0] !== page.firstId) {
    throw new ArtifactError(
      USERS_BIN,
      `id page at byte ${page.offset}: starts with ${ids[0]}, the fence says ${page.firstId}`,
    );
  }
  assertStrictlyAscending(USERS_BIN, `id page at byte ${page.offset}`, ids);
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = ids[mid] as number;
    if (v === userId) return page.firstIndex + mid;
    if (v < userId) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Byte range of record `index`.
 * @throws RangeError when index is outside [0, numUsers)
 */
export function recordRange(header: UsersHeader, index: number): ByteRange {
  if (!Number.isInteger(index) || index < 0 || index >= header.numUsers) {
    throw new RangeError(`user record index ${index} is outside [0, ${header.numUsers})`);
  }
  return { offset: header.records.offset + index * header.recordBytes, length: header.recordBytes };
}

/**
 * The seen-list pointer of the record starting at byte `at` of `view` (records are laid out as in the file), without
 * reading or checking the rest of the record.
 */
export function seenPointerAt(
  header: UsersHeader,
  view: DataView,
  at: number,
): { offset: number; count: number } {
  const pointer = at + 4 + 4 * header.dim;
  return { offset: view.getUint32(pointer, true), count: view.getUint32(pointer + 4, true) };
}

/**
 * Decodes one record fetched with `recordRange`.
 * @throws ArtifactError when the length is wrong or the bias/vector is not finite
 */
export function parseUserRecord(header: UsersHeader, bytes: Uint8Array): UserRecord {
  if (bytes.length !== header.recordBytes) {
    throw new ArtifactError(
      USERS_BIN,
      `user record: expected ${header.recordBytes} bytes (got ${bytes.length})`,
    );
  }
  const { dim } = header;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vec = new Float32Array(dim);
  for (let k = 0; k < dim; k++) vec[k] = view.getFloat32(4 + 4 * k, true);
  const bias = view.getFloat32(0, true);
  assertFinite(USERS_BIN, 'user record', vec);
  if (!Number.isFinite(bias)) throw new ArtifactError(USERS_BIN, `user record: bias is ${bias}`);
  const seen = seenPointerAt(header, view, 0);
  return { bias, vec, seenOffset: seen.offset, seenCount: seen.count };
}

/**
 * Byte range of user `index`'s profile (record, then seen list): `profiles.offset + index·recordBytes +
 * 4·seenOffset`, `recordBytes + 4·seenCount` long, since the lists are contiguous in record order. The pointer is
 * the one the records section (or a cached copy of it) holds; `parseProfile` checks it against the profile.
 * @throws RangeError when index is outside [0, numUsers); ArtifactError when the file has no profiles section or
 *   the range runs past it
 */
export function profileRange(
  header: UsersHeader,
  index: number,
  seenOffset: number,
  seenCount: number,
): ByteRange {
  const { profiles, recordBytes } = header;
  if (profiles === undefined) {
    throw new ArtifactError(USERS_BIN, 'no profiles section (a file written before profiles existed)');
  }
  if (!Number.isInteger(index) || index < 0 || index >= header.numUsers) {
    throw new RangeError(`user record index ${index} is outside [0, ${header.numUsers})`);
  }
  const start = index * recordBytes + 4 * seenOffset;
  const length = recordBytes + 4 * seenCount;
  if (start + length > profiles.byteLength) {
    throw new ArtifactError(
      USERS_BIN,
      `profile of record ${index} (seen list ${seenOffset}+${seenCount}) ends at byte ${start + length} of ` +
        `the profiles section, which has ${profiles.byteLength}`,
    );
  }
  return { offset: profiles.offset + start, length };
}

/**
 * Decodes a profile fetched with `profileRange`.
 * @param expected the seen pointer the range was computed from, and the version's movie count
 * @returns the record and the list (a view of `bytes` when aligned)
 * @throws ArtifactError naming users.bin when the length is wrong, the bias/vector is not finite, the record's seen
 *   pointer is not the one used, or the list is not strictly ascending movie indices in [0, numMovies)
 */
export function parseProfile(
  header: UsersHeader,
  bytes: Uint8Array,
  expected: { seenOffset: number; seenCount: number; numMovies: number },
): UserProfile {
  const { recordBytes } = header;
  if (bytes.length !== recordBytes + 4 * expected.seenCount) {
    throw new ArtifactError(
      USERS_BIN,
      `profile: expected ${recordBytes} + 4·${expected.seenCount} bytes (got ${bytes.length})`,
    );
  }
  const record = parseUserRecord(header, bytes.subarray(0, recordBytes));
  if (record.seenOffset !== expected.seenOffset || record.seenCount !== expected.seenCount) {
    throw new ArtifactError(
      USERS_BIN,
      `profile: its record says seen list ${record.seenOffset}+${record.seenCount}, the records section said ` +
        `${expected.seenOffset}+${expected.seenCount}`,
    );
  }
  const seen = viewAt('i32', bytes, recordBytes, expected.seenCount);
  assertIndices(USERS_BIN, 'profile seen list', seen, expected.numMovies);
  assertStrictlyAscending(USERS_BIN, 'profile seen list', seen);
  return { record, seen };
}

/**
 * Reads the header and fence with (usually) one range read of the first USERS_INDEX_PROBE_BYTES.
 * @param fileSize users.bin's size (from the manifest or a HEAD request)
 * @param probeBytes size of the first read; must cover the section table (≥ 176 bytes)
 * @throws ArtifactError on a corrupt header or fence; whatever `read` throws
 */
export async function openUsersIndex(
  read: RangeReader,
  fileSize: number,
  probeBytes: number = USERS_INDEX_PROBE_BYTES,
): Promise<{ header: UsersHeader; fence: Int32Array }> {
  let bytes = await read(0, Math.min(fileSize, probeBytes));
  const header = parseUsersHeader(bytes, fileSize);
  if (bytes.length < header.indexEnd) {
    const rest = await read(bytes.length, header.indexEnd - bytes.length);
    const all = new Uint8Array(header.indexEnd);
    all.set(bytes);
    all.set(rest, bytes.length);
    bytes = all;
  }
  return { header, fence: readFence(header, bytes) };
}

/**
 * Looks a user up with two range reads (id page, then record).
 * @returns the record index and record, or null when the user is not in the model
 * @throws ArtifactError on corrupt pages or records; whatever `read` throws
 */
export async function lookupUser(
  index: { header: UsersHeader; fence: Int32Array },
  read: RangeReader,
  userId: number,
): Promise<{ index: number; record: UserRecord } | null> {
  const page = fenceLookup(index.header, index.fence, userId);
  if (page === null) return null;
  const at = findInPage(page, await read(page.offset, page.length), userId);
  if (at < 0) return null;
  const range = recordRange(index.header, at);
  return { index: at, record: parseUserRecord(index.header, await read(range.offset, range.length)) };
}

/**
 * Decodes a whole users.bin held in memory (trainer, tests, offline tools). When the file has `profiles`, every
 * profile is checked: its record equals the records section's, the lists are contiguous in record order and
 * strictly ascending, and (when given) equal seen.bin's and lie in [0, numMovies).
 * @param expected dimensions the manifest promises, checked when given; `seenLength` bounds the seen lists;
 *   `seen` is seen.bin's values (its length is then the bound); `numMovies` bounds the profiles' list entries
 * @throws ArtifactError naming users.bin
 */
export function readUsersBin(
  bytes: Uint8Array,
  expected: {
    numUsers?: number;
    dim?: number;
    seenLength?: number;
    seen?: Int32Array;
    numMovies?: number;
  } = {},
): UsersTable {
  const header = parseUsersHeader(bytes);
  const { numUsers: n, dim, recordBytes } = header;
  if (expected.numUsers !== undefined) expectDim(header.container, 'users', n, expected.numUsers);
  if (expected.dim !== undefined) expectDim(header.container, 'dim', dim, expected.dim);
  const fence = readFence(header, bytes);
  const ids = sectionView(header.container, bytes, header.ids as SectionInfo & { dtype: 'i32' });
  assertStrictlyAscending(USERS_BIN, 'ids', ids);
  for (let j = 0; j < fence.length; j++) {
    if (fence[j] !== ids[j * header.stride]) {
      throw new ArtifactError(
        USERS_BIN,
        `fence entry ${j} is ${fence[j]} but id ${j * header.stride} is ${ids[j * header.stride]}`,
      );
    }
  }
  const bias = new Float32Array(n);
  const vecs = new Float32Array(n * dim);
  const seenOffsets = new Uint32Array(n);
  const seenCounts = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const at = header.records.offset + i * recordBytes;
    const r = parseUserRecord(header, bytes.subarray(at, at + recordBytes));
    bias[i] = r.bias;
    vecs.set(r.vec, i * dim);
    seenOffsets[i] = r.seenOffset;
    seenCounts[i] = r.seenCount;
    const seenLength = expected.seen?.length ?? expected.seenLength;
    if (seenLength !== undefined && r.seenOffset + r.seenCount > seenLength) {
      throw new ArtifactError(
        USERS_BIN,
        `record ${i}: seen list ${r.seenOffset}+${r.seenCount} runs past seen.bin's ${seenLength} entries`,
      );
    }
  }
  const table = { dim, ids: ids.slice(), bias, vecs, seenOffsets, seenCounts };
  if (header.profiles !== undefined) checkProfiles(header, bytes, table, expected);
  return table;
}

/**
 * Checks every profile of a whole file against the records section and, when given, seen.bin's values.
 * @throws ArtifactError naming users.bin and the record at the first disagreement
 */
function checkProfiles(
  header: UsersHeader,
  bytes: Uint8Array,
  t: UsersTable,
  expected: { seen?: Int32Array; numMovies?: number },
): void {
  const { numUsers: n, recordBytes } = header;
  const profiles = header.profiles as SectionInfo;
  const total = contiguousSeenLength(t);
  if (n * recordBytes + 4 * total !== profiles.byteLength) {
    throw new ArtifactError(
      USERS_BIN,
      `section profiles: ${n} records of ${recordBytes} bytes and ${total} seen entries need ` +
        `${n * recordBytes + 4 * total} bytes (got ${profiles.byteLength})`,
    );
  }
  const numMovies = expected.numMovies ?? 2 ** 31 - 1;
  for (let i = 0; i < n; i++) {
    const range = profileRange(header, i, t.seenOffsets[i] as number, t.seenCounts[i] as number);
    const profile = bytes.subarray(range.offset, range.offset + range.length);
    const record = header.records.offset + i * recordBytes;
    for (let b = 0; b < recordBytes; b++) {
      if (profile[b] !== bytes[record + b]) {
        throw new ArtifactError(
          USERS_BIN,
          `profile of record ${i}: byte ${b} of its record differs from the records section`,
        );
      }
    }
    const { seen } = parseProfile(header, profile, {
      seenOffset: t.seenOffsets[i] as number,
      seenCount: t.seenCounts[i] as number,
      numMovies,
    });
    if (expected.seen === undefined) continue;
    const want = expected.seen.subarray(t.seenOffsets[i] as number);
    for (let k = 0; k < seen.length; k++) {
      if (seen[k] !== want[k]) {
        throw new ArtifactError(
          USERS_BIN,
          `profile of record ${i}: seen entry ${k} is ${seen[k]}, seen.bin has ${want[k]}`,
        );
      }
    }
  }
}
