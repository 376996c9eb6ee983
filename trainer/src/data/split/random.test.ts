import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../../../shared/src/errors.ts';
import { randomSplit } from './random.ts';
import { coldReference, expectPartition, randomTable, tableOf } from '../../../../tools/split-tables.ts';

describe('randomSplit', () => {
  const table = randomTable(1, 200, 50, 30);

  it('partitions every row exactly once with round(count × fraction) test rows, both ascending', () => {
    const split = randomSplit(table, 0.2, 42);
    expectPartition(split, table.count);
    expect(split.test.length).toBe(Math.round(table.count * 0.2));
    for (const rows of [split.train, split.test]) {
      for (let i = 1; i < rows.length; i++) expect(rows[i]!).toBeGreaterThan(rows[i - 1]!);
    }
    expect(split.description).toBe('random 0.2 seed=42');
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = randomSplit(table, 0.2, 42);
    const b = randomSplit(table, 0.2, 42);
    const c = randomSplit(table, 0.2, 43);
    expect(a.train).toEqual(b.train);
    expect(a.test).toEqual(b.test);
    expect(a.test).not.toEqual(c.test);
  });

  it('counts cold test rows on a hand-made case', () => {
    // User 9 has one rating and movie 77 one rating: whichever lands in test is cold.
    const t = tableOf([
      [1, 10, 4, 1],
      [1, 11, 3, 2],
      [2, 10, 5, 3],
      [2, 11, 2, 4],
      [9, 77, 1, 5],
    ]);
    for (let seed = 0; seed < 20; seed++) {
      const split = randomSplit(t, 0.4, seed);
      expect({ coldUsers: split.coldUsers, coldMovies: split.coldMovies }).toEqual(coldReference(t, split));
      const lastInTest = split.test.includes(4);
      expect(split.coldUsers >= (lastInTest ? 1 : 0)).toBe(true);
      expect(split.coldMovies >= (lastInTest ? 1 : 0)).toBe(true);
    }
  });

  it('rejects bad fractions and malformed tables', () => {
    expect(() => randomSplit(table, 0, 1)).toThrow(UsageError);
    expect(() => randomSplit(table, 1, 1)).toThrow(
      /random split: expected a fraction strictly between 0 and 1 \(got 1\)/,
    );
    expect(() => randomSplit(table, Number.NaN, 1)).toThrow(UsageError);
    const bad = tableOf([[1, 1, 3, 1]], 'bad.csv');
    bad.users[0] = 5;
    expect(() => randomSplit(bad, 0.5, 1)).toThrow(DataError);
    expect(() => randomSplit(bad, 0.5, 1)).toThrow(/bad\.csv: ratings table row 0: .*got user 5/);
  });

  it('handles an empty table', () => {
    const split = randomSplit(tableOf([]), 0.2, 1);
    expect(split.train.length + split.test.length).toBe(0);
  });
});
