/**
 * The Worker's bindings (wrangler.toml) and the configuration read from its [vars], with defaults. Vars arrive
 * as strings; a malformed value falls back to the default rather than failing every request.
 */
import { DEFAULT_PAGE_CACHE_BYTES } from './artifacts/user-pages.ts';

export interface Env {
  /** The model bucket (R2), filled by `marquee publish`. */
  MODELS: R2Bucket;
  /** Key prefix of the model store inside the bucket ("" = bucket root). */
  MODELS_PREFIX?: string;
  /** Seconds between re-reads of channels.json (default 30). */
  CHANNELS_TTL_SECONDS?: string;
  /** Seconds before a version that failed to load is tried again (default 30). */
  LOAD_RETRY_SECONDS?: string;
  /** KiB of users.bin id pages cached per loaded version (default 2048, at most 8192; 0 = no cache). */
  USER_PAGE_CACHE_KIB?: string;
}

/** Hono's environment type for this app. */
export interface AppEnv {
  Bindings: Env;
}

/** Parsed configuration. */
export interface EdgeConfig {
  prefix: string;
  channelsTtlMs: number;
  loadRetryMs: number;
  /** Byte cap of each loaded version's id-page cache (artifacts/user-pages.ts). */
  pageCacheBytes: number;
}

function number(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}

/** Largest USER_PAGE_CACHE_KIB honoured (larger or invalid values fall back to the default). */
export const MAX_PAGE_CACHE_KIB = 8192;

/** Reads the configuration from the bindings. */
export function configOf(env: Env): EdgeConfig {
  return {
    prefix: env.MODELS_PREFIX ?? '',
    channelsTtlMs: number(env.CHANNELS_TTL_SECONDS, 30, 0, 3600) * 1000,
    loadRetryMs: number(env.LOAD_RETRY_SECONDS, 30, 0, 3600) * 1000,
    // At most 8 MiB per version: an isolate holds a handful of versions within its 128 MB (edge/README.md).
    pageCacheBytes:
      number(env.USER_PAGE_CACHE_KIB, DEFAULT_PAGE_CACHE_BYTES / 1024, 0, MAX_PAGE_CACHE_KIB) * 1024,
  };
}
