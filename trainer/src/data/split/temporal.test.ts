import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../shared/src/errors.ts';
import { leaveOneOutSplit } from './leave-one-out.ts';
import {
  coldReference,
  expectPartition,
  randomTable,
  rowsByUser,
  tableOf,
} from '../../../../tools/split-tables.ts';
import { lastNSplit, temporalSplit } from './temporal.ts';

const table = randomTable(3, 200, 60, 25);

describe('temporalSplit', () => {
  it('puts ratings at or after the cut-off in test, with no leakage', () => {
    const cutoff = 1_000_030;
    const split = temporalSplit(table, cutoff);
    expectPartition(split, table.count);
    let maxTrain = 0;
    let minTest = Infinity;
    for (const r of split.train) maxTrain = Math.max(maxTrain, table.timestamps[r]!);
    for (const r of split.test) minTest = Math.min(minTest, table.timestamps[r]!);
    expect(maxTrain).toBeLessThan(cutoff);
    expect(minTest).toBeGreaterThanOrEqual(cutoff);
    expect(maxTrain).toBeLessThanOrEqual(minTest);
    expect(split.description).toBe('temporal cut-off 1970-01-12T13:47:10Z');
  });

  it('counts users and movies first seen after the cut-off as cold', () => {
    const t = tableOf([
      [1, 10, 4, 100],
      [2, 10, 4, 150],
      [2, 11, 4, 160],
      [1, 11, 4, 200], // test, warm
      [3, 10, 4, 210], // test, cold user
      [1, 12, 4, 220], // test, cold movie
      [3, 12, 4, 230], // test, cold user and movie
    ]);
    const split = temporalSplit(t, 200);
    expect(Array.from(split.test)).toEqual([3, 4, 5, 6]);
    expect(split.coldUsers).toBe(2);
    expect(split.coldMovies).toBe(2);
  });

  it('rejects a cut-off that empties train or test, naming the data range', () => {
    expect(() => temporalSplit(table, 2_000_000)).toThrow(UsageError);
    expect(() => temporalSplit(table, 2_000_000)).toThrow(/after the first rating \(1970-01-12T13:46:40Z\)/);
    expect(() => temporalSplit(table, 0)).toThrow(/every rating in test/);
  });

  it('rejects tables without timestamps', () => {
    const t = tableOf([
      [1, 1, 3, 0],
      [1, 2, 3, 0],
    ]);
    expect(() => temporalSplit(t, 1)).toThrow(
      /temporal split needs rating timestamps, but test\.csv has none/,
    );
    expect(() => lastNSplit(t, 1)).toThrow(UsageError);
    expect(() => leaveOneOutSplit(t)).toThrow(UsageError);
  });
});

describe('lastNSplit', () => {
  it('holds out each user’s N latest ratings: no test rating is older than a train rating of that user', () => {
    const split = lastNSplit(table, 3);
    expectPartition(split, table.count);
    const train = rowsByUser(table, split.train);
    const test = rowsByUser(table, split.test);
    const all = rowsByUser(table);
    for (const [u, rows] of all) {
      const k = test.get(u)?.length ?? 0;
      expect(k).toBe(Math.min(3, rows.length - 1));
      const trainRows = train.get(u) ?? [];
      expect(trainRows.length).toBeGreaterThanOrEqual(1);
      const newestTrain = Math.max(...trainRows.map((r) => table.timestamps[r]!));
      for (const r of test.get(u) ?? []) expect(table.timestamps[r]!).toBeGreaterThanOrEqual(newestTrain);
    }
    expect(split.coldUsers).toBe(0);
    expect(split.coldMovies).toBe(coldReference(table, split).coldMovies);
  });

  it('breaks timestamp ties by row index (the later row is the later rating)', () => {
    const t = tableOf([
      [1, 1, 3, 50],
      [1, 2, 3, 90],
      [1, 3, 3, 90],
      [1, 4, 3, 10],
      [1, 5, 3, 90],
    ]);
    expect(Array.from(lastNSplit(t, 2).test)).toEqual([2, 4]);
    expect(Array.from(lastNSplit(t, 3).test)).toEqual([1, 2, 4]);
  });

  it('rejects N below 1', () => {
    expect(() => lastNSplit(table, 0)).toThrow(/last-N split: expected a whole number >= 1 \(got 0\)/);
  });
});

describe('leaveOneOutSplit', () => {
  it('picks each user’s latest rating and keeps single-rating users in train', () => {
    const t = tableOf([
      [1, 1, 3, 300],
      [2, 1, 3, 100],
      [1, 2, 3, 500], // user 1's latest
      [3, 2, 3, 50], // user 3's only rating: stays in train
      [1, 3, 3, 400],
      [2, 3, 3, 100], // ties with row 1: the later row wins
    ]);
    const split = leaveOneOutSplit(t);
    expect(Array.from(split.test)).toEqual([2, 5]);
    expect(Array.from(split.train)).toEqual([0, 1, 3, 4]);
    expect(split.coldUsers).toBe(0);
  });

  it('holds out exactly one latest rating per multi-rating user on a random table', () => {
    const split = leaveOneOutSplit(table);
    expectPartition(split, table.count);
    const train = rowsByUser(table, split.train);
    const test = rowsByUser(table, split.test);
    for (const [u, rows] of test) {
      expect(rows.length).toBe(1);
      const t = table.timestamps[rows[0]!]!;
      for (const r of train.get(u)!) expect(table.timestamps[r]!).toBeLessThanOrEqual(t);
    }
    const multi = Array.from(rowsByUser(table).values());
    expect(test.size).toBe(multi.filter((r) => r.length >= 2).length);
  });
});
