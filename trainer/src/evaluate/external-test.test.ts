import { describe, expect, it } from 'vitest';
import { externalTestSplit } from './external-test.ts';
import { splitOf, tinyTable } from '../../../tools/evaluation-data.ts';

describe('externalTestSplit', () => {
  // Training data: external user ids 100, 101; movie ids 500, 501, 502.
  const table = tinyTable(
    [
      [0, 0, 4],
      [1, 1, 3],
      [1, 2, 5],
    ],
    2,
    3,
  );
  const split = splitOf([0, 1], [2]);

  it('maps external ids into the training id space and drops what the model cannot know', () => {
    // Test file: users 101 and 999 (unknown), movies 502, 500 and 777 (unknown).
    const test = tinyTable(
      [
        [0, 0, 2], // 101 rates 502
        [0, 1, 5], // 101 rates 500
        [1, 0, 1], // 999: unknown user
        [0, 2, 4], // 777: unknown movie
      ],
      2,
      3,
    );
    test.userIds = Int32Array.from([101, 999]);
    test.movieIds = Int32Array.from([502, 500, 777]);
    const r = externalTestSplit(table, split, test);
    expect(r.droppedUsers).toBe(1);
    expect(r.droppedMovies).toBe(1);
    expect(Array.from(r.split.train)).toEqual([0, 1]);
    expect(Array.from(r.split.test)).toEqual([3, 4]);
    expect(Array.from(r.table.users.subarray(3))).toEqual([1, 1]);
    expect(Array.from(r.table.movies.subarray(3))).toEqual([2, 0]);
    expect(Array.from(r.table.ratings.subarray(3))).toEqual([2, 5]);
    // Movie 502 (dense 2) has no training rating in split.train.
    expect(r.split.coldMovies).toBe(1);
    expect(r.table.count).toBe(5);
  });

  it('refuses a test file with nothing the model knows', () => {
    const test = tinyTable([[0, 0, 3]], 1, 1);
    test.userIds = Int32Array.from([42]);
    expect(() => externalTestSplit(table, split, test)).toThrow(/none of its 1 ratings/);
  });
});
