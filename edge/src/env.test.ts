import { describe, expect, it } from 'vitest';
import { configOf, MAX_PAGE_CACHE_KIB } from './env.ts';

describe('configOf', () => {
  it('reads the id-page cache size in KiB, capped, with the default for bad or too large values', () => {
    expect(configOf({}).pageCacheBytes).toBe(2048 * 1024);
    expect(configOf({ USER_PAGE_CACHE_KIB: '4096' }).pageCacheBytes).toBe(4096 * 1024);
    expect(configOf({ USER_PAGE_CACHE_KIB: '0' }).pageCacheBytes).toBe(0);
    expect(configOf({ USER_PAGE_CACHE_KIB: String(MAX_PAGE_CACHE_KIB + 1) }).pageCacheBytes).toBe(
      2048 * 1024,
    );
    expect(configOf({ USER_PAGE_CACHE_KIB: 'lots' }).pageCacheBytes).toBe(2048 * 1024);
  });

  it('reads the channel TTL and load retry in seconds', () => {
    const c = configOf({ CHANNELS_TTL_SECONDS: '5', LOAD_RETRY_SECONDS: '-1' });
    expect(c.channelsTtlMs).toBe(5000);
    expect(c.loadRetryMs).toBe(30_000);
  });
});
