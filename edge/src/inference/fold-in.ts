/**
 * Cold start by fold-in on the served graph. The algorithm — a MAP fit of a user vector and bias to the given
 * ratings by a few Gauss–Newton steps with forward-difference Jacobians — is shared/src/kernels/fold-in.ts, which
 * the trainer's cold-start evaluation runs too; this file gives it onnxruntime-web as the rating function and the
 * catalogue's movie tables for its priors.
 */
import {
  foldIn as fitUser,
  foldInPriors,
  type FoldInOptions,
  type FoldInPriors,
  type RateUsers,
} from '../../../shared/src/kernels/fold-in.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { toInt64 } from './pairs.ts';
import type { UserVector } from './ranking.ts';
import type { ServingModel } from './serving-model.ts';

export type { FoldInOptions };

export interface FoldInResult {
  user: UserVector;
  /** Root-mean-square error of the fitted user on the given ratings. */
  rmse: number;
  /** Graph evaluations made. */
  evaluations: number;
}

const priorsCache = new WeakMap<MovieCatalog, FoldInPriors>();

/** The priors' scales from the catalogue's movie tables, once per catalogue. */
function priorsOf(catalog: MovieCatalog): FoldInPriors {
  let p = priorsCache.get(catalog);
  if (p === undefined) {
    p = foldInPriors(catalog.tables.emb, catalog.tables.bias, catalog.dim);
    priorsCache.set(catalog, p);
  }
  return p;
}

/** The graph as fold-in's rating function: every user row against every movie in ONE call (the model splits long calls). */
function graphRater(model: ServingModel): RateUsers {
  return (userVec, userBias, movies) => {
    const rows = userBias.length;
    const n = movies.length;
    const rated = toInt64(movies);
    const pairUser = new BigInt64Array(rows * n);
    const words = new Int32Array(pairUser.buffer);
    const pairMovie = new BigInt64Array(rows * n);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < n; i++) words[2 * (r * n + i)] = r;
      pairMovie.set(rated, r * n);
    }
    return model.score({ userVec, userBias, pairUser, pairMovie });
  };
}

/**
 * Fits a user to (movie, rating) pairs on the served graph.
 * @param movies dense movie indices of the rated movies (distinct)
 * @param ratings the ratings, same length
 * @throws RangeError when the lengths differ or no rating is given
 */
export async function foldIn(
  model: ServingModel,
  catalog: MovieCatalog,
  movies: Int32Array,
  ratings: Float32Array,
  options: FoldInOptions = {},
): Promise<FoldInResult> {
  const fit = await fitUser(graphRater(model), priorsOf(catalog), movies, ratings, options);
  return { user: { vec: fit.vec, bias: fit.bias }, rmse: fit.rmse, evaluations: fit.evaluations };
}
