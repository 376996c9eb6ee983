/**
 * Example recommendations with an explanation each: which of the user's rated movies the recommended movie is
 * closest to in embedding space (cosine of L2-normalized movie embeddings), and how its predicted score splits
 * into global mean, user bias, movie bias and the interaction term (MLP, plus the dot product of hybrid models).
 */
import { topK } from '../../../../shared/src/kernels/top-k.ts';

/** The additive parts of one predicted score; they sum to `score`. */
export interface ScoreSplit {
  mu: number;
  userBias: number;
  movieBias: number;
  /** score − mu − biases: what the MLP (and the dot product of hybrid models) adds. */
  interaction: number;
}

/** A rated movie similar to the recommended one. */
export interface SimilarRated {
  movie: number;
  cosine: number;
  rating: number;
}

/** One recommendation and its explanation. */
export interface ExplainedRecommendation {
  movie: number;
  /** Predicted rating (not clipped). */
  score: number;
  split: ScoreSplit;
  /** The user's rated movies most similar to this one, most similar first. */
  because: SimilarRated[];
}

/** Inputs of `explainRecommendations` for one user. */
export interface ExplainInputs {
  /** Predicted rating of every movie for the user (e.g. scoreAllMovies), [numMovies]. */
  scores: Float32Array;
  /** Movies the user rated in training, ascending (excluded from the recommendations). */
  ratedMovies: Int32Array;
  /** The user's ratings of `ratedMovies`, aligned. */
  ratedValues: Float32Array;
  /** L2-normalized movie embeddings, [numMovies, dim]. */
  normalizedMovies: Float32Array;
  dim: number;
  mu: number;
  /** The user's bias. */
  userBias: number;
  /** [numMovies]. */
  movieBias: Float32Array;
}

/**
 * The top `n` unrated movies for a user, each with its `similar` most similar rated movies and its score split.
 * @throws RangeError when the shapes do not match or ratedMovies is not ascending
 */
export function explainRecommendations(
  inputs: ExplainInputs,
  n: number,
  similar = 3,
): ExplainedRecommendation[] {
  const { scores, ratedMovies, ratedValues, normalizedMovies, dim, movieBias } = inputs;
  const numMovies = scores.length;
  if (normalizedMovies.length !== numMovies * dim || movieBias.length !== numMovies) {
    throw new RangeError(
      `explainRecommendations: expected ${numMovies} movies of dim ${dim} (got ${normalizedMovies.length} embedding values and ${movieBias.length} biases)`,
    );
  }
  if (ratedMovies.length !== ratedValues.length) {
    throw new RangeError(
      `explainRecommendations: ${ratedMovies.length} rated movies but ${ratedValues.length} ratings`,
    );
  }
  const best = topK(scores, n, { sorted: ratedMovies });
  const cosines = new Float32Array(ratedMovies.length);
  return Array.from(best.indices, (movie, r) => {
    const score = best.scores[r] as number;
    const target = movie * dim;
    ratedMovies.forEach((m, j) => {
      let s = 0;
      for (let d = 0; d < dim; d++)
        s += (normalizedMovies[target + d] as number) * (normalizedMovies[m * dim + d] as number);
      cosines[j] = s;
    });
    const near = topK(cosines, similar);
    const bMovie = movieBias[movie] as number;
    return {
      movie,
      score,
      split: {
        mu: inputs.mu,
        userBias: inputs.userBias,
        movieBias: bMovie,
        interaction: score - inputs.mu - inputs.userBias - bMovie,
      },
      because: Array.from(near.indices, (j, i) => ({
        movie: ratedMovies[j] as number,
        cosine: near.scores[i] as number,
        rating: ratedValues[j] as number,
      })),
    };
  });
}

/**
 * A user's rated movies as ascending unique movie indices with aligned ratings; a movie rated more than once
 * (some sources keep re-ratings) gets the mean of its ratings.
 */
export function uniqueRatings(
  movies: ArrayLike<number>,
  ratings: ArrayLike<number>,
): { ratedMovies: Int32Array; ratedValues: Float32Array } {
  if (movies.length !== ratings.length) {
    throw new RangeError(`uniqueRatings: ${movies.length} movies but ${ratings.length} ratings`);
  }
  const sums = new Map<number, [number, number]>();
  for (let i = 0; i < movies.length; i++) {
    const m = movies[i] as number;
    const acc = sums.get(m) ?? [0, 0];
    acc[0] += ratings[i] as number;
    acc[1] += 1;
    sums.set(m, acc);
  }
  const ratedMovies = Int32Array.from(sums.keys()).sort();
  const ratedValues = Float32Array.from(ratedMovies, (m) => {
    const [sum, n] = sums.get(m) as [number, number];
    return sum / n;
  });
  return { ratedMovies, ratedValues };
}
