import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDuplicates } from './duplicates.ts';
import { loadRatingFiles, loadRatings } from './index.ts';
import { externalRows, writeFixtures } from '../../../../tools/loader-files.ts';

describe('duplicate (user, movie) pairs', () => {
  it('keep the latest rating by timestamp and are reported', async () => {
    const dir = await writeFixtures({
      'u.data': [
        '1\t5\t2\t300',
        '2\t5\t4\t100',
        '1\t5\t5\t200',
        '1\t6\t1\t100',
        '1\t5\t3\t250',
        '1\t6\t4\t100',
      ].join('\n'),
    });
    const { table, report } = await loadRatings(dir);
    // (1,5): timestamps 300, 200, 250 -> keep the 300 one; (1,6): equal timestamps -> keep the later line.
    expect(externalRows(table)).toEqual([
      [1, 5, 2, 300],
      [2, 5, 4, 100],
      [1, 6, 4, 100],
    ]);
    expect(report.duplicatesResolved).toBe(3);
    expect(report.warnings).toContain('3 repeated (user, movie) ratings replaced by the latest one.');
    expect(table.users).toHaveLength(3);
  });

  it('keeps row order and file boundaries when removing rows', () => {
    const cols = {
      users: Int32Array.from([0, 1, 0, 0, 1]),
      movies: Int32Array.from([0, 0, 1, 0, 1]),
      ratings: Float32Array.from([1, 2, 3, 4, 5]),
      timestamps: Uint32Array.from([5, 5, 5, 9, 5]),
      count: 5,
    };
    const bounds = [0, 3, 5];
    expect(resolveDuplicates(cols, 2, 2, bounds)).toBe(1);
    expect(Array.from(cols.ratings.subarray(0, cols.count))).toEqual([2, 3, 4, 5]);
    expect(bounds).toEqual([0, 2, 4]);
  });

  it('are found the same way when the rows are already sorted by user', () => {
    const cols = {
      users: Int32Array.from([0, 0, 0, 1, 1, 1]),
      movies: Int32Array.from([0, 1, 0, 0, 2, 0]),
      ratings: Float32Array.from([1, 2, 3, 4, 5, 6]),
      timestamps: Uint32Array.from([9, 1, 5, 1, 1, 2]),
      count: 6,
    };
    expect(resolveDuplicates(cols, 2, 3)).toBe(2);
    expect(Array.from(cols.ratings.subarray(0, cols.count))).toEqual([1, 2, 5, 6]);
  });

  it('are resolved across files loaded together, which keep one id space', async () => {
    const dir = await writeFixtures({
      'u1.base': '1\t5\t3\t10\n2\t6\t4\t10\n',
      'u1.test': '1\t5\t1\t20\n3\t7\t2\t30\n',
    });
    const { table, parts, report } = await loadRatingFiles([join(dir, 'u1.base'), join(dir, 'u1.test')]);
    expect(Array.from(table.userIds)).toEqual([1, 2, 3]);
    expect(report.duplicatesResolved).toBe(1);
    expect(parts.map((p) => [p.start, p.count])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(externalRows(table)).toEqual([
      [2, 6, 4, 10],
      [1, 5, 1, 20],
      [3, 7, 2, 30],
    ]);
  });
});
