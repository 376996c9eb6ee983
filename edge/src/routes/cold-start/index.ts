/**
 * POST /v1/recommendations — recommendations for a user the model does not know (cold start), from the ratings
 * they give: {"ratings":[{"movieId":1,"rating":4.5}], "limit":10, "genres":["Comedy"]}.
 *
 * With ratings, a user vector and bias are folded in on the served model (a few regularized Gauss–Newton steps,
 * see inference/fold-in.ts), then ranked like a known user with the rated movies excluded. With no ratings, the
 * most popular movies (most training ratings), optionally within the genres.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { genreNames } from '../../../../shared/src/schemas/genres.ts';
import { movieIndex, movieJson, type MovieCatalog } from '../../artifacts/catalog.ts';
import type { AppEnv } from '../../env.ts';
import { foldIn } from '../../inference/fold-in.ts';
import { rankMovies } from '../../inference/ranking.ts';
import { rankingContext, resolveServing, unknownMovies } from '../context.ts';
import { limitBody, requireJson } from '../json-body.ts';
import { GenresSchema, IdSchema, LimitSchema } from '../params.ts';
import { predictedItems, round4, versionFields, withVersion, type RecommendedMovie } from '../respond.ts';
import { invalidField, validate } from '../validate.ts';

/** Most ratings a cold-start request may carry (fold-in cost grows with their number). */
export const MAX_RATINGS = 500;

const Rating = z.strictObject({ movieId: IdSchema, rating: z.number() });

const Body = z.strictObject({
  ratings: z
    .array(Rating)
    .max(MAX_RATINGS, `must hold at most ${MAX_RATINGS} ratings`)
    .superRefine((ratings, ctx) => {
      const seen = new Set<number>();
      for (const [i, r] of ratings.entries()) {
        if (seen.has(r.movieId)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'movieId'],
            input: r.movieId,
            message: `movie ${r.movieId} is rated twice`,
          });
          return;
        }
        seen.add(r.movieId);
      }
    })
    .default([]),
  limit: LimitSchema,
  genres: GenresSchema,
});

/** The most popular movies having any genre of `mask` (all when 0). */
function popular(catalog: MovieCatalog, mask: number, limit: number): RecommendedMovie[] {
  const out: RecommendedMovie[] = [];
  for (const m of catalog.popularity.overall) {
    if (out.length >= limit) break;
    if (mask !== 0 && ((catalog.genres[m] as number) & mask) === 0) continue;
    out.push({ ...movieJson(catalog, m), predictedRating: null, score: catalog.ratingCounts[m] ?? 0 });
  }
  return out;
}

export const coldStartRoute = new Hono<AppEnv>().post(
  '/v1/recommendations',
  limitBody(),
  requireJson,
  validate('json', Body),
  async (c) => {
    const { ratings: given, limit, genres: genreMask } = c.req.valid('json');
    const resolved = await resolveServing(c);
    const { version } = resolved;
    const { catalog } = version;
    const scale = version.manifest.model.ratingScale;
    for (const [i, r] of given.entries()) {
      if (!(r.rating >= scale.min && r.rating <= scale.max)) {
        throw invalidField(
          `ratings.${i}.rating`,
          `must be within the rating scale ${scale.min}–${scale.max} of model version ${version.id} (got ${r.rating})`,
        );
      }
    }
    const indices = given.map((r) => movieIndex(catalog, r.movieId));
    const unknown = given.filter((_, i) => indices[i] === -1).map((r) => r.movieId);
    if (unknown.length > 0) throw unknownMovies(version, unknown);
    const common = { ...versionFields(resolved), genres: genreNames(genreMask) };
    if (given.length === 0) {
      return withVersion(c, version.id, {
        ...common,
        strategy: 'popularity',
        items: popular(catalog, genreMask, limit),
      });
    }
    const fit = await foldIn(
      version.model,
      catalog,
      Int32Array.from(indices),
      Float32Array.from(given, (r) => r.rating),
    );
    const exclude = Int32Array.from(indices).sort();
    const ranked = await rankMovies(rankingContext(version), fit.user, { limit, exclude, genreMask });
    return withVersion(c, version.id, {
      ...common,
      strategy: `fold-in+${ranked.strategy}`,
      scored: ranked.scored,
      foldIn: { ratings: given.length, rmse: round4(fit.rmse), evaluations: fit.evaluations },
      items: predictedItems(catalog, ranked.indices, ranked.ratings, scale),
    });
  },
);
