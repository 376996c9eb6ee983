/**
 * The configuration read from the Worker's [vars], with defaults. The bindings themselves are the global `Env`
 * generated from wrangler.toml by `npm run types` (worker-configuration.d.ts; `npm test` fails when it is stale).
 * Vars arrive as strings; a malformed value falls back to the default rather than failing every request.
 */
import { DEFAULT_PAGE_CACHE_BYTES } from './artifacts/user-pages.ts';
import type { Arm } from './metrics/serving-meter.ts';

/** Hono's environment type for this app. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** The versions (and channels) that served this request, for its serving figures (metrics/). */
    arms?: Arm[];
  };
}

/** The [vars] configOf reads; each may be missing (tests, other configs), then its default applies. */
export type ConfigVars = Partial<
  Pick<
    Env,
    | 'MODELS_PREFIX'
    | 'CHANNELS_TTL_SECONDS'
    | 'LOAD_RETRY_SECONDS'
    | 'USER_PAGE_CACHE_KIB'
    | 'METRICS_FLUSH_SECONDS'
    | 'METRICS_FLUSH_REQUESTS'
  >
>;

/** Parsed configuration. */
export interface EdgeConfig {
  prefix: string;
  channelsTtlMs: number;
  loadRetryMs: number;
  /** Byte cap of each loaded version's id-page cache (artifacts/user-pages.ts). */
  pageCacheBytes: number;
  /** An isolate writes its serving rollups once this much wall time passed since its window opened… */
  metricsFlushMs: number;
  /** …or once it counted this many responses, whichever comes first (metrics/). */
  metricsFlushRequests: number;
}

function number(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}

/** Largest USER_PAGE_CACHE_KIB honoured (larger or invalid values fall back to the default). */
export const MAX_PAGE_CACHE_KIB = 8192;

/** Reads the configuration from the [vars]. */
export function configOf(vars: ConfigVars): EdgeConfig {
  return {
    prefix: vars.MODELS_PREFIX ?? '',
    channelsTtlMs: number(vars.CHANNELS_TTL_SECONDS, 30, 0, 3600) * 1000,
    loadRetryMs: number(vars.LOAD_RETRY_SECONDS, 30, 0, 3600) * 1000,
    // At most 8 MiB per version: an isolate holds a handful of versions within its 128 MB (edge/README.md).
    pageCacheBytes:
      number(vars.USER_PAGE_CACHE_KIB, DEFAULT_PAGE_CACHE_BYTES / 1024, 0, MAX_PAGE_CACHE_KIB) * 1024,
    metricsFlushMs: number(vars.METRICS_FLUSH_SECONDS, 60, 1, 3600) * 1000,
    metricsFlushRequests: Math.floor(number(vars.METRICS_FLUSH_REQUESTS, 1000, 1, 1_000_000)),
  };
}
