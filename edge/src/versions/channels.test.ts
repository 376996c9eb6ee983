import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../artifacts/r2-store.ts';
import { ChannelsCache } from './channels.ts';
import { ModelUnavailableError } from './errors.ts';

function channels(stable: string): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({ schema: 1, stable, canary: null, updated: '2026-01-01T00:00:00.000Z', history: [] }),
  );
}

function store(content: { value: Uint8Array | null | Error }): ObjectStore & { reads: number } {
  const s = {
    prefix: '',
    reads: 0,
    async get() {
      s.reads++;
      if (content.value instanceof Error) throw content.value;
      return content.value;
    },
    async range(): Promise<Uint8Array> {
      throw new Error('not used');
    },
  };
  return s;
}

describe('ChannelsCache', () => {
  it('re-reads channels.json at most once per TTL, sharing concurrent reads', async () => {
    const content = { value: channels('v1') as Uint8Array | null | Error };
    const s = store(content);
    const cache = new ChannelsCache(s, 30_000);
    const [a, b] = await Promise.all([cache.current(0), cache.current(0)]);
    expect([a.stable, b.stable]).toEqual(['v1', 'v1']);
    content.value = channels('v2');
    expect((await cache.current(29_999)).stable).toBe('v1');
    expect((await cache.current(30_000)).stable).toBe('v2');
    expect(s.reads).toBe(2);
  });

  it('reports "unpublished" when there has never been a channels.json', async () => {
    const cache = new ChannelsCache(store({ value: null }), 30_000);
    const err = await cache.current(0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect((err as ModelUnavailableError).reason).toBe('unpublished');
  });

  it('keeps the last good pointer when a re-read fails, and tries again a TTL later', async () => {
    const content = { value: channels('v1') as Uint8Array | null | Error };
    const s = store(content);
    const cache = new ChannelsCache(s, 1000);
    await cache.current(0);
    content.value = new Error('R2 is down');
    expect((await cache.current(1000)).stable).toBe('v1');
    content.value = new TextEncoder().encode('{"schema":2}');
    expect((await cache.current(2000)).stable).toBe('v1');
    content.value = channels('v3');
    expect((await cache.current(2500)).stable).toBe('v1');
    expect((await cache.current(3000)).stable).toBe('v3');
  });
});
