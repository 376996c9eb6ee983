/**
 * Cold-start evaluation: how well the model ranks for a user it learns about only from the few ratings they give,
 * through the path the edge serves such users with (POST /v1/recommendations): a user vector folded in from those
 * ratings (shared/src/kernels/fold-in.ts) on the model's own scorer, then ranked like any user (two-stage with the
 * run's plan when it has one), the rated movies excluded.
 *
 * Protocol: a seeded sample of test users with at least `minRatings` rated movies (all rows of the data, distinct
 * movies). Each user's movies are put in a seeded order of their own; for each n of `reveals` the first n are
 * revealed (so a larger n sees the smaller n's ratings too) and every other rated movie is the test: NDCG@k against
 * those rated ≥ the relevance threshold. Popularity (most training ratings first, the revealed movies excluded) is
 * measured on the same users and lists of revealed movies, as the reference a cold-start model has to beat.
 */
import {
  foldIn,
  foldInPriors,
  type FoldInOptions,
  type RateUsers,
} from '../../../shared/src/kernels/fold-in.ts';
import { createRng, partialShuffle, Sfc32 } from '../../../shared/src/kernels/prng.ts';
import { topK } from '../../../shared/src/kernels/top-k.ts';
import { groupRowsByUser } from '../data/split/group.ts';
import type { RatingsTable, Split } from '../data/types.ts';
import { Ranker } from '../model/ranker.ts';
import { predictPairs, type Scorer } from '../model/scoring.ts';
import { popularityPercentiles, PopularityTally } from './popularity-bias.ts';
import { listMetrics } from './ranking-metrics.ts';
import { countRows } from './user-items.ts';

/** PRNG stream of the cold-start user sample and of each user's reveal order (apart from the other samples). */
const COLD_START_STREAM = 13;

/** Defaults of ColdStartOptions. */
export const COLD_START_DEFAULTS = {
  reveals: [1, 3, 5, 10],
  maxUsers: 300,
  minRatings: 20,
  k: 10,
  seed: 42,
  relevantThreshold: 4,
} as const;

export interface ColdStartOptions {
  /** Numbers of revealed ratings, ascending (default 1, 3, 5, 10). */
  reveals?: readonly number[];
  /** Users measured at most (default 300). */
  maxUsers?: number;
  /** Rated movies a test user needs to be measured (default 20; more than the largest reveal). */
  minRatings?: number;
  /** Cut-off of NDCG (default 10). */
  k?: number;
  seed?: number;
  /** A rating at least this high is relevant (default 4, as in the main evaluation). */
  relevantThreshold?: number;
  /** Options of the fold-in (default: the edge's). */
  foldIn?: FoldInOptions;
}

/** Results for one number of revealed ratings, averaged over the measured users. */
export interface ColdStartRow {
  revealed: number;
  /** NDCG@k of the model ranking the folded-in user. */
  ndcg: number;
  /** NDCG@k of the popularity list for the same users and revealed movies. */
  popularityNdcg: number;
  /** Mean popularity percentile of the model's lists (see popularity-bias.ts). */
  popularityPct: number;
  /** Mean RMSE of the fold-in on the revealed ratings (how closely the folded-in user fits them). */
  fitRmse: number;
}

export interface ColdStartResult {
  k: number;
  rows: ColdStartRow[];
  /** Users measured (the same users for every row). */
  users: number;
  /**
   * Test users with at least `minRatings` rated movies and a relevant one. Of those drawn, a user whose relevant
   * movies all fall among the largest reveal is skipped (nothing left to find).
   */
  eligibleUsers: number;
  /** True when the draw stopped at `maxUsers` before going through every eligible user (a seeded sample). */
  sampled: boolean;
  minRatings: number;
  seed: number;
  relevantThreshold: number;
}

/** One user as the model sees it: a [dim] vector and a bias. */
export interface UserVector {
  vec: Float32Array;
  bias: number;
}

/**
 * Predicted ratings of arbitrary user vectors (not clipped), every user against every movie: the scorer's own
 * computation (model/scoring.ts predictPairs) with the user table replaced by the given vectors.
 * @param userVecs [U, dim]
 * @param userBiases [U]
 * @returns [U, movies.length] row-major
 * @throws RangeError when the shapes disagree or a movie index is out of range
 */
export function rateUserVectors(
  scorer: Scorer,
  userVecs: Float32Array,
  userBiases: Float32Array,
  movies: Int32Array,
): Float32Array {
  const w = scorer.weights;
  const users = userBiases.length;
  if (userVecs.length !== users * w.dim) {
    throw new RangeError(
      `rateUserVectors: expected ${users} × ${w.dim} user vector values for ${users} biases (got ${userVecs.length})`,
    );
  }
  // The scorer's precomputed layers do not depend on the user table, so a view with other users is exact.
  const view: Scorer = {
    ...scorer,
    weights: { ...w, numUsers: users, userEmb: userVecs, userBias: userBiases },
  };
  const n = movies.length;
  const pairUsers = new Int32Array(users * n);
  const pairMovies = new Int32Array(users * n);
  for (let r = 0; r < users; r++) {
    pairUsers.fill(r, r * n, (r + 1) * n);
    pairMovies.set(movies, r * n);
  }
  return predictPairs(view, pairUsers, pairMovies);
}

/** The fold-in's rating function on a scorer. */
export function scorerRater(scorer: Scorer): RateUsers {
  return (userVecs, userBiases, movies) => rateUserVectors(scorer, userVecs, userBiases, movies);
}

/**
 * Ranks arbitrary user vectors exactly as `ranker` ranks known users (Ranker.rank takes a dense user index): a
 * Ranker of the same kind and plan on a one-user view of the scorer, whose user row each call overwrites.
 * The returned function is not re-entrant (neither is Ranker).
 * @returns (user, k, exclude: sorted dense movie indices never returned) => the best k movies, best first
 */
export function userVectorRanker(
  ranker: Ranker,
): (user: UserVector, k: number, exclude: Int32Array) => Int32Array {
  const { scorer } = ranker;
  const w = scorer.weights;
  const userEmb = new Float32Array(w.dim);
  const userBias = new Float32Array(1);
  const view = new Ranker(
    { ...scorer, weights: { ...w, numUsers: 1, userEmb, userBias } },
    ranker.rankBy,
    ranker.plan,
  );
  return (user, k, exclude) => {
    if (user.vec.length !== w.dim) {
      throw new RangeError(`expected a user vector of ${w.dim} values (got ${user.vec.length})`);
    }
    userEmb.set(user.vec);
    userBias[0] = user.bias;
    return view.rank(0, k, exclude).movies;
  };
}

/**
 * The order in which a user's rated movies are revealed: positions into the user's distinct rated movies
 * (ascending by movie), of which the first `reveal` are drawn uniformly (a seeded partial shuffle of the user's
 * own stream, so it does not depend on which other users are sampled); the rest keep no meaningful order.
 */
export function revealOrder(count: number, reveal: number, seed: number, user: number): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  partialShuffle(order, 0, count, Math.min(reveal, count), new Sfc32(seed, COLD_START_STREAM, user));
  return order;
}

/** A user's distinct rated movies (ascending) and ratings; of a movie rated twice, the later row counts. */
export function ratedMovies(
  table: RatingsTable,
  rows: ArrayLike<number>,
): { movies: Int32Array; ratings: Float32Array } {
  const byMovie = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    byMovie.set(table.movies[row] as number, table.ratings[row] as number);
  }
  const movies = Int32Array.from(byMovie.keys()).sort();
  return { movies, ratings: Float32Array.from(movies, (m) => byMovie.get(m) as number) };
}

/**
 * Measures cold-start ranking (see the file comment).
 * @param ranker the model as it ranks (e.g. two-stage with the run's plan); its scorer rates for the fold-in
 * @throws RangeError on a bad option
 */
export async function evaluateColdStart(
  ranker: Ranker,
  table: RatingsTable,
  split: Split,
  options: ColdStartOptions = {},
): Promise<ColdStartResult> {
  const o = { ...COLD_START_DEFAULTS, ...options };
  const { k, maxUsers, minRatings, seed, relevantThreshold } = o;
  const reveals = [...o.reveals];
  const maxReveal = reveals.at(-1) ?? 0;
  if (
    reveals.length === 0 ||
    reveals.some((n, i) => !Number.isInteger(n) || n < 1 || n <= (reveals[i - 1] ?? 0))
  ) {
    throw new RangeError(
      `cold start: reveals must be ascending whole numbers >= 1 (got ${reveals.join(', ')})`,
    );
  }
  if (!Number.isInteger(minRatings) || minRatings <= maxReveal) {
    throw new RangeError(
      `cold start: minRatings must be a whole number above the largest reveal, ${maxReveal} (got ${minRatings})`,
    );
  }
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`cold start: k must be a whole number >= 1 (got ${k})`);
  if (!(maxUsers >= 1)) throw new RangeError(`cold start: maxUsers must be >= 1 (got ${maxUsers})`);

  const w = ranker.scorer.weights;
  const numUsers = table.userIds.length;
  const numMovies = table.movieIds.length;
  if (w.numUsers !== numUsers || w.numMovies !== numMovies) {
    throw new RangeError(
      `cold start: the model has ${w.numUsers} users × ${w.numMovies} movies but the data has ` +
        `${numUsers} × ${numMovies}`,
    );
  }
  const groups = groupRowsByUser(table.users, numUsers);
  const rowsOf = (u: number) => groups.rows.subarray(groups.offsets[u], groups.offsets[u + 1]);
  const isTestUser = new Uint8Array(numUsers);
  for (const row of split.test) isTestUser[table.users[row] as number] = 1;
  const pool: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    if (isTestUser[u] === 0) continue;
    const { movies, ratings } = ratedMovies(table, rowsOf(u));
    if (movies.length >= minRatings && ratings.some((r) => r >= relevantThreshold)) pool.push(u);
  }
  const order = Int32Array.from(pool);
  partialShuffle(order, 0, order.length, order.length, createRng(seed, COLD_START_STREAM));

  const movieCounts = countRows(table.movies, numMovies, split.train);
  const popularity = Float32Array.from(movieCounts);
  const percentiles = popularityPercentiles(movieCounts);
  const tallies = reveals.map(() => new PopularityTally(percentiles));
  const rate = scorerRater(ranker.scorer);
  const rank = userVectorRanker(ranker);
  const priors = foldInPriors(w.movieEmb, w.movieBias, w.dim);
  const sums = reveals.map(() => ({ ndcg: 0, popularityNdcg: 0, fitRmse: 0 }));
  const isRelevant = new Uint8Array(numMovies);
  let measured = 0;
  let visited = 0;
  for (const u of order) {
    if (measured >= maxUsers) break;
    visited++;
    const { movies, ratings } = ratedMovies(table, rowsOf(u));
    const shuffled = revealOrder(movies.length, maxReveal, seed, u);
    // Every n must leave a relevant movie to find: the test of the largest reveal is the smallest.
    if (!shuffled.subarray(maxReveal).some((i) => (ratings[i] as number) >= relevantThreshold)) continue;
    measured++;
    for (const [r, n] of reveals.entries()) {
      const shown = shuffled.subarray(0, n);
      const shownMovies = Int32Array.from(shown, (i) => movies[i] as number);
      const shownRatings = Float32Array.from(shown, (i) => ratings[i] as number);
      let numRelevant = 0;
      for (const i of shuffled.subarray(n)) {
        if ((ratings[i] as number) >= relevantThreshold) {
          isRelevant[movies[i] as number] = 1;
          numRelevant++;
        }
      }
      const fit = await foldIn(rate, priors, shownMovies, shownRatings, o.foldIn);
      const exclude = shownMovies.slice().sort();
      const top = rank(fit, k, exclude);
      const popular = topK(popularity, k, { sorted: exclude }).indices;
      const sum = sums[r]!;
      sum.ndcg += listMetrics(top, isRelevant, numRelevant, k).ndcg;
      sum.popularityNdcg += listMetrics(popular, isRelevant, numRelevant, k).ndcg;
      sum.fitRmse += fit.rmse;
      tallies[r]!.add(top);
      for (const m of movies) isRelevant[m] = 0;
    }
  }
  return {
    k,
    rows: reveals.map((revealed, r) => ({
      revealed,
      ndcg: sums[r]!.ndcg / measured,
      popularityNdcg: sums[r]!.popularityNdcg / measured,
      popularityPct: tallies[r]!.mean(),
      fitRmse: sums[r]!.fitRmse / measured,
    })),
    users: measured,
    eligibleUsers: pool.length,
    sampled: visited < pool.length,
    minRatings,
    seed,
    relevantThreshold,
  };
}
