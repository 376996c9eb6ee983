/**
 * POST /v1/predict — predicted ratings for up to 1,000 (user, movie) pairs: {"pairs":[{"userId":1,"movieId":2}]}.
 * Pairs are grouped by the version serving each user (canary users may differ); each group is one graph call
 * with U = its distinct users, whose records are fetched with coalesced range reads.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { movieIndex } from '../../artifacts/catalog.ts';
import { findUsers } from '../../artifacts/users.ts';
import type { AppEnv } from '../../env.ts';
import { toInt64 } from '../../inference/pairs.ts';
import type { Resolved } from '../../versions/index.ts';
import { resolveServing, unknownMovies, unknownUsers } from '../context.ts';
import { limitBody, requireJson } from '../json-body.ts';
import { IdSchema } from '../params.ts';
import { clip, round4, withVersion } from '../respond.ts';
import { validate } from '../validate.ts';

/** Most pairs per request. */
export const MAX_PAIRS = 1000;

const Body = z.strictObject({
  pairs: z
    .array(z.strictObject({ userId: IdSchema, movieId: IdSchema }))
    .min(1, 'must hold at least one pair')
    .max(MAX_PAIRS, `must hold at most ${MAX_PAIRS} pairs`),
});

interface Prediction {
  userId: number;
  movieId: number;
  predictedRating: number;
  score: number;
  modelVersion: string;
}

export const predictRoute = new Hono<AppEnv>().post(
  '/v1/predict',
  limitBody(),
  requireJson,
  validate('json', Body),
  async (c) => {
    const { pairs } = c.req.valid('json');
    const groups = new Map<string, { resolved: Resolved; pairs: number[] }>();
    const byUser = new Map<number, Resolved>();
    for (const [i, p] of pairs.entries()) {
      let resolved = byUser.get(p.userId);
      if (resolved === undefined) {
        resolved = await resolveServing(c, p.userId);
        byUser.set(p.userId, resolved);
      }
      const id = resolved.version.id;
      const group = groups.get(id) ?? { resolved, pairs: [] };
      group.pairs.push(i);
      groups.set(id, group);
    }
    const out = new Array<Prediction>(pairs.length);
    for (const { resolved, pairs: members } of groups.values()) {
      const { version } = resolved;
      const movies = members.map((i) => movieIndex(version.catalog, (pairs[i] as (typeof pairs)[0]).movieId));
      const unknownM = members
        .filter((_, k) => movies[k] === -1)
        .map((i) => (pairs[i] as (typeof pairs)[0]).movieId);
      if (unknownM.length > 0) throw unknownMovies(version, [...new Set(unknownM)]);
      const userIds = [...new Set(members.map((i) => (pairs[i] as (typeof pairs)[0]).userId))];
      const records = await findUsers(version.users, userIds);
      const unknownU = userIds.filter((u) => !records.has(u));
      if (unknownU.length > 0) throw unknownUsers(version, unknownU);
      const dim = version.catalog.dim;
      const userVec = new Float32Array(userIds.length * dim);
      const userBias = new Float32Array(userIds.length);
      const row = new Map<number, number>();
      userIds.forEach((u, r) => {
        const rec = records.get(u) as NonNullable<ReturnType<typeof records.get>>;
        userVec.set(rec.vec, r * dim);
        userBias[r] = rec.bias;
        row.set(u, r);
      });
      const ratings = await version.model.score({
        userVec,
        userBias,
        pairUser: toInt64(members.map((i) => row.get((pairs[i] as (typeof pairs)[0]).userId) as number)),
        pairMovie: toInt64(movies),
      });
      const scale = version.manifest.model.ratingScale;
      members.forEach((i, k) => {
        const p = pairs[i] as (typeof pairs)[0];
        const r = ratings[k] as number;
        out[i] = {
          ...p,
          predictedRating: round4(clip(r, scale)),
          score: round4(r),
          modelVersion: version.id,
        };
      });
    }
    const versions = [...groups.keys()];
    return withVersion(c, versions, {
      modelVersion: versions.join(', '),
      modelVersions: versions,
      predictions: out,
    });
  },
);
