import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../errors.ts';
import { writeContainer } from './container.ts';
import {
  fenceLookup,
  findInPage,
  lookupUser,
  openUsersIndex,
  parseProfile,
  parseUsersHeader,
  profileRange,
  readFence,
  parseUserRecord,
  readUsersBin,
  recordRange,
  writeUsersBin,
  USERS_MAGIC,
  type UsersTable,
} from './users-bin.ts';

const DIM = 5;

/** n users with ids 10, 13, 16, ... (gaps so absent ids exist between them). */
function table(n: number): UsersTable {
  const vecs = new Float32Array(n * DIM);
  for (let i = 0; i < vecs.length; i++) vecs[i] = Math.sin(i) * 3;
  return {
    dim: DIM,
    ids: Int32Array.from({ length: n }, (_, i) => 10 + 3 * i),
    bias: Float32Array.from({ length: n }, (_, i) => i / 7 - 1),
    vecs,
    seenOffsets: Uint32Array.from({ length: n }, (_, i) => 2 * i),
    seenCounts: Uint32Array.from({ length: n }, () => 2),
  };
}

/** A range reader over bytes in memory that counts reads, like an R2 binding would serve them. */
function reader(bytes: Uint8Array): {
  read: (o: number, l: number) => Promise<Uint8Array>;
  reads: number[][];
} {
  const reads: number[][] = [];
  return {
    reads,
    read: async (offset, length) => {
      reads.push([offset, length]);
      return bytes.slice(offset, offset + length); // a fresh buffer, as a network read returns
    },
  };
}

describe('users.bin', () => {
  it('round-trips the whole table', () => {
    const t = table(1000);
    const back = readUsersBin(writeUsersBin(t, 16), { numUsers: 1000, dim: DIM, seenLength: 2000 });
    expect(back).toEqual(t);
  });

  it.each([1, 7, 256, 1000])(
    'finds every id with range reads (stride %i) and no absent one',
    async (stride) => {
      const n = 1000;
      const t = table(n);
      const bytes = writeUsersBin(t, stride);
      const r = reader(bytes);
      const index = await openUsersIndex(r.read, bytes.length);
      expect(r.reads).toHaveLength(1);
      expect(index.header).toMatchObject({ numUsers: n, dim: DIM, stride });
      for (let i = 0; i < n; i += 37) {
        const found = await lookupUser(index, r.read, 10 + 3 * i);
        expect(found?.index).toBe(i);
        expect(found?.record.bias).toBeCloseTo(t.bias[i] as number, 6);
        expect(found?.record.vec).toEqual(t.vecs.subarray(i * DIM, (i + 1) * DIM));
        expect(found?.record.seenOffset).toBe(2 * i);
      }
      for (const absent of [9, 11, 12, 10 + 3 * (n - 1) + 1, -5, 2 ** 31 - 1]) {
        expect(await lookupUser(index, r.read, absent)).toBeNull();
      }
      // A page read never exceeds the stride.
      expect(Math.max(...r.reads.slice(1).map(([, l]) => l as number))).toBeLessThanOrEqual(
        Math.max(4 * stride, 4 * (DIM + 3)),
      );
    },
  );

  it('fetches the rest of the fence when the first read is too short', async () => {
    const bytes = writeUsersBin(table(3000), 1); // a 12 KB fence
    const r = reader(bytes);
    const index = await openUsersIndex(r.read, bytes.length, 1024);
    expect(r.reads).toHaveLength(2);
    expect((await lookupUser(index, r.read, 10 + 3 * 2999))?.index).toBe(2999);
  });

  it('detects a page that is not the page the fence promised', () => {
    const bytes = writeUsersBin(table(100), 10);
    const header = parseUsersHeader(bytes);
    const fence = readFence(header, bytes);
    const page = fenceLookup(header, fence, 40);
    expect(page).not.toBeNull();
    if (page === null) return;
    const wrong = bytes.slice(page.offset + 4, page.offset + 4 + page.length);
    expect(() => findInPage(page, wrong, 40)).toThrow(ArtifactError);
    expect(() => findInPage(page, wrong, 40)).toThrow(
      /users.bin: id page at byte \d+: starts with 43, the fence says 40/,
    );
  });

  it('refuses unsorted ids and a header cut short of its section table', () => {
    const t = table(4);
    t.ids = Int32Array.from([1, 3, 3, 4]);
    expect(() => writeUsersBin(t)).toThrow(/users.bin: ids: must be strictly ascending, but element 2/);
    const bytes = writeUsersBin(table(4));
    expect(() => parseUsersHeader(bytes.slice(0, 100), bytes.length)).toThrow(/users.bin: truncated/);
  });
});

const NUM_MOVIES = 50;

/** seen.bin values for `table(n)`: user i rated movies i mod 40 and i mod 40 + 3 (two each, ascending). */
function seenOf(n: number): Int32Array {
  return Int32Array.from({ length: 2 * n }, (_, k) => ((k >> 1) % 40) + 3 * (k & 1));
}

/** Every user's profile by range reads, as the edge reads it. */
function profiles(bytes: Uint8Array, t: UsersTable) {
  const header = parseUsersHeader(bytes);
  return Array.from(t.ids, (_, i) => {
    const pointer = { seenOffset: t.seenOffsets[i] as number, seenCount: t.seenCounts[i] as number };
    const r = profileRange(header, i, pointer.seenOffset, pointer.seenCount);
    return parseProfile(header, bytes.slice(r.offset, r.offset + r.length), {
      ...pointer,
      numMovies: NUM_MOVIES,
    });
  });
}

describe('users.bin profiles', () => {
  const n = 300;
  const t = table(n);
  const seen = seenOf(n);
  const bytes = writeUsersBin(t, 16, seen);

  it('round-trip: each profile is the record followed by its seen list, and the table reads back', () => {
    const header = parseUsersHeader(bytes);
    expect(header.profiles?.byteLength).toBe(n * header.recordBytes + 4 * seen.length);
    expect(readUsersBin(bytes, { numUsers: n, dim: DIM, seen, numMovies: NUM_MOVIES })).toEqual(t);
    profiles(bytes, t).forEach((p, i) => {
      const r = recordRange(header, i);
      expect(p.record).toEqual(readUserRecordAt(bytes, r.offset));
      expect(Array.from(p.seen)).toEqual([i % 40, (i % 40) + 3]);
    });
    // The records section is the same as in a file written without profiles.
    const plain = writeUsersBin(t, 16);
    const h0 = parseUsersHeader(plain);
    expect(bytes.slice(header.records.offset, header.records.offset + header.records.byteLength)).toEqual(
      plain.slice(h0.records.offset, h0.records.offset + h0.records.byteLength),
    );
  });

  it('an old-style file without profiles still parses, and says it has none', () => {
    const plain = writeUsersBin(t, 16);
    const header = parseUsersHeader(plain);
    expect(header.profiles).toBeUndefined();
    expect(readUsersBin(plain, { numUsers: n, dim: DIM, seen, numMovies: NUM_MOVIES })).toEqual(t);
    expect(() => profileRange(header, 0, 0, 2)).toThrow(/users.bin: no profiles section/);
  });

  /** The file with one byte of user `i`'s profile changed: `at` bytes into the profile. */
  function corrupt(i: number, at: number, write: (v: DataView, pos: number) => void): Uint8Array {
    const copy = bytes.slice();
    const r = profileRange(parseUsersHeader(copy), i, 2 * i, 2);
    write(new DataView(copy.buffer), r.offset + at);
    return copy;
  }

  const recordBytes = 4 * (DIM + 3);
  it.each<[string, number, (v: DataView, pos: number) => void, RegExp]>([
    ['a list out of order', recordBytes + 4, (v, p) => v.setInt32(p, 0, true), /strictly ascending/],
    ['a movie out of range', recordBytes + 4, (v, p) => v.setInt32(p, NUM_MOVIES, true), /\[0, 50\)/],
    ['a negative movie', recordBytes, (v, p) => v.setInt32(p, -1, true), /\[0, 50\)/],
    ['a NaN bias', 0, (v, p) => v.setFloat32(p, NaN, true), /bias is NaN/],
    ['a NaN vector entry', 8, (v, p) => v.setFloat32(p, Infinity, true), /user record: element 1/],
    [
      'another seen pointer',
      4 + 4 * DIM,
      (v, p) => v.setUint32(p, 0, true),
      /its record says seen list 0\+2/,
    ],
  ])('a profile with %s is an ArtifactError naming users.bin', (_, at, write, message) => {
    const bad = corrupt(7, at, write);
    expect(() => profiles(bad, t)).toThrow(ArtifactError);
    expect(() => profiles(bad, t)).toThrow(/users.bin/);
    expect(() => profiles(bad, t)).toThrow(message);
    expect(() => readUsersBin(bad, { seen, numMovies: NUM_MOVIES })).toThrow(ArtifactError);
  });

  it('reading a whole file checks profiles against the records section and seen.bin', () => {
    // A list entry that is valid on its own but not seen.bin's.
    const other = corrupt(7, recordBytes + 4, (v, p) => v.setInt32(p, 49, true));
    expect(() => profiles(other, t)).not.toThrow();
    expect(() => readUsersBin(other, { seen })).toThrow(
      /users.bin: profile of record 7: seen entry 1 is 49, seen.bin has 10/,
    );
    // A vector entry that differs from the records section's copy.
    const vec = corrupt(7, 4, (v, p) => v.setFloat32(p, 0.125, true));
    expect(() => readUsersBin(vec)).toThrow(/users.bin: profile of record 7: byte 4 of its record differs/);
  });

  it('refuses a profile of the wrong length and a range past the section', () => {
    const header = parseUsersHeader(bytes);
    const r = profileRange(header, 3, 6, 2);
    const got = bytes.slice(r.offset, r.offset + r.length - 4);
    expect(() => parseProfile(header, got, { seenOffset: 6, seenCount: 2, numMovies: NUM_MOVIES })).toThrow(
      /users.bin: profile: expected 32 \+ 4·2 bytes \(got 36\)/,
    );
    expect(() => profileRange(header, n - 1, 2 * (n - 1), 3)).toThrow(/runs past|ends at byte/);
    expect(() => profileRange(header, n, 0, 0)).toThrow(RangeError);
  });

  it('refuses to write profiles of lists that are not contiguous in record order or not ascending', () => {
    const gap = { ...t, seenOffsets: t.seenOffsets.map((o, i) => (i > 5 ? o + 1 : o)) };
    expect(() => writeUsersBin(gap, 16, new Int32Array(2 * n + 1))).toThrow(
      /users.bin: profiles need seen lists contiguous in record order: record 6 starts at 13, expected 12/,
    );
    expect(() => writeUsersBin(t, 16, seen.subarray(1))).toThrow(/cover 600 entries, seen.bin has 599/);
    const unsorted = seen.slice();
    unsorted[9] = 0;
    expect(() => writeUsersBin(t, 16, unsorted)).toThrow(/seen list of record 4: must be strictly ascending/);
  });

  it('refuses a profiles section whose size cannot hold the records', () => {
    const header = parseUsersHeader(bytes);
    const section = (name: string) => {
      const s = header.container.sections.get(name);
      if (s === undefined) throw new Error(name);
      return bytes.slice(s.offset, s.offset + s.byteLength);
    };
    const rebuilt = (profileBytes: number) =>
      writeContainer(
        'users.bin',
        USERS_MAGIC,
        [
          {
            name: 'fence',
            dtype: 'i32',
            dims: [header.fence.dims[0] as number],
            data: new Int32Array(section('fence').buffer),
          },
          { name: 'ids', dtype: 'i32', dims: [n], data: new Int32Array(section('ids').buffer) },
          { name: 'records', dtype: 'rec', dims: [n, recordBytes], data: section('records') },
          { name: 'profiles', dtype: 'u8', dims: [profileBytes], data: new Uint8Array(profileBytes) },
        ],
        16,
      );
    expect(() => parseUsersHeader(rebuilt(n * recordBytes - 4))).toThrow(
      /section profiles: expected 300 records/,
    );
    expect(() => parseUsersHeader(rebuilt(n * recordBytes + 6))).toThrow(/section profiles/);
    expect(parseUsersHeader(rebuilt(n * recordBytes)).profiles).toBeDefined();
    // Parses, but a whole-file read finds the lists missing.
    expect(() => readUsersBin(rebuilt(n * recordBytes))).toThrow(
      /section profiles: 300 records of 32 bytes and 600/,
    );
  });
});

function readUserRecordAt(bytes: Uint8Array, offset: number) {
  const header = parseUsersHeader(bytes);
  return parseUserRecord(header, bytes.slice(offset, offset + header.recordBytes));
}
