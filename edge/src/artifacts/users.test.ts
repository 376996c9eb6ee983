import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../../../shared/src/errors.ts';
import { mulberry32 } from '../../../shared/src/kernels/prng.ts';
import {
  lookupUser,
  parseUsersHeader,
  profileRange,
  writeUsersBin,
} from '../../../shared/src/formats/users-bin.ts';
import { parseSeenHeader, writeSeenBin } from '../../../shared/src/formats/seen-bin.ts';
import type { ObjectStore } from './r2-store.ts';
import { pageBytes } from './user-pages.ts';
import { findUsers, MAX_PAGE_RECORDS_BYTES, openUserIndex, readUser, type UserIndex } from './users.ts';

const NUM_MOVIES = 50;

/**
 * users.bin + seen.bin of `n` users with sparse ids (3i + 1) and 0..5 seen movies each; users.bin has the
 * `profiles` section when `profiles` (new versions), not when false (versions written before it existed).
 */
function files(n: number, dim: number, stride: number, profiles: boolean) {
  const rand = mulberry32(7);
  const ids = Int32Array.from({ length: n }, (_, i) => 3 * i + 1);
  const counts = Uint32Array.from({ length: n }, () => Math.floor(rand() * 6));
  const offsets = new Uint32Array(n);
  for (let i = 1; i < n; i++) offsets[i] = (offsets[i - 1] as number) + (counts[i - 1] as number);
  const lists: number[] = [];
  for (let i = 0; i < n; i++) {
    let m = Math.floor(rand() * 5);
    for (let k = 0; k < (counts[i] as number); k++) lists.push((m += 1 + Math.floor(rand() * 4)));
  }
  const seen = Int32Array.from(lists);
  const users = writeUsersBin(
    {
      dim,
      ids,
      bias: Float32Array.from({ length: n }, () => rand() - 0.5),
      vecs: Float32Array.from({ length: n * dim }, () => rand() - 0.5),
      seenOffsets: offsets,
      seenCounts: counts,
    },
    stride,
    profiles ? seen : undefined,
  );
  return { users, seen: writeSeenBin(seen, NUM_MOVIES), ids };
}

/**
 * An in-memory ObjectStore that logs reads: every read resolves on a later macrotask, so reads issued together
 * are in flight together, and `roundTrips` counts the waves of reads one after the other.
 */
function memoryStore(objects: Record<string, Uint8Array>) {
  let inFlight = 0;
  let ended = true;
  const log = { reads: 0, roundTrips: 0, bytes: 0 };
  const store: ObjectStore = {
    prefix: '',
    get: () => Promise.reject(new Error('not used')),
    range: async (key, offset, length) => {
      if (length === 0) return new Uint8Array(0);
      // A read starting while none is in flight, after one ended, is a new round trip.
      if (inFlight === 0 && ended) log.roundTrips++;
      ended = false;
      inFlight++;
      log.reads++;
      log.bytes += length;
      await new Promise((r) => setTimeout(r, 0));
      inFlight--;
      if (inFlight === 0) ended = true;
      return (objects[key] as Uint8Array).slice(offset, offset + length);
    },
  };
  const reset = () => Object.assign(log, { reads: 0, roundTrips: 0, bytes: 0 });
  return { store, log, reset };
}

async function setup(n: number, dim: number, stride: number, profiles: boolean, cacheBytes?: number) {
  const f = files(n, dim, stride, profiles);
  const objects = { 'users.bin': f.users, 'seen.bin': f.seen };
  const mem = memoryStore(objects);
  const index = await openUserIndex(
    mem.store,
    { users: 'users.bin', seen: 'seen.bin' },
    { users: f.users.length, seen: f.seen.length },
    cacheBytes,
  );
  mem.reset();
  return { ...f, ...mem, index, objects };
}

/** The answer straight from the files, through the shared format's own lookup. */
async function expected(users: Uint8Array, seen: Uint8Array, userId: number) {
  const found = await lookupUser(
    fenceOf(users),
    async (offset, length) => users.slice(offset, offset + length),
    userId,
  );
  if (found === null) return null;
  const { seenOffset, seenCount } = found.record;
  const start = parseSeenHeader(seen).movies.offset + 4 * seenOffset;
  return { record: found.record, seen: new Int32Array(seen.slice(start, start + 4 * seenCount).buffer) };
}

function fenceOf(users: Uint8Array) {
  const header = parseUsersHeader(users);
  const fence = new Int32Array(users.slice(header.fence.offset, header.indexEnd).buffer);
  return { header, fence };
}

async function check(index: UserIndex, users: Uint8Array, seen: Uint8Array, userId: number) {
  const want = await expected(users, seen, userId);
  const got = await readUser(index, userId, { seen: true, numMovies: NUM_MOVIES });
  expect(got === null ? null : { record: got.record, seen: Array.from(got.seen ?? []) }).toEqual(
    want === null ? null : { record: want.record, seen: Array.from(want.seen) },
  );
  const bare = await readUser(index, userId, { seen: false, numMovies: NUM_MOVIES });
  expect(bare?.record).toEqual(want?.record);
  expect(bare?.seen).toBeUndefined();
}

describe.each([
  { layout: 'with profiles', profiles: true },
  { layout: 'without profiles (older versions)', profiles: false },
])('readUser $layout', ({ profiles }) => {
  const n = 200;
  const candidates = [0, 1, 2, 3, 4, 298, 299, 300, 301, 3 * (n - 1) + 1, 3 * n + 1, 2 ** 31 - 1];
  it('answers every user (and ids it does not hold) like the format lookup, with a cold and a warm cache', async () => {
    const { index, users, seen, ids } = await setup(n, 8, 16, profiles);
    expect(index.header.profiles !== undefined).toBe(profiles);
    const all = [...candidates, ...ids];
    for (const id of all) await check(index, users, seen, id); // first pass fills the cache as it goes
    expect(index.pages.size).toBe(Math.ceil(n / 16));
    for (const id of all) await check(index, users, seen, id);
  });

  it('reads a user in one round trip once the page is cached, an unknown id in none', async () => {
    const { index, log, reset, ids } = await setup(n, 8, 16, profiles);
    const userId = ids[20] as number;
    const cold = await readUser(index, userId, { seen: true, numMovies: NUM_MOVIES });
    expect(cold).not.toBeNull();
    // Miss: id page and the page's 16 records together, then the profile (or the seen list, when not empty).
    expect(log.roundTrips).toBe(profiles || (cold?.seen?.length ?? 0) > 0 ? 2 : 1);
    expect(log.bytes).toBeGreaterThanOrEqual(16 * 4 + 16 * 4 * (8 + 3));
    for (const k of [21, 22, 23, 24, 25]) {
      reset();
      const neighbour = ids[k] as number; // same page (records 16..31)
      const warm = await readUser(index, neighbour, { seen: true, numMovies: NUM_MOVIES });
      expect(warm).not.toBeNull();
      expect(log.roundTrips).toBe(1);
      // With profiles: one read (record + list) whatever the list's length; without: record and list.
      expect(log.reads).toBe(profiles ? 1 : (warm?.seen?.length ?? 0) > 0 ? 2 : 1);
      if (profiles) expect(log.bytes).toBe(4 * (8 + 3) + 4 * (warm?.seen?.length ?? 0));
    }
    reset();
    expect(await readUser(index, ids[26] as number, { seen: false, numMovies: NUM_MOVIES })).not.toBeNull();
    expect(log.reads).toBe(1);
    expect(log.bytes).toBe(4 * (8 + 3)); // the plain record, not the profile
    reset();
    expect(await readUser(index, userId + 1, { seen: true, numMovies: NUM_MOVIES })).toBeNull();
    expect(log.reads).toBe(0);
  });

  it('keeps the cache within its byte cap, evicting the least recently used page', async () => {
    const probe = await setup(n, 8, 16, profiles);
    await readUser(probe.index, 1, { seen: false, numMovies: NUM_MOVIES });
    const onePage = probe.index.pages.usedBytes;
    const { index, ids, users, seen } = await setup(n, 8, 16, profiles, 3 * onePage);
    for (const id of ids) await readUser(index, id, { seen: true, numMovies: NUM_MOVIES });
    expect(index.pages.size).toBe(3);
    expect(index.pages.usedBytes).toBeLessThanOrEqual(3 * onePage);
    // The last three pages are held; the first was evicted and is read (and answered) again.
    expect(index.pages.get(Math.floor((n - 1) / 16) * 16)).toBeDefined();
    expect(index.pages.get(0)).toBeUndefined();
    await check(index, users, seen, ids[0] as number);
    expect(index.pages.get(0)).toBeDefined();
    expect(index.pages.size).toBe(3);
  });

  it('serves correctly with the cache disabled', async () => {
    const { index, ids, users, seen, log } = await setup(n, 8, 16, profiles, 0);
    for (const id of [...ids.subarray(0, 40), 2, 5]) await check(index, users, seen, id);
    expect(index.pages.size).toBe(0);
    expect(log.reads).toBeGreaterThan(0);
  });

  it('reads one record instead of the whole page when the page records are too long', async () => {
    const dim = 300; // 1,212-byte records: a page of 256 is over MAX_PAGE_RECORDS_BYTES
    expect(256 * 4 * (dim + 3)).toBeGreaterThan(MAX_PAGE_RECORDS_BYTES);
    const { index, ids, users, seen, log, reset } = await setup(600, dim, 256, profiles);
    const userId = ids[300] as number;
    await check(index, users, seen, userId);
    expect(log.bytes).toBeLessThan(MAX_PAGE_RECORDS_BYTES);
    const page = index.pages.get(256);
    expect(page?.seen).toBeUndefined();
    expect(pageBytes(page as NonNullable<typeof page>)).toBeLessThan(2 * 1024);
    reset();
    const warm = await readUser(index, ids[301] as number, { seen: true, numMovies: NUM_MOVIES });
    expect(warm).not.toBeNull();
    // Record, then its profile (or seen list).
    expect(log.roundTrips).toBe(profiles || (warm?.seen?.length ?? 0) > 0 ? 2 : 1);
  });

  it('refuses a record whose seen pointer disagrees with the cached page', async () => {
    const { index, ids, objects } = await setup(n, 8, 16, profiles);
    const userId = ids[3] as number;
    const first = await readUser(index, userId, { seen: true, numMovies: NUM_MOVIES }); // caches the page
    const { header } = index;
    // The record read on a hit: the profile's copy with profiles, the records section's without.
    const recordAt = profiles
      ? profileRange(header, 3, first?.record.seenOffset ?? 0, first?.record.seenCount ?? 0).offset
      : header.records.offset + 3 * header.recordBytes;
    const countAt = recordAt + 8 + 4 * header.dim;
    const view = new DataView(objects['users.bin'].buffer);
    view.setUint32(countAt, view.getUint32(countAt, true) + 1, true);
    const err = await readUser(index, userId, { seen: true, numMovies: NUM_MOVIES }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactError);
    expect(String(err)).toMatch(profiles ? /its record says seen list/ : /the page read earlier said/);
  });

  it('refuses an id page that is not the page the fence promised', async () => {
    const { index, ids, objects } = await setup(n, 8, 16, profiles);
    const bytes = objects['users.bin'];
    const firstOfPage2 = index.header.ids.offset + 4 * 32;
    new DataView(bytes.buffer, bytes.byteOffset).setInt32(firstOfPage2, 5, true);
    const err = await readUser(index, ids[33] as number, { seen: true, numMovies: NUM_MOVIES }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ArtifactError);
    expect(String(err)).toMatch(/fence says/);
    expect(index.pages.get(32)).toBeUndefined();
  });
});

describe('readUser with profiles', () => {
  it('answers like the two-read path of the same data without profiles, with one read instead of two', async () => {
    const one = await setup(200, 8, 16, true);
    const two = await setup(200, 8, 16, false);
    for (const id of one.ids) await readUser(one.index, id, { seen: false, numMovies: NUM_MOVIES }); // warm pages
    for (const id of two.ids) await readUser(two.index, id, { seen: false, numMovies: NUM_MOVIES });
    one.reset();
    two.reset();
    for (const id of [...one.ids, 2, 5]) {
      const a = await readUser(one.index, id, { seen: true, numMovies: NUM_MOVIES });
      const b = await readUser(two.index, id, { seen: true, numMovies: NUM_MOVIES });
      expect(a === null ? null : { ...a, seen: Array.from(a.seen ?? []) }).toEqual(
        b === null ? null : { ...b, seen: Array.from(b.seen ?? []) },
      );
    }
    expect(one.log.reads).toBe(200);
    expect(two.log.reads).toBeGreaterThan(200); // record + seen list for every user with a list
  });

  it('refuses a profile whose list is corrupt', async () => {
    const { index, ids, objects } = await setup(200, 8, 16, true);
    const userId = ids[40] as number;
    const first = await readUser(index, userId, { seen: true, numMovies: NUM_MOVIES });
    const { seenOffset, seenCount } = first?.record ?? { seenOffset: 0, seenCount: 0 };
    expect(seenCount).toBeGreaterThan(0);
    const range = profileRange(index.header, 40, seenOffset, seenCount);
    new DataView(objects['users.bin'].buffer).setInt32(
      range.offset + index.header.recordBytes,
      NUM_MOVIES,
      true,
    );
    const err = await readUser(index, userId, { seen: true, numMovies: NUM_MOVIES }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactError);
    expect(String(err)).toMatch(
      /users.bin: profile seen list: element 0 is 50, expected an index in \[0, 50\)/,
    );
  });
});

describe('findUsers', () => {
  it('finds the same records with the page cache warm, skipping the page reads', async () => {
    const { index, ids, users, seen, log, reset } = await setup(200, 8, 16, true);
    const wanted = [...ids.filter((_, i) => i % 7 === 0), 2, 5, 2 ** 31 - 1];
    const cold = await findUsers(index, wanted);
    const coldReads = log.reads;
    for (const id of wanted) {
      const want = await expected(users, seen, id);
      expect(cold.get(id)).toEqual(want?.record);
    }
    for (const id of ids) await readUser(index, id, { seen: false, numMovies: NUM_MOVIES });
    reset();
    const warm = await findUsers(index, wanted);
    expect(warm).toEqual(cold);
    expect(log.reads).toBeLessThan(coldReads);
    expect(log.roundTrips).toBe(1);
  });
});
