/** Summaries of a split for run logs and reports: sizes, test users and how much of test is cold. */
import type { RatingsTable, Split } from '../types.ts';

/** Counts describing a split. Row counts are numbers of ratings. */
export interface SplitSummary {
  description: string;
  /** Training rows. */
  train: number;
  /** Test rows. */
  test: number;
  /** test / (train + test), 0 for an empty table. */
  testFraction: number;
  /** Distinct users with at least one test row. */
  testUsers: number;
  /** Distinct movies with at least one test row. */
  testMovies: number;
  /** Test rows whose user has no training rating. */
  coldUserRows: number;
  /** Test rows whose movie has no training rating. */
  coldMovieRows: number;
}

function distinct(rows: Int32Array, column: Int32Array, size: number): number {
  const seen = new Uint8Array(size);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = column[rows[i]!]!;
    if (seen[v] === 0) {
      seen[v] = 1;
      n++;
    }
  }
  return n;
}

/** Counts train/test rows, test users and movies, and cold test rows. O(test + users + movies). */
export function describeSplit(split: Split, table: RatingsTable): SplitSummary {
  const total = split.train.length + split.test.length;
  return {
    description: split.description,
    train: split.train.length,
    test: split.test.length,
    testFraction: total === 0 ? 0 : split.test.length / total,
    testUsers: distinct(split.test, table.users, table.userIds.length),
    testMovies: distinct(split.test, table.movies, table.movieIds.length),
    coldUserRows: split.coldUsers,
    coldMovieRows: split.coldMovies,
  };
}

/** One line for a terminal, e.g. "user 0.1 seed=42: train 90,000, test 10,000 (10.0%) over 943 users ...". */
export function formatSplitSummary(s: SplitSummary): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return (
    `${s.description}: train ${n(s.train)}, test ${n(s.test)} (${(s.testFraction * 100).toFixed(1)}%) ` +
    `over ${n(s.testUsers)} users and ${n(s.testMovies)} movies; cold test rows: ` +
    `${n(s.coldUserRows)} with an unseen user, ${n(s.coldMovieRows)} with an unseen movie`
  );
}
