/**
 * Top-N of the deep model for one user, in one of three ways (the `--rank-by` of `marquee evaluate`):
 *
 * - `blend` (what versions serve): the shared two-stage path (shared/src/kernels/two-stage.ts) — retrieve the
 *   plan's C movies by preference, rate them, order by pref + ratingWeight · rating;
 * - `preference`: the preference score alone over every unrated movie;
 * - `rating`: the predicted rating alone over every unrated movie (how models without a preference head rank).
 */
import { topK } from '../../../shared/src/kernels/top-k.ts';
import {
  blendCandidates,
  preferenceScores,
  retrieveCandidates,
  type PreferenceTables,
  type RankedList,
  type TwoStagePlan,
} from '../../../shared/src/kernels/two-stage.ts';
import { predictPairs, scoreAllMovies, type Scorer } from './scoring.ts';
import { preferenceMovieTable } from './weights.ts';

export const RANK_BY = ['blend', 'preference', 'rating'] as const;
export type RankBy = (typeof RANK_BY)[number];

/** Ranks movies for users of one model; reuses its buffers between calls (not re-entrant). */
export class Ranker {
  private readonly tables: PreferenceTables | undefined;
  private readonly scores: Float32Array;

  /**
   * @param plan the two-stage plan; required for `blend`
   * @throws RangeError when `rankBy` needs a preference head or plan the model does not have
   */
  constructor(
    readonly scorer: Scorer,
    readonly rankBy: RankBy,
    readonly plan?: TwoStagePlan,
  ) {
    const w = scorer.weights;
    if (rankBy !== 'rating' && w.pref === undefined) {
      throw new RangeError(
        `ranking by ${rankBy} needs a model trained with a preference head (--pref-weight > 0); use rating`,
      );
    }
    if (rankBy === 'blend' && plan === undefined) {
      throw new RangeError('ranking by blend needs the two-stage plan (candidates, ratingWeight) of the run');
    }
    this.tables = w.pref && {
      prefEmb: preferenceMovieTable(w),
      numMovies: w.numMovies,
      dim: w.dim,
      movieBias: w.pref.movieBias,
      historyWeight: w.pref.history[0]!,
    };
    this.scores = new Float32Array(w.numMovies);
  }

  /**
   * Preference scores of every movie for a user (the model must have a preference head).
   * @param history the movies the user rated (see shared preferenceScores)
   */
  preference(user: number, history: Int32Array): Float32Array {
    const w = this.scorer.weights;
    return preferenceScores(
      this.tables!,
      w.userEmb.subarray(user * w.dim, (user + 1) * w.dim),
      history,
      this.scores,
    );
  }

  /**
   * The best `k` movies for a dense user index, `exclude` (sorted dense indices) left out. The excluded movies
   * are the user's rated ones, so they are also the history of the preference's user vector.
   * `scores` are the blended scores (blend), preference scores (preference) or predicted ratings (rating);
   * `ratings` are always the predicted ratings.
   */
  rank(user: number, k: number, exclude: Int32Array): RankedList {
    const { scorer } = this;
    if (this.rankBy === 'rating') {
      const top = topK(scoreAllMovies(scorer, user, this.scores), k, { sorted: exclude });
      return { movies: top.indices, scores: top.scores, ratings: top.scores };
    }
    const pref = this.preference(user, exclude);
    if (this.rankBy === 'preference') {
      const top = topK(pref, k, { sorted: exclude });
      return { movies: top.indices, scores: top.scores, ratings: this.ratingsOf(user, top.indices) };
    }
    const plan = this.plan!;
    const candidates = retrieveCandidates(pref, Math.max(plan.candidates, k), exclude);
    return blendCandidates(candidates, this.ratingsOf(user, candidates.indices), plan.ratingWeight, k);
  }

  /** Predicted ratings of one user for the given movies. */
  ratingsOf(user: number, movies: Int32Array): Float32Array {
    return predictPairs(this.scorer, new Int32Array(movies.length).fill(user), movies);
  }
}
