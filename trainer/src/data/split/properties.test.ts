/** Invariants of every split over a seeded grid of table sizes, checked against brute-force references. */
import { describe, expect, it } from 'vitest';
import { holdout } from './holdout.ts';
import { leaveOneOutSplit } from './leave-one-out.ts';
import { randomSplit } from './random.ts';
import { stratifiedSplit } from './stratified.ts';
import { coldReference, expectPartition, randomTable, rowsByUser } from '../../../../tools/split-tables.ts';
import { lastNSplit, temporalSplit } from './temporal.ts';
import type { RatingsTable, Split } from '../types.ts';

const GRID: Array<[users: number, movies: number, maxPerUser: number]> = [
  [2, 1, 2],
  [7, 3, 4],
  [40, 10, 12],
  [150, 60, 30],
  [600, 200, 50],
];

function checkCommon(table: RatingsTable, split: Split): void {
  expectPartition(split, table.count);
  expect({ coldUsers: split.coldUsers, coldMovies: split.coldMovies }).toEqual(coldReference(table, split));
}

function warmUsers(table: RatingsTable, split: Split): void {
  const all = rowsByUser(table);
  const train = rowsByUser(table, split.train);
  for (const [u, rows] of all) {
    if (rows.length >= 2) expect(train.has(u)).toBe(true);
    if (rows.length === 1) expect(split.test.includes(rows[0]!)).toBe(false);
  }
  expect(split.coldUsers).toBe(0);
}

describe.each(GRID)('splits of a random table with %i users, %i movies, <= %i ratings each', (u, m, k) => {
  for (const seed of [1, 2, 3]) {
    const table = randomTable(seed * 1000 + u, u, m, k);

    it(`seed ${seed}: random and per-user splits partition, count cold rows and replay`, () => {
      for (const f of [0.1, 0.5, 0.9]) {
        const r = randomSplit(table, f, seed);
        checkCommon(table, r);
        expect(r.test.length).toBe(Math.round(table.count * f));
        expect(randomSplit(table, f, seed)).toEqual(r);
        // Tiny tables have few possible splits; from 40 users on, another seed must give another one.
        if (u >= 40) expect(randomSplit(table, f, seed + 100).test).not.toEqual(r.test);
        const s = stratifiedSplit(table, f, seed);
        checkCommon(table, s);
        warmUsers(table, s);
        expect(stratifiedSplit(table, f, seed)).toEqual(s);
        if (u >= 40) expect(stratifiedSplit(table, f, seed + 100).test).not.toEqual(s.test);
        const h = holdout(s.train, table, f, seed);
        expect([...h.train, ...h.validation].sort((a, b) => a - b)).toEqual(Array.from(s.train));
      }
    });

    it(`seed ${seed}: time-based splits partition without leakage`, () => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const t of table.timestamps) [lo, hi] = [Math.min(lo, t), Math.max(hi, t)];
      if (hi > lo) {
        const cutoff = Math.ceil((lo + hi) / 2);
        const g = temporalSplit(table, cutoff);
        checkCommon(table, g);
        for (const r of g.train) expect(table.timestamps[r]!).toBeLessThan(cutoff);
        for (const r of g.test) expect(table.timestamps[r]!).toBeGreaterThanOrEqual(cutoff);
      }
      for (const split of [lastNSplit(table, 1), lastNSplit(table, 4), leaveOneOutSplit(table)]) {
        checkCommon(table, split);
        warmUsers(table, split);
        const train = rowsByUser(table, split.train);
        for (const [user, rows] of rowsByUser(table, split.test)) {
          const newestTrain = Math.max(...train.get(user)!.map((r) => table.timestamps[r]!));
          for (const r of rows) expect(table.timestamps[r]!).toBeGreaterThanOrEqual(newestTrain);
        }
      }
      expect(leaveOneOutSplit(table).test).toEqual(lastNSplit(table, 1).test);
    });
  }
});
