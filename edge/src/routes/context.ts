/** Glue between a request, the version serving it (its arm, for the serving figures) and the inference functions. */
import type { RankingContext } from '../inference/ranking.ts';
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import {
  edgeState,
  keepAliveOf,
  type KeepAlive,
  type Resolved,
  type ServingVersion,
} from '../versions/index.ts';
import { ProblemError } from './problem.ts';
import { MODEL_VERSION_HEADER } from './respond.ts';

/** What `rankMovies` needs of a version. */
export function rankingContext(version: ServingVersion): RankingContext {
  return {
    catalog: version.catalog,
    model: version.model,
    ...(version.manifest.ranking === undefined ? {} : { plan: version.manifest.ranking }),
  };
}

/** 404 for a movie id the version does not know. */
export function unknownMovies(version: ServingVersion, movieIds: readonly number[]): ProblemError {
  const shown =
    movieIds.slice(0, 10).join(', ') + (movieIds.length > 10 ? `, … (${movieIds.length} in all)` : '');
  return new ProblemError(
    404,
    'unknown-movie',
    'Unknown movie',
    `movie${movieIds.length > 1 ? 's' : ''} ${shown} ${movieIds.length > 1 ? 'are' : 'is'} not in model version ` +
      `${version.id} (${version.catalog.numMovies} movies)`,
    { movieIds: movieIds.slice(0, 100), modelVersion: version.id },
    { [MODEL_VERSION_HEADER]: version.id },
  );
}

/** 404 for a user the version does not know, pointing at the cold-start endpoint. */
export function unknownUsers(version: ServingVersion, userIds: readonly number[]): ProblemError {
  const shown =
    userIds.slice(0, 10).join(', ') + (userIds.length > 10 ? `, … (${userIds.length} in all)` : '');
  return new ProblemError(
    404,
    'unknown-user',
    'Unknown user',
    `user${userIds.length > 1 ? 's' : ''} ${shown} ${userIds.length > 1 ? 'are' : 'is'} not in model version ` +
      `${version.id}. For users the model does not know, POST their ratings to /v1/recommendations (cold start).`,
    {
      userIds: userIds.slice(0, 100),
      modelVersion: version.id,
      coldStart: {
        method: 'POST',
        href: '/v1/recommendations',
        example: { ratings: [{ movieId: version.catalog.ids[0] ?? 1, rating: 4 }], limit: 10 },
      },
    },
    // The answer depends on the version (a user may exist in the next one), so it names it like any other.
    { [MODEL_VERSION_HEADER]: version.id },
  );
}

/** The request's KeepAlive for shared work it starts (see versions/keep-alive.ts). */
export function requestKeepAlive(c: Context): KeepAlive {
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    // Hono throws when the app is called without an execution context; nothing to keep alive then.
    ctx = undefined;
  }
  return keepAliveOf(ctx);
}

/** Notes that `resolved` served (part of) this request: its figures count under that version and channel. */
export function recordArm(c: Context<AppEnv>, resolved: Resolved): void {
  const arms = c.get('arms') ?? [];
  const { id } = resolved.version;
  if (!arms.some((a) => a.version === id && a.channel === resolved.channel)) {
    c.set('arms', [...arms, { version: id, channel: resolved.channel }]);
  }
}

/**
 * The version serving `userId` (stable without a user), recorded as this request's arm.
 * @throws ModelUnavailableError when nothing is published or no candidate version loads
 */
export async function resolveServing(c: Context<AppEnv>, userId?: number): Promise<Resolved> {
  const resolved = await edgeState(c.env).resolve(userId, requestKeepAlive(c));
  recordArm(c, resolved);
  return resolved;
}
