/**
 * GET /v1/users/:userId/recommendations?limit=10&exclude_rated=true&genres=Comedy,Drama — top-N for a known
 * user. The user's vector, bias and rated movies are range-read from R2 (artifacts/users.ts: one round trip once
 * the user's id page is cached); the version follows the user's channel.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { readUser } from '../../artifacts/users.ts';
import type { AppEnv } from '../../env.ts';
import { rankMovies } from '../../inference/ranking.ts';
import { genreNames } from '../../../../shared/src/schemas/genres.ts';
import { rankingContext, resolveServing, unknownUsers } from '../context.ts';
import { flagSchema, GenresTextSchema, IdTextSchema, LimitTextSchema, querySchema } from '../params.ts';
import { predictedItems, versionFields, withVersion } from '../respond.ts';
import { validate } from '../validate.ts';

const Params = z.object({ userId: IdTextSchema });
const Query = querySchema({
  limit: LimitTextSchema,
  exclude_rated: flagSchema(true),
  genres: GenresTextSchema,
});

export const recommendationsRoute = new Hono<AppEnv>().get(
  '/v1/users/:userId/recommendations',
  validate('param', Params),
  validate('query', Query),
  async (c) => {
    const { userId } = c.req.valid('param');
    const { limit, exclude_rated: excludeRated, genres: genreMask } = c.req.valid('query');
    const resolved = await resolveServing(c, userId);
    const { version } = resolved;
    // A model with a preference head reads the rated movies either way: they are the user's history.
    const twoStage = version.manifest.ranking !== undefined;
    const user = await readUser(version.users, userId, {
      seen: excludeRated || twoStage,
      numMovies: version.catalog.numMovies,
    });
    if (user === null) throw unknownUsers(version, [userId]);
    const ranked = await rankMovies(rankingContext(version), user.record, {
      limit,
      exclude: excludeRated ? user.seen : new Int32Array(0),
      history: user.seen,
      genreMask,
    });
    return withVersion(c, version.id, {
      userId,
      ...versionFields(resolved),
      strategy: ranked.strategy,
      scored: ranked.scored,
      excludeRated,
      genres: genreNames(genreMask),
      items: predictedItems(
        version.catalog,
        ranked.indices,
        ranked.ratings,
        version.manifest.model.ratingScale,
      ),
    });
  },
);
