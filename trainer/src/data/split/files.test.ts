import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../shared/src/errors.ts';
import type { RatingsTable } from '../types.ts';
import { combineTrainTest } from './files.ts';
import { coldReference, tableOf } from '../../../../tools/split-tables.ts';

/** Reads back a merged row as external ids, to compare against the input tuples. */
const externalRow = (t: RatingsTable, row: number): number[] => [
  t.userIds[t.users[row]!]!,
  t.movieIds[t.movies[row]!]!,
  t.ratings[row]!,
  t.timestamps[row]!,
];

describe('combineTrainTest', () => {
  // Different first-appearance orders give the two tables different dense maps for the same external ids.
  const trainTuples = [
    [10, 100, 4, 1],
    [20, 200, 3, 2],
    [10, 300, 5, 3],
    [30, 100, 2, 4],
  ] as const;
  const testTuples = [
    [30, 300, 1, 5], // warm user, warm movie
    [40, 100, 4, 6], // cold user
    [20, 400, 3, 7], // cold movie
    [40, 400, 2, 8], // cold user and movie
    [10, 100, 5, 9], // pair also in train
  ] as const;
  const train = tableOf(trainTuples, 'u1.base');
  const test = tableOf(testTuples, 'u1.test');

  it('maps both id spaces onto one, keeping every rating with its external ids', () => {
    const { table } = combineTrainTest(train, test);
    expect(table.count).toBe(9);
    const all = [...trainTuples, ...testTuples];
    for (let row = 0; row < table.count; row++) expect(externalRow(table, row)).toEqual([...all[row]!]);
    expect(Array.from(table.userIds)).toEqual([10, 20, 30, 40]);
    expect(Array.from(table.movieIds)).toEqual([100, 200, 300, 400]);
    // Train's dense indices are unchanged.
    expect(Array.from(table.users.subarray(0, 4))).toEqual(Array.from(train.users));
    expect(Array.from(table.movies.subarray(0, 4))).toEqual(Array.from(train.movies));
    expect(table.source).toEqual({ format: 'test', path: 'u1.base + u1.test' });
  });

  it('splits train rows first, then test rows, counting cold rows and overlapping pairs', () => {
    const { table, split, overlappingPairs } = combineTrainTest(train, test);
    expect(Array.from(split.train)).toEqual([0, 1, 2, 3]);
    expect(Array.from(split.test)).toEqual([4, 5, 6, 7, 8]);
    expect(split.coldUsers).toBe(2);
    expect(split.coldMovies).toBe(2);
    expect({ coldUsers: split.coldUsers, coldMovies: split.coldMovies }).toEqual(coldReference(table, split));
    expect(overlappingPairs).toBe(1);
    expect(split.description).toBe('files train=u1.base test=u1.test (1 test pairs also in train)');
  });

  it('merges side information, taking test-only movies and users from the test table', () => {
    const a = tableOf(trainTuples);
    const b = tableOf(testTuples);
    const info = (t: RatingsTable, tag: string): void => {
      const ids = Array.from(t.movieIds);
      t.movieInfo = {
        titles: ids.map((id) => `${tag}${id}`),
        genres: Uint32Array.from(ids, (id) => id / 100),
        years: Int32Array.from(ids, (id) => 1900 + id / 10),
      };
      t.userInfo = {
        ages: Int32Array.from(t.userIds, (id) => id + 1),
        genders: Array.from(t.userIds, () => tag),
        occupations: Array.from(t.userIds, () => ''),
        likedGenres: Uint32Array.from(t.userIds, (id) => id % 7),
        dislikedGenres: new Uint32Array(t.userIds.length),
      };
    };
    info(a, 'A');
    info(b, 'B');
    const { table } = combineTrainTest(a, b);
    expect(table.movieInfo?.titles).toEqual(['A100', 'A200', 'A300', 'B400']);
    expect(Array.from(table.movieInfo!.genres)).toEqual([1, 2, 3, 4]);
    expect(Array.from(table.movieInfo!.years)).toEqual([1910, 1920, 1930, 1940]);
    expect(Array.from(table.userInfo!.ages)).toEqual([11, 21, 31, 41]);
    expect(table.userInfo!.genders).toEqual(['A', 'A', 'A', 'B']);
    // Without side information on the test table, test-only movies would have none: drop it rather than invent.
    delete b.movieInfo;
    expect(combineTrainTest(a, b).table.movieInfo).toBeUndefined();
  });

  it('merges half-star and whole-star scales and rejects ones that do not fit', () => {
    const half = tableOf(testTuples);
    half.scale = { min: 0.5, max: 5, step: 0.5 };
    expect(combineTrainTest(train, half).table.scale).toEqual({ min: 0.5, max: 5, step: 0.5 });
    const odd = tableOf(testTuples);
    odd.scale = { min: 1, max: 5, step: 0.3 };
    expect(() => combineTrainTest(train, odd)).toThrow(DataError);
  });
});
