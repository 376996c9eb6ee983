// Version rollout as an isolate lives it, inside workerd: a newly published stable version is picked up without a
// redeploy, a corrupt version never serves (the previous one keeps serving, also in a fresh isolate through
// channels.json's history), an unreadable channels.json keeps the last good pointer, and with nothing loadable the
// answer is 503 with Retry-After.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, type Edge } from '../tools/edge-harness.ts';
import {
  buildFixture,
  corrupted,
  expectedTopN,
  publishFixture,
  setChannelsJson,
  userIdOf,
  type Fixture,
} from '../tools/edge-fixtures.ts';

const SHAPE = {
  arch: 'dcf' as const,
  numUsers: 120,
  numMovies: 200,
  dim: 8,
  hidden: [16, 8],
  seenPerUser: 10,
};
// Re-read channels.json on every request and retry failed versions at once, so the test needs no waiting.
const VARS = { CHANNELS_TTL_SECONDS: '0', LOAD_RETRY_SECONDS: '0' };

let persist: string;
let edge: Edge;
let v1: Fixture;
let v2: Fixture;
let v3: Fixture;

interface Served {
  status: number;
  version: string | null;
  body: { items: { movieId: number }[]; fallback?: string };
}

async function served(userDense = 3): Promise<Served> {
  const res = await edge.fetch(`/v1/users/${userIdOf(userDense)}/recommendations?limit=5`);
  return {
    status: res.status,
    version: res.headers.get('X-Model-Version'),
    body: (await res.json()) as Served['body'],
  };
}

beforeAll(async () => {
  persist = await mkdtemp(path.join(tmpdir(), 'marquee-edge-r2-'));
  [edge, v1, v2, v3] = await Promise.all([
    startEdge({ r2Persist: persist, vars: VARS }),
    buildFixture({ version: 'v1', seed: 11, ...SHAPE }),
    buildFixture({ version: 'v2', seed: 12, ...SHAPE }),
    buildFixture({ version: 'v3', seed: 13, ...SHAPE }),
  ]);
});

afterAll(async () => {
  await edge?.dispose();
  if (persist) await rm(persist, { recursive: true, force: true });
});

describe('version rollout', () => {
  it('serves the first published version', async () => {
    await publishFixture(edge.bucket, v1);
    await setChannelsJson(edge.bucket, { stable: 'v1' });
    const res = await served();
    expect(res).toMatchObject({ status: 200, version: 'v1' });
    expect(res.body.items.map((i) => i.movieId)).toEqual(expectedTopN(v1, 3, 5).movieIds);
  });

  it('keeps serving the previous version when the new stable one is corrupt', async () => {
    await publishFixture(edge.bucket, corrupted(v2, 'movies.bin'));
    await setChannelsJson(edge.bucket, { stable: 'v2', history: ['v1'] });
    const res = await served();
    expect(res).toMatchObject({ status: 200, version: 'v1' });
    expect(res.body.fallback).toMatch(/v2 cannot be loaded; serving v1/);
    const models = (await (await edge.fetch('/v1/models')).json()) as {
      models: { version: string; status: string; error?: string }[];
    };
    expect(models.models).toEqual([
      expect.objectContaining({
        version: 'v2',
        status: 'failed',
        error: expect.stringMatching(/movies\.bin: sha256 .* does not match/),
      }),
    ]);
  });

  it('falls back through channels.json history in a fresh isolate', async () => {
    const fresh = await startEdge({ r2Persist: persist, vars: VARS });
    try {
      const res = await fresh.fetch(`/v1/users/${userIdOf(3)}/recommendations?limit=5`);
      expect(res.status).toBe(200);
      expect(res.headers.get('X-Model-Version')).toBe('v1');
    } finally {
      await fresh.dispose();
    }
  });

  it('picks up a newly published stable version without a redeploy', async () => {
    await publishFixture(edge.bucket, v3);
    await setChannelsJson(edge.bucket, { stable: 'v3', history: ['v1', 'v2'] });
    const res = await served();
    expect(res).toMatchObject({ status: 200, version: 'v3' });
    expect(res.body.fallback).toBeUndefined();
    expect(res.body.items.map((i) => i.movieId)).toEqual(expectedTopN(v3, 3, 5).movieIds);
  });

  it('keeps the last good pointer when channels.json becomes unreadable', async () => {
    await edge.bucket.put('channels.json', new TextEncoder().encode('{"schema": 1, "stable": ').buffer);
    expect(await served()).toMatchObject({ status: 200, version: 'v3' });
  });

  it('never serves a truncated version, and answers 503 with Retry-After when nothing loads', async () => {
    const broken = { ...corrupted(v2, 'users.bin', 'truncate'), options: { ...v2.options, version: 'v4' } };
    await publishFixture(edge.bucket, {
      ...broken,
      files: new Map(broken.files).set('manifest.json', rewriteVersion(v2, 'v4')),
    });
    const fresh = await startEdge({ r2Persist: persist, vars: VARS });
    try {
      await setChannelsJson(edge.bucket, { stable: 'v4' });
      const res = await fresh.fetch(`/v1/users/${userIdOf(3)}/recommendations`);
      expect(res.status).toBe(503);
      expect(res.headers.get('Retry-After')).toMatch(/^\d+$/);
      const body = (await res.json()) as { type: string; detail: string };
      expect(body.type).toBe('urn:marquee:problem:model-unavailable');
      expect(body.detail).toMatch(/v4/);
    } finally {
      await fresh.dispose();
    }
  });
});

/** v2's manifest renamed to another version id (its files stay v2's). */
function rewriteVersion(fixture: Fixture, version: string): Uint8Array {
  const manifest = JSON.parse(new TextDecoder().decode(fixture.files.get('manifest.json'))) as {
    version: string;
  };
  manifest.version = version;
  return new TextEncoder().encode(JSON.stringify(manifest));
}
