/**
 * Quantities several sections share, computed once: training counts per user and movie, the model's test
 * predictions (raw and clipped) with their additive terms, and readable movie names.
 */
import { groupRowsByUser } from '../../data/split/group.ts';
import { clipToScale } from '../../evaluate/accuracy.ts';
import { countRows } from '../../evaluate/user-items.ts';
import { predictPairs, prepareScorer, type Scorer } from '../../model/scoring.ts';
import type { ReportInputs } from './types.ts';

/** Test pairs, grouped by user, with the model's predictions split into their additive terms. */
export interface TestPredictions {
  users: Int32Array;
  movies: Int32Array;
  truth: Float32Array;
  /** Unclipped predictions. */
  raw: Float32Array;
  /** Predictions clipped to the rating scale (what RMSE/MAE are computed on). */
  clipped: Float32Array;
  userBias: Float32Array;
  movieBias: Float32Array;
  /** The MLP output: raw − mu − biases (− dot for hybrid models). */
  mlp: Float32Array;
  /** e_user · e_movie for hybrid models; undefined for dcf. */
  dot?: Float32Array;
}

export interface ReportContext {
  inputs: ReportInputs;
  scorer: Scorer;
  /** Training ratings per user / per movie. */
  userCounts: Int32Array;
  movieCounts: Int32Array;
  test: TestPredictions;
  /** "Title (year)" or "movie <external id>". */
  movieName: (m: number) => string;
}

/**
 * Builds the shared context.
 * @throws RangeError when the weights do not match the table's users and movies
 */
export function reportContext(inputs: ReportInputs): ReportContext {
  const { weights: w, table, split } = inputs;
  if (w.numUsers !== table.userIds.length || w.numMovies !== table.movieIds.length) {
    throw new RangeError(
      `the model has ${w.numUsers} users × ${w.numMovies} movies but the data has ` +
        `${table.userIds.length} × ${table.movieIds.length}: the run and its data do not match`,
    );
  }
  const scorer = prepareScorer(w);
  const info = table.movieInfo;
  const movieName = (m: number): string => {
    const title = info?.titles[m];
    if (title === undefined || title === '') return `movie ${table.movieIds[m]}`;
    const year = info?.years[m] ?? 0;
    return year > 0 ? `${title} (${year})` : title;
  };
  return {
    inputs,
    scorer,
    userCounts: countRows(table.users, w.numUsers, split.train),
    movieCounts: countRows(table.movies, w.numMovies, split.train),
    test: testPredictions(inputs, scorer),
    movieName,
  };
}

function testPredictions(inputs: ReportInputs, scorer: Scorer): TestPredictions {
  const { weights: w, table, split } = inputs;
  // Grouping by user lets the scorer reuse each user's half of the first layer.
  const rows = groupRowsByUser(table.users, w.numUsers, split.test).rows;
  const n = rows.length;
  const users = new Int32Array(n);
  const movies = new Int32Array(n);
  const truth = new Float32Array(n);
  rows.forEach((row, i) => {
    users[i] = table.users[row] as number;
    movies[i] = table.movies[row] as number;
    truth[i] = table.ratings[row] as number;
  });
  const raw = predictPairs(scorer, users, movies);
  const movieBias = new Float32Array(n);
  const mlp = new Float32Array(n);
  const dot = w.arch === 'hybrid' ? new Float32Array(n) : undefined;
  const userBias = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = users[i] as number;
    const m = movies[i] as number;
    userBias[i] = w.userBias[u] as number;
    movieBias[i] = w.movieBias[m] as number;
    let d = 0;
    if (dot !== undefined) {
      for (let j = 0; j < w.dim; j++)
        d += (w.userEmb[u * w.dim + j] as number) * (w.movieEmb[m * w.dim + j] as number);
      dot[i] = d;
    }
    mlp[i] = (raw[i] as number) - w.mu - (userBias[i] as number) - (movieBias[i] as number) - d;
  }
  return {
    users,
    movies,
    truth,
    raw,
    clipped: clipToScale(raw, table.scale),
    userBias,
    movieBias,
    mlp,
    ...(dot === undefined ? {} : { dot }),
  };
}
