/**
 * The user side of a version, read per request with R2 range reads so isolate memory does not grow with the
 * number of users: only users.bin's header and fence (every 256th id) and seen.bin's header are kept.
 */
import {
  fenceLookup,
  findInPage,
  lookupUser,
  openUsersIndex,
  parseUserRecord,
  recordRange,
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

export type { UserRecord };

/** What an isolate keeps of a version's user side. */
export interface UserIndex {
  store: ObjectStore;
  usersKey: string;
  seenKey: string;
  header: UsersHeader;
  fence: Int32Array;
  seen: SeenHeader;
}

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
  };
}

/**
 * One user's record (two range reads: an id page, then the record).
 * @returns null when the version does not know the user
 * @throws ArtifactError on corrupt pages or records; StorageError
 */
export async function findUser(index: UserIndex, userId: number): Promise<UserRecord | null> {
  const found = await lookupUser(
    index,
    (offset, length) => index.store.range(index.usersKey, offset, length),
    userId,
  );
  return found === null ? null : found.record;
}

/**
 * Records of many users with coalesced range reads (one pass over id pages, one over records).
 * @returns a map from user id to record; unknown users are absent
 * @throws ArtifactError on corrupt pages or records; StorageError
 */
export async function findUsers(
  index: UserIndex,
  userIds: readonly number[],
): Promise<Map<number, UserRecord>> {
  const { header, fence, store, usersKey } = index;
  const wanted = userIds.map((id) => ({ id, page: fenceLookup(header, fence, id) }));
  const paged = wanted.filter((w) => w.page !== null) as {
    id: number;
    page: NonNullable<(typeof wanted)[0]['page']>;
  }[];
  const positions = new Map<number, number>();
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
  record: UserRecord,
  numMovies: number,
): Promise<Int32Array> {
  const range = seenRange(index.seen, record.seenOffset, record.seenCount);
  const bytes = await index.store.range(index.seenKey, range.offset, range.length);
  return parseSeenSlice(bytes, numMovies);
}

/**
 * Records of up to `count` users spread evenly over users.bin (by record number, so no id lookups), with
 * coalesced range reads. Used to calibrate a version's ranking strategy at load time.
 * @throws ArtifactError on corrupt records; StorageError
 */
export async function sampleUsers(index: UserIndex, count: number): Promise<UserRecord[]> {
  const { header, store, usersKey } = index;
  const n = Math.min(count, header.numUsers);
  const ranges = Array.from({ length: n }, (_, k) =>
    recordRange(header, Math.floor((k * header.numUsers) / n)),
  );
  const reads = coalesceRanges(ranges, MAX_GAP, MAX_READ);
  const bytes = await Promise.all(reads.map((r) => store.range(usersKey, r.offset, r.length)));
  const out: UserRecord[] = [];
  reads.forEach((read, k) => {
    for (const i of read.members) {
      out.push(
        parseUserRecord(header, sliceOf(read, bytes[k] as Uint8Array, ranges[i] as (typeof ranges)[0])),
      );
    }
  });
  return out;
}
