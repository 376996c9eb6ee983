/**
 * Contracts of offline evaluation: the RatingModel every scorer implements (the deep model and every baseline),
 * the options of one evaluation, and its result.
 */

/** Anything that predicts ratings and scores the whole catalogue for a user, on dense indices. */
export interface RatingModel {
  /** Short name used in tables and metric keys, e.g. "model", "mf", "global-mean". */
  name: string;
  /**
   * Predicted ratings for aligned (user, movie) pairs (not clipped; evaluation clips to the rating scale).
   * @returns Float32Array of the same length as the inputs
   */
  predict(users: Int32Array, movies: Int32Array): Float32Array;
  /**
   * Ranking scores of every movie for one user, written into `out` (length = number of movies). Higher is
   * better; the scores need not be ratings (popularity ranks by rating count).
   */
  scoreAll(user: number, out: Float32Array): void;
  /**
   * The model's own top-k for a user when it does not rank by `scoreAll` alone (the deep model's two-stage
   * path): dense movie indices, best first, none of `exclude` (sorted). Evaluation uses it when present.
   */
  rank?(user: number, k: number, exclude: Int32Array): Int32Array;
}

/** Options of `evaluateModel`. */
export interface EvaluationOptions {
  /** Cut-off of the ranking metrics (default 10). */
  k?: number;
  /** Rank at most this many test users, sampled uniformly with `seed` (default 1000; Infinity for all). */
  maxUsers?: number;
  /** Seed of the user sample (default 42). */
  seed?: number;
  /** A test rating at least this high is relevant (default 4, on 1–5 and 0.5–5 scales alike). */
  relevantThreshold?: number;
  /** Lower edges of the activity / popularity buckets, in training ratings (default 1, 5, 10, 20, 50, ...). */
  bucketEdges?: readonly number[];
}

/** Rating-prediction error over every test rating, predictions clipped to the rating scale. */
export interface AccuracyMetrics {
  rmse: number;
  mae: number;
  /** Number of test ratings. */
  count: number;
}

/** Top-k ranking quality, averaged over the ranked users (NaN when no test user has a relevant rating). */
export interface RankingMetrics {
  k: number;
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
  hit: number;
  /** Distinct movies recommended to the ranked users / number of movies in the catalogue. */
  coverage: number;
  /** Users ranked. */
  users: number;
  /** Test users with at least one relevant rating (ranked when ≤ maxUsers). */
  eligibleUsers: number;
  /** True when `users` < `eligibleUsers` (a seeded sample was ranked). */
  sampled: boolean;
  seed: number;
  relevantThreshold: number;
  /** Movies each user was ranked over, on average (the catalogue minus the user's training ratings). */
  meanCandidates: number;
  /**
   * Mean popularity percentile of the recommended movies (each movie's training-rating count as a percentile of
   * all movies, 100 = the most rated; popularity-bias.ts), averaged over the ranked users' lists. Set by
   * `evaluateModel`; absent from `evaluateRanking` alone.
   */
  popularityPct?: number;
}

/** Error statistics of the test ratings falling in one bucket. */
export interface ResidualRow {
  /** e.g. "4", "10–19", "1000+". */
  label: string;
  /** Inclusive lower bound of the bucket. */
  lo: number;
  /** Inclusive upper bound (Infinity for the last bucket). */
  hi: number;
  count: number;
  rmse: number;
  mae: number;
  /** Mean of prediction − truth: positive means over-prediction. */
  bias: number;
}

/** Residuals of the clipped predictions grouped three ways (rows with no ratings are omitted). */
export interface ResidualTables {
  /** By the true rating value. */
  byRating: ResidualRow[];
  /** By the number of training ratings of the user. */
  byUserActivity: ResidualRow[];
  /** By the number of training ratings of the movie. */
  byMoviePopularity: ResidualRow[];
}

/** Everything `evaluateModel` measured for one model on one split. */
export interface EvaluationResult {
  model: string;
  accuracy: AccuracyMetrics;
  ranking: RankingMetrics;
  residuals: ResidualTables;
}
