/**
 * GET /v1/models — what this isolate serves: the channels pointer and, for the stable and canary versions, their
 * manifest summary (architecture, sizes, metrics) and load state. Loads them if needed, like a first request.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { runtimeMemoryBytes } from '../../inference/index.ts';
import { edgeState, type ServingVersion } from '../../versions/index.ts';
import { recordArm, requestKeepAlive } from '../context.ts';
import { withVersion } from '../respond.ts';

/** Bytes of the typed arrays a version keeps in the isolate (movie tables; users stay in R2). */
function tableBytes(v: ServingVersion): number {
  const { tables, popularity, similar, ids, genres } = v.catalog;
  const arrays = [
    tables.norm,
    tables.emb,
    tables.bias,
    tables.prefEmb,
    tables.prefBias,
    // movies.bin's optional int8 copy of `norm`: the edge never reads it, but it stays in memory with the file.
    tables.normI8,
    tables.normScale,
    popularity.overall,
    popularity.genreMovies,
    similar?.indices,
    similar?.scores,
    ids,
    genres,
    v.users.fence,
  ];
  return arrays.reduce((sum, a) => sum + (a?.byteLength ?? 0), 0);
}

function summary(v: ServingVersion, channels: string[]): Record<string, unknown> {
  const m = v.manifest;
  return {
    version: v.id,
    channels,
    status: 'serving',
    created: m.created,
    arch: m.model.arch,
    hidden: m.model.hidden,
    ratingScale: m.model.ratingScale,
    dims: m.dims,
    counts: m.counts,
    metrics: m.metrics,
    backend: m.training.backend,
    // How top-N is ranked: the manifest's two-stage plan (C, rating weight, the model's history weight), or every
    // eligible movie rated (no preference head).
    ranking: m.ranking === undefined ? { strategy: 'exhaustive' } : { strategy: 'two-stage', ...m.ranking },
    loadMs: v.loadMs,
    tableBytes: tableBytes(v),
    // The bounded cache of users.bin id pages (artifacts/user-pages.ts): what it holds and its cap.
    userPages: {
      pages: v.users.pages.size,
      bytes: v.users.pages.usedBytes,
      maxBytes: v.users.pages.maxBytes,
    },
  };
}

export const modelsRoute = new Hono<AppEnv>().get('/v1/models', async (c) => {
  const state = edgeState(c.env);
  const keepAlive = requestKeepAlive(c);
  const serving = await state.resolve(undefined, keepAlive);
  recordArm(c, serving);
  const now = Date.now();
  const channels = await state.channels.current(now, keepAlive);
  const wanted = new Map<string, string[]>([[channels.stable, ['stable']]]);
  if (channels.canary !== null) {
    const list = wanted.get(channels.canary.version) ?? [];
    wanted.set(channels.canary.version, [...list, 'canary']);
  }
  const models = await Promise.all(
    [...wanted].map(async ([id, names]) => {
      try {
        return summary(await state.registry.get(id, now, keepAlive), names);
      } catch (err) {
        return {
          version: id,
          channels: names,
          status: 'failed',
          error: err instanceof Error ? err.message : String(err),
        };
      }
    }),
  );
  return withVersion(c, serving.version.id, {
    modelVersion: serving.version.id,
    ...(serving.fallback
      ? { fallback: `${serving.wanted} cannot be loaded; serving ${serving.version.id}` }
      : {}),
    channels: {
      stable: channels.stable,
      canary: channels.canary,
      updated: channels.updated,
      history: channels.history,
    },
    models,
    isolate: {
      loaded: state.registry.loadedIds(),
      /** ORT's wasm heap (high-water mark); JS-side tables are listed per model as tableBytes. */
      wasmMemoryBytes: runtimeMemoryBytes(),
    },
  });
});
