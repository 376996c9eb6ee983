/**
 * The user side of a version, read per request with R2 range reads so isolate memory does not grow with the
 * number of users: only users.bin's header and fence (every 256th id), seen.bin's header and a bounded cache of id
 * pages (user-pages.ts) are kept.
 */
import { ArtifactError } from '../../../shared/src/errors.ts';
import {
  fenceLookup,
  findInPage,
  openUsersIndex,
  parseProfile,
  parseUserRecord,
  profileRange,
  recordRange,
  seenPointerAt,
  USERS_BIN,
  type UserPage,
  type UserProfile,
  type UserRecord,
  type UsersHeader,
} from '../../../shared/src/formats/users-bin.ts';
import {
  parseSeenHeader,
  parseSeenSlice,
  SEEN_HEADER_BYTES,
  seenRange,
  type SeenHeader,
} from '../../../shared/src/formats/seen-bin.ts';
import type { ObjectStore } from './r2-store.ts';
import { coalesceRanges, sliceOf } from './ranges.ts';
import { DEFAULT_PAGE_CACHE_BYTES, indexOfId, PageCache, type CachedPage } from './user-pages.ts';

export type { UserRecord };

/** What an isolate keeps of a version's user side. */
export interface UserIndex {
  store: ObjectStore;
  usersKey: string;
  seenKey: string;
  header: UsersHeader;
  fence: Int32Array;
  seen: SeenHeader;
  /** Id pages (and their users' seen pointers) read so far, within a byte cap. */
  pages: PageCache;
}

/**
 * A page's records are read whole (to learn every seen pointer of the page) only while they are at most this
 * long: 256 records of dim 64 are 68 KB; dim 240 would pass 256 KiB, and such versions read one record instead.
 */
export const MAX_PAGE_RECORDS_BYTES = 256 * 1024;

/** Reads of a batch are merged when at most this many bytes apart ... */
const MAX_GAP = 16 * 1024;
/** ... and while one read stays below this size. */
const MAX_READ = 1024 * 1024;

/**
 * Reads users.bin's header + fence and seen.bin's header.
 * @param sizes the files' byte sizes from the manifest
 * @throws ArtifactError on corrupt headers; StorageError
 */
export async function openUserIndex(
  store: ObjectStore,
  keys: { users: string; seen: string },
  sizes: { users: number; seen: number },
  pageCacheBytes: number = DEFAULT_PAGE_CACHE_BYTES,
): Promise<UserIndex> {
  const [{ header, fence }, seenBytes] = await Promise.all([
    openUsersIndex((offset, length) => store.range(keys.users, offset, length), sizes.users),
    store.range(keys.seen, 0, Math.min(SEEN_HEADER_BYTES, sizes.seen)),
  ]);
  return {
    store,
    usersKey: keys.users,
    seenKey: keys.seen,
    header,
    fence,
    seen: parseSeenHeader(seenBytes, sizes.seen),
    pages: new PageCache(pageCacheBytes),
  };
}

/** A known user as a top-N request needs them. */
export interface FoundUser {
  record: UserRecord;
  /** The movies they rated in training (dense indices, ascending); undefined unless asked for. */
  seen: Int32Array | undefined;
}

/**
 * One user's record and, when `options.seen`, their training movies. With the user's id page cached, an id the page
 * does not hold costs no read, and a known user costs one round trip: one read of their profile (record + list,
 * from users.bin's `profiles`) in versions that have it, else the record and the seen.bin list read concurrently.
 * Without `options.seen` it is one read of the record (smaller than the profile). With the page not cached, the id
 * page and the page's records are read concurrently, the page is cached, and the profile (or seen.bin list) follows
 * (two round trips; three when the page's records are too long to read whole, see MAX_PAGE_RECORDS_BYTES).
 * @param options.numMovies the version's movie count, which bounds the seen list's entries
 * @returns null when the version does not know the user
 * @throws ArtifactError on corrupt pages, records or lists, or when users.bin and seen.bin disagree; StorageError
 */
export async function readUser(
  index: UserIndex,
  userId: number,
  options: { seen: boolean; numMovies: number },
): Promise<FoundUser | null> {
  const page = fenceLookup(index.header, index.fence, userId);
  if (page === null) return null;
  const cached = index.pages.get(page.firstIndex);
  if (cached === undefined) return readThroughPage(index, page, userId, options);
  const at = indexOfId(cached.ids, userId);
  if (at < 0) return null;
  const recordIndex = page.firstIndex + at;
  if (options.seen && cached.seen !== undefined && index.header.profiles !== undefined) {
    const seenOffset = cached.seen[2 * at] as number;
    const seenCount = cached.seen[2 * at + 1] as number;
    return readProfile(index, recordIndex, { seenOffset, seenCount }, options.numMovies);
  }
  const recordBytes = readRecordBytes(index, recordIndex);
  if (!options.seen) return { record: parseUserRecord(index.header, await recordBytes), seen: undefined };
  if (cached.seen === undefined) {
    const record = parseUserRecord(index.header, await recordBytes);
    return { record, seen: await seenAfterRecord(index, recordIndex, record, options.numMovies) };
  }
  const seenOffset = cached.seen[2 * at] as number;
  const seenCount = cached.seen[2 * at + 1] as number;
  const [bytes, seen] = await Promise.all([
    recordBytes,
    seenMovies(index, { seenOffset, seenCount }, options.numMovies),
  ]);
  const record = parseUserRecord(index.header, bytes);
  if (record.seenOffset !== seenOffset || record.seenCount !== seenCount) {
    throw new ArtifactError(
      USERS_BIN,
      `user ${userId}: record says seen list ${record.seenOffset}+${record.seenCount}, the page read earlier ` +
        `said ${seenOffset}+${seenCount}`,
    );
  }
  return { record, seen };
}

/**
 * A user's record and seen list by one range read of their profile.
 * @param pointer the seen pointer the id page's records gave
 * @throws ArtifactError when the profile is corrupt or its record's pointer is not `pointer`; StorageError
 */
async function readProfile(
  index: UserIndex,
  recordIndex: number,
  pointer: Pick<UserRecord, 'seenOffset' | 'seenCount'>,
  numMovies: number,
): Promise<UserProfile> {
  const range = profileRange(index.header, recordIndex, pointer.seenOffset, pointer.seenCount);
  const bytes = await index.store.range(index.usersKey, range.offset, range.length);
  return parseProfile(index.header, bytes, { ...pointer, numMovies });
}

/** The seen list of a user whose record was just read: from their profile when the version has them, else seen.bin. */
async function seenAfterRecord(
  index: UserIndex,
  recordIndex: number,
  record: UserRecord,
  numMovies: number,
): Promise<Int32Array> {
  if (index.header.profiles === undefined) return seenMovies(index, record, numMovies);
  return (await readProfile(index, recordIndex, record, numMovies)).seen;
}

function readRecordBytes(index: UserIndex, at: number): Promise<Uint8Array> {
  const range = recordRange(index.header, at);
  return index.store.range(index.usersKey, range.offset, range.length);
}

/** readUser for a page not in the cache: reads it (with its records when short enough) and caches it. */
async function readThroughPage(
  index: UserIndex,
  page: UserPage,
  userId: number,
  options: { seen: boolean; numMovies: number },
): Promise<FoundUser | null> {
  const { header, store, usersKey } = index;
  const recordsLength = page.count * header.recordBytes;
  const wholePage = recordsLength <= MAX_PAGE_RECORDS_BYTES;
  const [pageBytes, records] = await Promise.all([
    store.range(usersKey, page.offset, page.length),
    wholePage
      ? store.range(usersKey, header.records.offset + page.firstIndex * header.recordBytes, recordsLength)
      : undefined,
  ]);
  const at = findInPage(page, pageBytes, userId);
  index.pages.set(page.firstIndex, cachedPage(header, page, pageBytes, records));
  if (at < 0) return null;
  let record: UserRecord;
  if (records === undefined) {
    record = parseUserRecord(header, await readRecordBytes(index, at));
  } else {
    const start = (at - page.firstIndex) * header.recordBytes;
    record = parseUserRecord(header, records.subarray(start, start + header.recordBytes));
  }
  const seen = options.seen ? await seenAfterRecord(index, at, record, options.numMovies) : undefined;
  return { record, seen };
}

/**
 * A page as the cache keeps it: copies, so the read buffers (68 KB of records) are not kept alive by views.
 * @param pageBytes the id page, already checked by findInPage
 * @param records the page's records, when read
 */
function cachedPage(
  header: UsersHeader,
  page: UserPage,
  pageBytes: Uint8Array,
  records: Uint8Array | undefined,
): CachedPage {
  const view = new DataView(pageBytes.buffer, pageBytes.byteOffset, pageBytes.byteLength);
  const ids = new Int32Array(page.count);
  for (let i = 0; i < page.count; i++) ids[i] = view.getInt32(4 * i, true);
  if (records === undefined) return { ids, seen: undefined };
  const rv = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const seen = new Uint32Array(2 * page.count);
  for (let i = 0; i < page.count; i++) {
    const pointer = seenPointerAt(header, rv, i * header.recordBytes);
    seen[2 * i] = pointer.offset;
    seen[2 * i + 1] = pointer.count;
  }
  return { ids, seen };
}

/**
 * Records of many users with coalesced range reads (one pass over the id pages not in the page cache, one over
 * records). Pages read here are not added to the cache: they come without their seen pointers.
 * @returns a map from user id to record; unknown users are absent
 * @throws ArtifactError on corrupt pages or records; StorageError
 */
export async function findUsers(
  index: UserIndex,
  userIds: readonly number[],
): Promise<Map<number, UserRecord>> {
  const { header, fence, store, usersKey } = index;
  const positions = new Map<number, number>();
  const paged: { id: number; page: UserPage }[] = [];
  for (const id of userIds) {
    const page = fenceLookup(header, fence, id);
    if (page === null) continue;
    const cached = index.pages.get(page.firstIndex);
    if (cached === undefined) {
      paged.push({ id, page });
    } else {
      const at = indexOfId(cached.ids, id);
      if (at >= 0) positions.set(id, page.firstIndex + at);
    }
  }
  const pageReads = coalesceRanges(
    paged.map((w) => w.page),
    MAX_GAP,
    MAX_READ,
  );
  const pageBytes = await Promise.all(pageReads.map((r) => store.range(usersKey, r.offset, r.length)));
  pageReads.forEach((read, k) => {
    for (const i of read.members) {
      const w = paged[i] as (typeof paged)[0];
      const at = findInPage(w.page, sliceOf(read, pageBytes[k] as Uint8Array, w.page), w.id);
      if (at >= 0) positions.set(w.id, at);
    }
  });
  const found = [...positions];
  const ranges = found.map(([, at]) => recordRange(header, at));
  const recordReads = coalesceRanges(ranges, MAX_GAP, MAX_READ);
  const recordBytes = await Promise.all(recordReads.map((r) => store.range(usersKey, r.offset, r.length)));
  const out = new Map<number, UserRecord>();
  recordReads.forEach((read, k) => {
    for (const i of read.members) {
      const [id] = found[i] as [number, number];
      const slice = sliceOf(read, recordBytes[k] as Uint8Array, ranges[i] as (typeof ranges)[0]);
      out.set(id, parseUserRecord(header, slice));
    }
  });
  return out;
}

/**
 * The movies a user rated in training (dense indices, ascending), by one range read of seen.bin.
 * @throws ArtifactError when the list is out of bounds or holds an invalid index; StorageError
 */
export async function seenMovies(
  index: UserIndex,
  record: Pick<UserRecord, 'seenOffset' | 'seenCount'>,
  numMovies: number,
): Promise<Int32Array> {
  const range = seenRange(index.seen, record.seenOffset, record.seenCount);
  const bytes = await index.store.range(index.seenKey, range.offset, range.length);
  return parseSeenSlice(bytes, numMovies);
}
