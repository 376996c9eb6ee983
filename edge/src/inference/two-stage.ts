/**
 * Top-N by the shared two-stage path (shared/src/kernels/two-stage.ts), for versions whose model has a preference
 * head: a preference scan over movies.bin's `pref_emb` retrieves the plan's C movies (rated movies and, with a genre filter,
 * movies without a wanted genre left out), onnxruntime-web rates only those C, and the blend of preference and
 * rating orders them. The trainer's evaluate / recommend / report run the same shared functions, so offline
 * metrics are what is served.
 */
import {
  blendCandidates,
  preferenceScores,
  retrieveCandidates,
  type PreferenceTables,
  type TwoStagePlan,
} from '../../../shared/src/kernels/two-stage.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';
import type { Ranked, RankingContext, RankOptions, UserVector } from './ranking.ts';

/** The movie-side tables of the preference scan, when the version has a preference head. */
export function preferenceTablesOf(
  catalog: MovieCatalog,
  historyWeight: number,
): PreferenceTables | undefined {
  const { tables } = catalog;
  if (tables.prefEmb === undefined || tables.prefBias === undefined) return undefined;
  return {
    prefEmb: tables.prefEmb,
    numMovies: tables.numMovies,
    dim: tables.dim,
    movieBias: tables.prefBias,
    historyWeight,
  };
}

/**
 * Two-stage top-N for one user vector.
 * @param score rates the given movies for the user (onnxruntime-web on the serving graph)
 * @throws RangeError when the version has no preference head
 */
export async function rankTwoStage(
  ctx: Pick<RankingContext, 'catalog'>,
  plan: TwoStagePlan & { historyWeight: number },
  user: UserVector,
  options: Pick<RankOptions, 'limit' | 'exclude' | 'genreMask' | 'history'>,
  score: (movies: Int32Array) => Promise<Float32Array>,
): Promise<Ranked> {
  const tables = preferenceTablesOf(ctx.catalog, plan.historyWeight);
  if (tables === undefined) throw new RangeError('rankTwoStage: the version has no preference head');
  const exclude = options.exclude ?? new Int32Array(0);
  const pref = preferenceScores(tables, user.vec, options.history ?? exclude);
  const genreMask = options.genreMask ?? 0;
  if (genreMask !== 0) {
    const { genres } = ctx.catalog;
    // NaN is never selected by topK.
    for (let m = 0; m < pref.length; m++) if (((genres[m] as number) & genreMask) === 0) pref[m] = NaN;
  }
  const candidates = retrieveCandidates(pref, Math.max(plan.candidates, options.limit), exclude);
  const ratings = await score(candidates.indices);
  const ranked = blendCandidates(candidates, ratings, plan.ratingWeight, options.limit);
  return {
    indices: ranked.movies,
    ratings: ranked.ratings,
    strategy: 'two-stage',
    scored: candidates.indices.length,
  };
}
