/**
 * Pieces every successful response shares: the model version header, and movies with their predicted ratings.
 */
import type { Context } from 'hono';
import type { MovieCatalog, MovieJson } from '../artifacts/catalog.ts';
import { movieJson } from '../artifacts/catalog.ts';
import type { Resolved } from '../versions/index.ts';

/** The response header naming the model version(s) that produced the body. */
export const MODEL_VERSION_HEADER = 'X-Model-Version';

/** A recommended movie. */
export interface RecommendedMovie extends MovieJson {
  /** The prediction clipped to the rating scale; null when the ranking is not a prediction (popularity). */
  predictedRating: number | null;
  /**
   * The unclipped model output, or the training rating count for popularity. A two-stage list is ordered by a blend
   * of preference and this rating, so it need not descend.
   */
  score: number;
}

/** Version fields of a response body. */
export function versionFields(resolved: Resolved): {
  modelVersion: string;
  channel: string;
  fallback?: string;
} {
  return {
    modelVersion: resolved.version.id,
    channel: resolved.channel,
    ...(resolved.fallback
      ? { fallback: `${resolved.wanted} cannot be loaded; serving ${resolved.version.id}` }
      : {}),
  };
}

/** JSON response with the version header. */
export function withVersion(c: Context, versions: string | string[], body: unknown): Response {
  const header = Array.isArray(versions) ? [...new Set(versions)].join(', ') : versions;
  c.header(MODEL_VERSION_HEADER, header);
  return c.json(body);
}

/** Rounds to 4 decimals: more is noise for ratings and similarities, and keeps bodies small. */
export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Clips a prediction to the version's rating scale. */
export function clip(x: number, scale: { min: number; max: number }): number {
  return Math.min(scale.max, Math.max(scale.min, x));
}

/** Movies with model predictions. */
export function predictedItems(
  catalog: MovieCatalog,
  indices: Int32Array,
  ratings: Float32Array,
  scale: { min: number; max: number },
): RecommendedMovie[] {
  return Array.from(indices, (m, i) => {
    const r = ratings[i] as number;
    return { ...movieJson(catalog, m), predictedRating: round4(clip(r, scale)), score: round4(r) };
  });
}
