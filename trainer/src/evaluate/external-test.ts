/**
 * Evaluation on a separate test file: its ratings are mapped into the id space of the data a model was trained
 * on and appended as the test rows of a new split (the training rows stay those of the original split).
 * Ratings of users or movies the training data does not know cannot be scored by a trained model; they are
 * dropped and counted.
 */
import { UsageError } from '../../../shared/src/errors.ts';
import type { RatingsTable, Split } from '../data/types.ts';

export interface ExternalTest {
  table: RatingsTable;
  split: Split;
  /** Test ratings whose user id is unknown to the training data. */
  droppedUsers: number;
  /** Test ratings whose movie id is unknown (and whose user is known). */
  droppedMovies: number;
}

/**
 * @param table the training data (dense ids = the model's ids)
 * @param split its split; only `split.train` is kept
 * @param test the external test ratings, with their own dense ids
 * @throws UsageError when no test rating can be mapped
 */
export function externalTestSplit(table: RatingsTable, split: Split, test: RatingsTable): ExternalTest {
  const userIndex = indexOf(table.userIds);
  const movieIndex = indexOf(table.movieIds);
  const users: number[] = [];
  const movies: number[] = [];
  const ratings: number[] = [];
  const timestamps: number[] = [];
  let droppedUsers = 0;
  let droppedMovies = 0;
  for (let i = 0; i < test.count; i++) {
    const u = userIndex.get(test.userIds[test.users[i] as number] as number);
    const m = movieIndex.get(test.movieIds[test.movies[i] as number] as number);
    if (u === undefined) droppedUsers++;
    else if (m === undefined) droppedMovies++;
    else {
      users.push(u);
      movies.push(m);
      ratings.push(test.ratings[i] as number);
      timestamps.push(test.timestamps[i] as number);
    }
  }
  if (users.length === 0) {
    throw new UsageError(
      `${test.source.path}: none of its ${test.count} ratings is of a user and movie the model knows ` +
        `(${droppedUsers} unknown users, ${droppedMovies} unknown movies).`,
    );
  }
  const n = table.count;
  const total = n + users.length;
  const concat = <T extends Int32Array | Float32Array | Uint32Array>(base: T, extra: number[], out: T): T => {
    out.set(base);
    out.set(extra, n);
    return out;
  };
  const combined: RatingsTable = {
    ...table,
    users: concat(table.users, users, new Int32Array(total)),
    movies: concat(table.movies, movies, new Int32Array(total)),
    ratings: concat(table.ratings, ratings, new Float32Array(total)),
    timestamps: concat(table.timestamps, timestamps, new Uint32Array(total)),
    count: total,
  };
  const testRows = Int32Array.from({ length: users.length }, (_, i) => n + i);
  const trained = new Uint8Array(table.userIds.length);
  const trainedMovies = new Uint8Array(table.movieIds.length);
  for (const row of split.train) {
    trained[table.users[row] as number] = 1;
    trainedMovies[table.movies[row] as number] = 1;
  }
  return {
    table: combined,
    split: {
      train: split.train,
      test: testRows,
      coldUsers: users.filter((u) => trained[u] === 0).length,
      coldMovies: movies.filter((m) => trainedMovies[m] === 0).length,
      description: `${split.description}; test rows from ${test.source.path}`,
    },
    droppedUsers,
    droppedMovies,
  };
}

function indexOf(ids: Int32Array): Map<number, number> {
  const map = new Map<number, number>();
  ids.forEach((id, i) => map.set(id, i));
  return map;
}
