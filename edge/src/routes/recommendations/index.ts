/**
 * GET /v1/users/:userId/recommendations?limit=10&exclude_rated=true&genres=Comedy,Drama — top-N for a known
 * user. The user's vector, bias and rated movies are range-read from R2 (artifacts/users.ts: one round trip once
 * the user's id page is cached); the version follows the user's channel.
 */
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { readUser } from '../../artifacts/users.ts';
import type { AppEnv } from '../../env.ts';
import { rankMovies } from '../../inference/ranking.ts';
import { genreNames } from '../../../../shared/src/schemas/genres.ts';
import { edgeState } from '../../versions/index.ts';
import { rankingContext, requestKeepAlive, unknownUsers } from '../context.ts';
import { onlyKnownParams, parseFlag, parseGenres, parseId, parseLimit, single } from '../params.ts';
import { predictedItems, versionFields, withVersion } from '../respond.ts';

const QUERY = ['limit', 'exclude_rated', 'genres'] as const;

export const recommendationsRoute = new Hono<AppEnv>().get(
  '/v1/users/:userId/recommendations',
  validator('param', (p) => ({ userId: parseId('userId', p.userId) })),
  validator('query', (q) => {
    onlyKnownParams(q, QUERY);
    return {
      limit: parseLimit(single(q, 'limit')),
      excludeRated: parseFlag('exclude_rated', single(q, 'exclude_rated'), true),
      genreMask: parseGenres(single(q, 'genres')),
    };
  }),
  async (c) => {
    const { userId } = c.req.valid('param');
    const { limit, excludeRated, genreMask } = c.req.valid('query');
    const state = edgeState(c.env);
    const resolved = await state.resolve(userId, requestKeepAlive(c));
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
