import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_PREFIX, eventsKey } from '../../../shared/src/schemas/events.ts';
import { loadRatings } from '../data/load/index.ts';
import { fileStore } from '../store/file-store.ts';
import { gatherRatings, keyTime, onScale, RATINGS_PREFIX } from './gather.ts';
import { mergeRatings } from './merge-data.ts';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'marquee-gather-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const rating = (user: number, movie: number, value: number, received: Date) =>
  JSON.stringify({
    type: 'rating',
    user,
    movie,
    value,
    schema: 1,
    received: received.toISOString(),
    arm: { version: '20260101-000000-00000000', channel: 'stable' },
  });

describe('gatherRatings', () => {
  it('reads each settled events file once, in key order, and keeps ratings on the scale', async () => {
    const store = fileStore(join(root, 'store'));
    const events = fileStore(join(root, 'events'));
    const now = new Date('2026-03-02T12:00:00Z');
    const scale = { min: 1, max: 5, step: 1 };
    const early = new Date('2026-03-01T23:30:00Z');
    const late = new Date('2026-03-02T11:55:00Z'); // within the 10-minute settle time
    await events.put(
      eventsKey(EVENTS_PREFIX, early, 'a'),
      new TextEncoder().encode([rating(1, 2, 4, early), rating(1, 3, 3.5, early), 'garbage'].join('\n')),
    );
    await events.put(eventsKey(EVENTS_PREFIX, late, 'b'), new TextEncoder().encode(rating(2, 2, 5, late)));
    const first = await gatherRatings(store, events, scale, { now, settleMs: 600_000 });
    expect(first.ratings).toEqual([[1, 2, 4, Math.floor(early.getTime() / 1000)]]);
    expect(first.delta).toMatchObject({ files: 1, offScale: 1, invalidLines: 1, from: null });
    const again = await gatherRatings(store, events, scale, { now, settleMs: 600_000 });
    expect(again.delta).toBeNull();
    const later = await gatherRatings(store, events, scale, {
      now: new Date('2026-03-02T13:00:00Z'),
      settleMs: 600_000,
    });
    expect(later.delta?.from).toBe(first.delta?.to);
    expect(later.ratings.map((r) => r[0])).toEqual([1, 2]);
    expect(await store.list(RATINGS_PREFIX)).toHaveLength(2);
  });

  it('counts a redelivered rating or watch once, within a read and across the runs that read it', async () => {
    const store = fileStore(join(root, 'store-dups'));
    const events = fileStore(join(root, 'events-dups'));
    const scale = { min: 1, max: 5, step: 1 };
    const t1 = new Date('2026-03-01T10:00:00Z');
    const t2 = new Date('2026-03-01T11:00:00Z');
    const withId = (line: string, id: string) => JSON.stringify({ ...JSON.parse(line), id });
    const watch = JSON.stringify({ ...JSON.parse(rating(3, 4, 1, t1)), type: 'watch', value: undefined });
    await events.put(
      eventsKey(EVENTS_PREFIX, t1, 'a'),
      new TextEncoder().encode(
        [rating(1, 2, 4, t1), rating(1, 2, 4, t1), withId(rating(2, 2, 5, t1), 'r-7'), watch, watch].join(
          '\n',
        ),
      ),
    );
    const first = await gatherRatings(store, events, scale, {
      now: new Date('2026-03-01T10:30:00Z'),
      settleMs: 0,
    });
    expect(first.ratings).toEqual([
      [1, 2, 4, Math.floor(t1.getTime() / 1000)],
      [2, 2, 5, Math.floor(t1.getTime() / 1000)],
    ]);
    expect(first.delta).toMatchObject({ duplicates: 2, watches: 1 });
    expect(first.delta?.seen).toHaveLength(3);
    // A later file: the first batch redelivered, and the id'd rating resent by the app (a later receive time).
    await events.put(
      eventsKey(EVENTS_PREFIX, t2, 'b'),
      new TextEncoder().encode(
        [rating(1, 2, 4, t1), withId(rating(2, 2, 5, t2), 'r-7'), rating(1, 3, 2, t2)].join('\n'),
      ),
    );
    const second = await gatherRatings(store, events, scale, {
      now: new Date('2026-03-01T12:00:00Z'),
      settleMs: 0,
    });
    expect(second.delta).toMatchObject({
      duplicates: 2,
      ratings: [[1, 3, 2, Math.floor(t2.getTime() / 1000)]],
    });
    expect(second.ratings).toHaveLength(3);
  });

  it('parses key times and checks scales', () => {
    expect(keyTime(eventsKey(EVENTS_PREFIX, new Date('2026-03-01T02:03:04.005Z'), 'x'))).toBe(
      Date.parse('2026-03-01T02:03:04.005Z'),
    );
    expect(onScale(4.5, { min: 0.5, max: 5, step: 0.5 })).toBe(true);
    expect(onScale(4.5, { min: 1, max: 5, step: 1 })).toBe(false);
    expect(onScale(6, { min: 1, max: 5, step: 1 })).toBe(false);
  });
});

describe('mergeRatings', () => {
  it('appends rows in the base format beside its side files, and the loaders read them', async () => {
    const base = join(root, 'ml100k');
    await mkdir(base, { recursive: true });
    await writeFile(join(base, 'u.data'), '1\t1\t5\t881250949\n2\t1\t3\t891717742'); // no final newline
    const merged = await mergeRatings(
      base,
      [
        [3, 1, 4, 900000000],
        [1, 1, 2, 900000001],
      ],
      join(root, 'merged'),
    );
    expect(merged).toMatchObject({ format: 'movielens-100k', added: 2 });
    expect(await readFile(join(merged.path, 'u.data'), 'utf8')).toBe(
      '1\t1\t5\t881250949\n2\t1\t3\t891717742\n3\t1\t4\t900000000\n1\t1\t2\t900000001\n',
    );
    const { table, report } = await loadRatings(merged.path);
    expect(table.count).toBe(3); // user 1's later rating replaced the base one
    expect(report.duplicatesResolved).toBe(1);
    expect((await mergeRatings(base, [], join(root, 'unused'))).path).toBe(base);
  });

  it('takes MovieLens formats only: a generic CSV fails detection, naming the file', async () => {
    const csv = join(root, 'plain.csv');
    await writeFile(csv, 'uid,item,stars\n1,2,3\n');
    await expect(mergeRatings(csv, [[1, 1, 1, 1]], join(root, 'm2'))).rejects.toThrow(
      /plain\.csv:1: unknown format/,
    );
  });
});
