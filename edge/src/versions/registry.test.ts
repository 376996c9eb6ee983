import { describe, expect, it } from 'vitest';
import type { ServingVersion } from './load-version.ts';
import { VersionRegistry } from './registry.ts';

function fakeVersion(id: string): ServingVersion {
  return { id } as ServingVersion;
}

function setup(retryMs = 1000) {
  const calls: string[] = [];
  const released: string[] = [];
  let fail = new Set<string>();
  const resolvers: (() => void)[] = [];
  const registry = new VersionRegistry(
    (id) => {
      calls.push(id);
      return new Promise((resolve, reject) => {
        resolvers.push(() =>
          fail.has(id) ? reject(new Error(`${id} is corrupt`)) : resolve(fakeVersion(id)),
        );
      });
    },
    async (v) => {
      released.push(v.id);
    },
    retryMs,
  );
  const settle = async () => {
    for (const r of resolvers.splice(0)) r();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { registry, calls, released, settle, setFail: (ids: string[]) => (fail = new Set(ids)) };
}

describe('VersionRegistry', () => {
  it('shares one load between concurrent callers', async () => {
    const { registry, calls, settle } = setup();
    const both = Promise.all([registry.get('a', 0), registry.get('a', 0)]);
    await settle();
    const [x, y] = await both;
    expect(x).toBe(y);
    expect(calls).toEqual(['a']);
    await expect(registry.get('a', 5)).resolves.toBe(x);
    expect(calls).toEqual(['a']);
  });

  it('drops a failed load, answers the same error until retryMs, then retries', async () => {
    const { registry, calls, settle, setFail } = setup(1000);
    setFail(['b']);
    const first = registry.get('b', 0).catch((e: unknown) => e);
    await settle();
    expect(await first).toMatchObject({ message: 'b is corrupt' });
    await expect(registry.get('b', 500)).rejects.toThrow(/b is corrupt/);
    expect(calls).toEqual(['b']);
    setFail([]);
    const retry = registry.get('b', 1500);
    await settle();
    await expect(retry).resolves.toMatchObject({ id: 'b' });
    expect(calls).toEqual(['b', 'b']);
  });

  it('retires unwanted versions, releases them after the grace period, and revives a retired one', async () => {
    const { registry, released, settle } = setup();
    const loads = Promise.all([registry.get('a', 0), registry.get('b', 0), registry.get('c', 0)]);
    await settle();
    await loads;
    await registry.retain(new Set(['a']), 0);
    expect(registry.loadedIds()).toEqual(['a']);
    expect(released).toEqual([]);
    await expect(registry.get('b', 1000)).resolves.toMatchObject({ id: 'b' }); // revived, no reload
    await registry.retain(new Set(['a', 'b']), 61_000);
    expect(released).toEqual(['c']);
  });
});
