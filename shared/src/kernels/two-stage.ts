/**
 * Two-stage top-N, the one ranking path of the trainer (evaluate, recommend, report) and the edge:
 *
 * 1. retrieve: the C movies with the highest preference score pref(u, m) = e_u · r_m + p_m (what the user would
 *    choose; r_m the movie's preference vector), the user's rated movies excluded — a dot-product scan;
 * 2. order: the candidates by pref + ratingWeight · predicted rating (what they would choose and how they would
 *    like it). Only the C candidates need a predicted rating, which is what makes the MLP affordable at the edge.
 *
 * C and ratingWeight are chosen on validation ratings at training time and recorded in the version's manifest.
 */
import { topK, type TopK } from './top-k.ts';
import { matVec } from './vectors.ts';

/** How a version ranks: recorded in the run and the manifest (`ranking`). */
export interface TwoStagePlan {
  /** Movies retrieved by preference before the rating model orders them (C ≥ 1). */
  candidates: number;
  /** Weight of the predicted rating (in rating-scale units) against the preference score (≥ 0). */
  ratingWeight: number;
}

/**
 * Pseudo-count of the history mean: c_u = Σ r_j / (n + HISTORY_SHRINKAGE), the mean for users with many ratings,
 * shrunk towards 0 (the movies' preference biases alone: popularity) for a user who gave one or two. The trainer
 * computes the same during training (train/loop.ts).
 */
export const HISTORY_SHRINKAGE = 10;

/** The movie-side tables the preference scan reads (movies.bin `pref_emb`, `pref_bias`). */
export interface PreferenceTables {
  /** [numMovies, dim] the movies' preference vectors r. */
  prefEmb: Float32Array;
  numMovies: number;
  dim: number;
  /** [numMovies] p. */
  movieBias: Float32Array;
  /** Weight h of the user's history: q_u = e_u + h · mean(r_j over the movies the user rated). */
  historyWeight: number;
}

/**
 * Preference scores of every movie for one user, written into `out` ([numMovies]): pref(u, m) = q_u · r_m + p_m
 * with q_u = e_u + h · Σ_{j in history} r_j / (|history| + HISTORY_SHRINKAGE).
 * @param user e_u [dim]
 * @param history the movies the user rated (dense indices; duplicates count twice; entries outside the catalogue
 *   are ignored): in evaluation their training movies, at serving every rated movie, at cold start the given ones
 * @throws RangeError when the shapes disagree
 */
export function preferenceScores(
  tables: PreferenceTables,
  user: Float32Array,
  history: Int32Array,
  out: Float32Array = new Float32Array(tables.numMovies),
): Float32Array {
  const { prefEmb, numMovies, dim, movieBias, historyWeight } = tables;
  if (user.length !== dim || movieBias.length !== numMovies) {
    throw new RangeError(
      `preferenceScores: expected a user vector of ${dim} values and ${numMovies} movie biases ` +
        `(got ${user.length}, ${movieBias.length})`,
    );
  }
  const q = Float64Array.from(user);
  let n = 0;
  for (const j of history) if (j >= 0 && j < numMovies) n++;
  if (n > 0 && historyWeight !== 0) {
    const acc = new Float64Array(dim);
    for (const j of history) {
      if (!(j >= 0 && j < numMovies)) continue;
      const o = j * dim;
      for (let k = 0; k < dim; k++) acc[k] = (acc[k] as number) + (prefEmb[o + k] as number);
    }
    const scale = historyWeight / (n + HISTORY_SHRINKAGE);
    for (let k = 0; k < dim; k++) q[k] = (q[k] as number) + scale * (acc[k] as number);
  }
  matVec(prefEmb, numMovies, dim, Float32Array.from(q), out);
  for (let m = 0; m < numMovies; m++) out[m] = (out[m] as number) + (movieBias[m] as number);
  return out;
}

/**
 * Stage 1: the `candidates` movies with the highest preference scores, `exclude` (sorted) left out; best first.
 * @throws RangeError from topK on a bad count or an unsorted exclusion list
 */
export function retrieveCandidates(prefScores: Float32Array, candidates: number, exclude: Int32Array): TopK {
  return topK(prefScores, candidates, { sorted: exclude });
}

/** The final list: movies, their blended scores, and the predicted ratings that went into them. */
export interface RankedList {
  movies: Int32Array;
  scores: Float32Array;
  ratings: Float32Array;
}

/**
 * Stage 2: orders the candidates by pref + ratingWeight · rating and keeps the best `k`.
 * @param candidates stage 1's result (movies and their preference scores)
 * @param ratings predicted rating of each candidate, aligned with `candidates.indices`
 * @throws RangeError when the ratings are not aligned with the candidates or the plan is invalid
 */
export function blendCandidates(
  candidates: TopK,
  ratings: Float32Array,
  ratingWeight: number,
  k: number,
): RankedList {
  const n = candidates.indices.length;
  if (ratings.length !== n) {
    throw new RangeError(`blendCandidates: expected ${n} ratings, one per candidate (got ${ratings.length})`);
  }
  if (!(ratingWeight >= 0) || !Number.isFinite(ratingWeight)) {
    throw new RangeError(`blendCandidates: ratingWeight must be a finite number >= 0 (got ${ratingWeight})`);
  }
  const blended = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    blended[i] = (candidates.scores[i] as number) + ratingWeight * (ratings[i] as number);
  }
  const top = topK(blended, k);
  return {
    movies: Int32Array.from(top.indices, (i) => candidates.indices[i] as number),
    scores: top.scores,
    ratings: Float32Array.from(top.indices, (i) => ratings[i] as number),
  };
}

/**
 * Checks a plan read from a manifest or a run.
 * @throws RangeError naming the field
 */
export function checkPlan(plan: TwoStagePlan): TwoStagePlan {
  if (!Number.isInteger(plan.candidates) || plan.candidates < 1) {
    throw new RangeError(`ranking.candidates: expected a whole number >= 1 (got ${plan.candidates})`);
  }
  if (!Number.isFinite(plan.ratingWeight) || plan.ratingWeight < 0) {
    throw new RangeError(`ranking.ratingWeight: expected a finite number >= 0 (got ${plan.ratingWeight})`);
  }
  return plan;
}
