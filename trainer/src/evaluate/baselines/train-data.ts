/** The training ratings of a split gathered into contiguous arrays, the input every baseline fits on. */
import { UsageError } from '../../../../shared/src/errors.ts';
import type { RatingsTable, Split } from '../../data/types.ts';

export interface TrainData {
  users: Int32Array;
  movies: Int32Array;
  ratings: Float32Array;
  numUsers: number;
  numMovies: number;
  /** Mean training rating. */
  mean: number;
}

/**
 * Gathers the training rows of a split.
 * @throws UsageError when the split has no training ratings
 */
export function trainData(table: RatingsTable, split: Split): TrainData {
  const n = split.train.length;
  if (n === 0) throw new UsageError(`the split "${split.description}" has no training ratings.`);
  const users = new Int32Array(n);
  const movies = new Int32Array(n);
  const ratings = new Float32Array(n);
  let sum = 0;
  split.train.forEach((row, i) => {
    users[i] = table.users[row] as number;
    movies[i] = table.movies[row] as number;
    ratings[i] = table.ratings[row] as number;
    sum += ratings[i] as number;
  });
  return {
    users,
    movies,
    ratings,
    numUsers: table.userIds.length,
    numMovies: table.movieIds.length,
    mean: sum / n,
  };
}
