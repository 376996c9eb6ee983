import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../errors.ts';
import {
  fenceLookup,
  findInPage,
  lookupUser,
  openUsersIndex,
  parseUsersHeader,
  readFence,
  readUsersBin,
  writeUsersBin,
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
