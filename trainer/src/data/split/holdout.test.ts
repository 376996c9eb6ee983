import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../shared/src/errors.ts';
import { holdout } from './holdout.ts';
import { randomSplit } from './random.ts';
import { randomTable, rowsByUser } from '../../../../tools/split-tables.ts';

describe('holdout', () => {
  const table = randomTable(4, 200, 60, 30);
  const split = randomSplit(table, 0.2, 1);

  it('partitions the given rows per user, keeping each multi-row user in train, in input order', () => {
    const { train, validation } = holdout(split.train, table, 0.25, 9);
    expect(train.length + validation.length).toBe(split.train.length);
    expect([...train, ...validation].sort((a, b) => a - b)).toEqual(Array.from(split.train));
    const test = new Set(split.test);
    for (const r of validation) expect(test.has(r)).toBe(false);
    const given = rowsByUser(table, split.train);
    const kept = rowsByUser(table, train);
    for (const [u, rows] of given) if (rows.length >= 2) expect(kept.get(u)?.length ?? 0).toBeGreaterThan(0);
    for (let i = 1; i < validation.length; i++) expect(validation[i]!).toBeGreaterThan(validation[i - 1]!);
    expect(validation.length / split.train.length).toBeGreaterThan(0.2);
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(holdout(split.train, table, 0.1, 3).validation).toEqual(
      holdout(split.train, table, 0.1, 3).validation,
    );
    expect(holdout(split.train, table, 0.1, 3).validation).not.toEqual(
      holdout(split.train, table, 0.1, 4).validation,
    );
  });

  it('rejects out-of-range or repeated rows and bad fractions', () => {
    expect(() => holdout(Int32Array.of(0, table.count), table, 0.1, 1)).toThrow(UsageError);
    expect(() => holdout(Int32Array.of(3, 1, 3), table, 0.1, 1)).toThrow(/got 3 at position 2, a repeat/);
    expect(() => holdout(split.train, table, 1.2, 1)).toThrow(/validation hold-out: expected a fraction/);
  });
});
