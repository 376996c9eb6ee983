import { describe, expect, it } from 'vitest';
import { describeSplit, formatSplitSummary } from './report.ts';
import { tableOf } from '../../../../tools/split-tables.ts';
import { temporalSplit } from './temporal.ts';

describe('describeSplit', () => {
  it('counts train, test, test users and movies, and cold rows', () => {
    const table = tableOf([
      [1, 10, 4, 100],
      [2, 10, 4, 150],
      [1, 11, 4, 200],
      [3, 10, 4, 210],
      [3, 12, 4, 230],
    ]);
    const summary = describeSplit(temporalSplit(table, 200), table);
    expect(summary).toEqual({
      description: 'temporal cut-off 1970-01-01T00:03:20Z',
      train: 2,
      test: 3,
      testFraction: 0.6,
      testUsers: 2,
      testMovies: 3,
      coldUserRows: 2,
      coldMovieRows: 2,
    });
    expect(formatSplitSummary(summary)).toBe(
      'temporal cut-off 1970-01-01T00:03:20Z: train 2, test 3 (60.0%) over 2 users and 3 movies; ' +
        'cold test rows: 2 with an unseen user, 2 with an unseen movie',
    );
  });
});
