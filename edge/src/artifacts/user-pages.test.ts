import { describe, expect, it } from 'vitest';
import { indexOfId, pageBytes, PageCache, type CachedPage } from './user-pages.ts';

const page = (n: number, withSeen = true): CachedPage => ({
  ids: Int32Array.from({ length: n }, (_, i) => 10 * i),
  seen: withSeen ? new Uint32Array(2 * n) : undefined,
});

describe('PageCache', () => {
  it('evicts least recently used pages to stay within its cap', () => {
    const one = pageBytes(page(16));
    const cache = new PageCache(2 * one);
    cache.set(0, page(16));
    cache.set(16, page(16));
    expect(cache.get(0)).toBeDefined(); // 0 is now the most recent
    cache.set(32, page(16));
    expect(cache.get(16)).toBeUndefined();
    expect(cache.get(0)).toBeDefined();
    expect(cache.get(32)).toBeDefined();
    expect(cache.usedBytes).toBe(2 * one);
  });

  it('counts a replaced page once and ignores a page larger than the cap', () => {
    const cache = new PageCache(pageBytes(page(16)));
    cache.set(0, page(16, false));
    cache.set(0, page(16));
    expect(cache.size).toBe(1);
    expect(cache.usedBytes).toBe(pageBytes(page(16)));
    cache.set(16, page(17));
    expect(cache.get(16)).toBeUndefined();
    expect(cache.get(0)).toBeDefined();
    const off = new PageCache(0);
    off.set(0, page(1));
    expect(off.size).toBe(0);
  });
});

describe('indexOfId', () => {
  it('finds every id and misses the gaps', () => {
    const ids = Int32Array.from([1, 4, 7, 10, 13]);
    expect([...ids].map((id) => indexOfId(ids, id))).toEqual([0, 1, 2, 3, 4]);
    expect([0, 2, 5, 14, -1].map((id) => indexOfId(ids, id))).toEqual([-1, -1, -1, -1, -1]);
    expect(indexOfId(new Int32Array(0), 1)).toBe(-1);
  });
});
