/**
 * GET /v1/movies/:movieId/similar?limit=10 — nearest movies by cosine similarity of the L2-normalized
 * embeddings ("users who liked X also liked Y"). Uses the precomputed neighbours of similar.bin when the version
 * has enough of them, else one scan of the normalized table (10k × 64 in about a millisecond).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { neighboursOf } from '../../../../shared/src/formats/similar-bin.ts';
import { topK } from '../../../../shared/src/kernels/top-k.ts';
import { matVec } from '../../../../shared/src/kernels/vectors.ts';
import { movieIndex, movieJson, type MovieCatalog } from '../../artifacts/catalog.ts';
import type { AppEnv } from '../../env.ts';
import { resolveServing, unknownMovies } from '../context.ts';
import { IdTextSchema, LimitTextSchema, querySchema } from '../params.ts';
import { round4, versionFields, withVersion } from '../respond.ts';
import { validate } from '../validate.ts';

const Params = z.object({ movieId: IdTextSchema });
const Query = querySchema({ limit: LimitTextSchema });

/**
 * The `limit` movies most similar to movie `index` (itself excluded), best first, ties by lower index.
 */
export function similarMovies(
  catalog: MovieCatalog,
  index: number,
  limit: number,
): { indices: Int32Array; scores: Float32Array; source: 'precomputed' | 'scan' } {
  const { similar } = catalog;
  if (similar !== undefined && limit <= similar.k) {
    const row = neighboursOf(similar, index);
    return {
      indices: row.indices.subarray(0, limit),
      scores: row.scores.subarray(0, limit),
      source: 'precomputed',
    };
  }
  const { norm } = catalog.tables;
  const { dim, numMovies } = catalog;
  const cosines = matVec(norm, numMovies, dim, norm.subarray(index * dim, (index + 1) * dim));
  const best = topK(cosines, limit, { sorted: Int32Array.of(index) });
  return { ...best, source: 'scan' };
}

export const similarRoute = new Hono<AppEnv>().get(
  '/v1/movies/:movieId/similar',
  validate('param', Params),
  validate('query', Query),
  async (c) => {
    const { movieId } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const resolved = await resolveServing(c);
    const { catalog } = resolved.version;
    const index = movieIndex(catalog, movieId);
    if (index < 0) throw unknownMovies(resolved.version, [movieId]);
    const found = similarMovies(catalog, index, limit);
    return withVersion(c, resolved.version.id, {
      movie: movieJson(catalog, index),
      ...versionFields(resolved),
      source: found.source,
      items: Array.from(found.indices, (m, i) => ({
        ...movieJson(catalog, m),
        similarity: round4(found.scores[i] as number),
      })),
    });
  },
);
