import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from './stratified.ts';
import {
  coldReference,
  expectPartition,
  randomTable,
  rowsByUser,
  tableOf,
} from '../../../../tools/split-tables.ts';

describe('stratifiedSplit', () => {
  const table = randomTable(2, 300, 80, 40);

  it('partitions, keeps every multi-rating user in train and single-rating users out of test', () => {
    const split = stratifiedSplit(table, 0.3, 7);
    expectPartition(split, table.count);
    const all = rowsByUser(table);
    const train = rowsByUser(table, split.train);
    const test = rowsByUser(table, split.test);
    for (const [u, rows] of all) {
      if (rows.length >= 2) expect(train.get(u)?.length ?? 0).toBeGreaterThanOrEqual(1);
      if (rows.length === 1) expect(test.has(u)).toBe(false);
    }
    expect(split.coldUsers).toBe(0);
    expect(split.coldMovies).toBe(coldReference(table, split).coldMovies);
  });

  it('holds out about the fraction of each user, overall and per user', () => {
    const split = stratifiedSplit(table, 0.3, 7);
    const multi = Array.from(rowsByUser(table).values())
      .filter((r) => r.length >= 2)
      .reduce((s, r) => s + r.length, 0);
    expect(split.test.length / multi).toBeGreaterThan(0.27);
    expect(split.test.length / multi).toBeLessThan(0.33);
    const test = rowsByUser(table, split.test);
    const all = rowsByUser(table);
    for (const [u, rows] of all) {
      const k = test.get(u)?.length ?? 0;
      // Stochastic rounding: floor or ceil of c × f, capped at c - 1.
      if (rows.length >= 2) {
        expect(k).toBeGreaterThanOrEqual(Math.min(Math.floor(rows.length * 0.3), rows.length - 1));
        expect(k).toBeLessThanOrEqual(Math.min(Math.ceil(rows.length * 0.3), rows.length - 1));
      }
    }
  });

  it('keeps one training rating even when the fraction would take them all', () => {
    const t = tableOf([
      [1, 1, 3, 1],
      [1, 2, 3, 2],
      [2, 1, 3, 3],
    ]);
    for (let seed = 0; seed < 10; seed++) {
      const split = stratifiedSplit(t, 0.99, seed);
      expect(split.test.length).toBe(1);
      expect([0, 1]).toContain(split.test[0]);
    }
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(stratifiedSplit(table, 0.2, 1).test).toEqual(stratifiedSplit(table, 0.2, 1).test);
    expect(stratifiedSplit(table, 0.2, 1).test).not.toEqual(stratifiedSplit(table, 0.2, 2).test);
  });
});
