// The id-page cache inside workerd (artifacts/user-pages.ts): with a cap of two pages, top-N answers stay those of
// the offline scorer for users on cached and uncached pages, unknown ids on cached pages are 404, predict agrees,
// and /v1/models shows the cache within its cap; with the cache off the answers are the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, type Edge } from '../tools/edge-harness.ts';
import {
  buildFixture,
  expectedTopN,
  movieIdOf,
  publishFixture,
  setChannelsJson,
  userIdOf,
  type Fixture,
} from '../tools/edge-fixtures.ts';

// 1,000 users: four id pages of 256 (users.bin's default fence stride).
const SHAPE = { numUsers: 1000, numMovies: 300, dim: 8, hidden: [16, 8], seenPerUser: 12 };
/** Two pages of 256 ids with their seen pointers (~3.3 KB each) fit in 8 KiB, a third does not. */
const CACHE_KIB = '8';

let fixture: Fixture;
const edges: Edge[] = [];

beforeAll(async () => {
  fixture = await buildFixture({ version: 'pages-1', arch: 'dcf', seed: 11, ...SHAPE });
});

afterAll(async () => {
  await Promise.all(edges.map((e) => e.dispose()));
});

async function start(vars: Record<string, string>): Promise<Edge> {
  const edge = await startEdge({ vars });
  edges.push(edge);
  await publishFixture(edge.bucket, fixture);
  await setChannelsJson(edge.bucket, { stable: 'pages-1' });
  return edge;
}

async function topIds(edge: Edge, user: number, query = ''): Promise<number[]> {
  const res = await edge.fetch(`/v1/users/${userIdOf(user)}/recommendations?limit=10${query}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: { movieId: number }[] };
  return body.items.map((i) => i.movieId);
}

/** Users visiting every page, then coming back to the first ones (evicted by then). */
const USERS = [0, 1, 255, 256, 300, 511, 512, 700, 767, 768, 999, 2, 257, 0];

describe.each([
  ['a cache of two pages', CACHE_KIB],
  ['the cache off', '0'],
])('top-N with %s', (_, kib) => {
  let edge: Edge;
  beforeAll(async () => {
    edge = await start({ USER_PAGE_CACHE_KIB: kib });
  });

  it('answers every user like the offline scorer, rated movies excluded or not', async () => {
    for (const u of USERS) {
      expect(await topIds(edge, u)).toEqual(expectedTopN(fixture, u, 10).movieIds);
      expect(await topIds(edge, u, '&exclude_rated=false')).toEqual(
        expectedTopN(fixture, u, 10, { excludeRated: false }).movieIds,
      );
    }
  });

  it('answers 404 for ids between users, also on a page it has cached', async () => {
    await topIds(edge, 600);
    for (const id of [userIdOf(600) + 1, userIdOf(600) + 2, 0, userIdOf(SHAPE.numUsers) + 5]) {
      const res = await edge.fetch(`/v1/users/${id}/recommendations`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { type: string }).type).toBe('urn:marquee:problem:unknown-user');
    }
  });

  it('predicts for users on cached and uncached pages', async () => {
    const users = [600, 601, 3, 900];
    const res = await edge.fetch('/v1/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pairs: users.map((u) => ({ userId: userIdOf(u), movieId: movieIdOf(7) })) }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { predictions: { userId: number; score: number }[] };
    for (const [k, u] of users.entries()) {
      const all = expectedTopN(fixture, u, SHAPE.numMovies, { excludeRated: false });
      const at = all.movieIds.indexOf(movieIdOf(7));
      expect(body.predictions[k]?.userId).toBe(userIdOf(u));
      expect(body.predictions[k]?.score).toBeCloseTo(all.ratings[at] as number, 3);
    }
  });

  it('keeps the cache within its cap', async () => {
    const res = await edge.fetch('/v1/models');
    const body = (await res.json()) as {
      models: { userPages: { pages: number; bytes: number; maxBytes: number } }[];
    };
    const pages = body.models[0]?.userPages;
    expect(pages?.maxBytes).toBe(Number(kib) * 1024);
    expect(pages?.bytes).toBeLessThanOrEqual(Number(kib) * 1024);
    expect(pages?.pages).toBe(kib === '0' ? 0 : 2);
  });
});
