// The Worker's API inside workerd (the bundle wrangler builds, run by Miniflare, local R2 filled here): every
// route, its answers against the offline scorer and kernels, every documented error, canary routing, and a fuzz
// run that must never produce a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../shared/src/kernels/prng.ts';
import { bucketOf } from '../shared/src/schemas/channels.ts';
import { GENRES, genreMask } from '../shared/src/schemas/genres.ts';
import { startEdge, type Edge } from './edge-harness.ts';
import {
  buildFixture,
  expectedSimilar,
  expectedTopN,
  movieIdOf,
  publishFixture,
  setChannelsJson,
  userIdOf,
  type Fixture,
} from './edge-fixtures.ts';

// 2,500 movies: an exhaustive pass spans two graph runs (MAX_PAIRS_PER_RUN = 2,048), so chunking is exercised.
const SHAPE = { numUsers: 400, numMovies: 2500, dim: 16, hidden: [32, 16, 8], seenPerUser: 25 };
const CANARY_PERCENT = 30;

let edge: Edge;
let stable: Fixture;
let canary: Fixture;

/**
 * A parsed response. Bodies are JSON whose shape each test asserts field by field, so they are typed loosely.
 */
interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

interface Item {
  movieId: number;
  title: string;
  genres: string[];
  year: number | null;
  predictedRating: number | null;
  score: number;
}

async function getJson(path: string, init?: RequestInit): Promise<Reply> {
  const res = await edge.fetch(path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

function post(path: string, body: unknown, contentType = 'application/json') {
  return getJson(path, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A dense user served by the stable (dcf) version. */
function stableUser(from = 0): number {
  for (let u = from; u < SHAPE.numUsers; u++) if (bucketOf(userIdOf(u)) >= CANARY_PERCENT) return u;
  throw new Error('no stable user');
}

function canaryUser(from = 0): number {
  for (let u = from; u < SHAPE.numUsers; u++) if (bucketOf(userIdOf(u)) < CANARY_PERCENT) return u;
  throw new Error('no canary user');
}

beforeAll(async () => {
  [edge, stable, canary] = await Promise.all([
    startEdge(),
    buildFixture({ version: 'dcf-1', arch: 'dcf', seed: 1, similarK: 20, ...SHAPE }),
    buildFixture({ version: 'hybrid-1', arch: 'hybrid', seed: 2, embeddingScale: 6, ...SHAPE }),
  ]);
});

afterAll(async () => {
  await edge?.dispose();
});

describe('before anything is published', () => {
  it('answers 503 with Retry-After and a problem body', async () => {
    const res = await getJson(`/v1/users/${userIdOf(0)}/recommendations`);
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(res.headers.get('Content-Type')).toContain('application/problem+json');
    expect(res.body.type).toBe('urn:marquee:problem:no-model');
  });

  it('is alive', async () => {
    const res = await getJson('/healthz');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describe('with a stable dcf version and a hybrid canary', () => {
  beforeAll(async () => {
    await publishFixture(edge.bucket, stable);
    await publishFixture(edge.bucket, canary);
    await setChannelsJson(edge.bucket, {
      stable: 'dcf-1',
      canary: { version: 'hybrid-1', percent: CANARY_PERCENT },
    });
  });

  it('recommends what the offline scorer ranks first, rated movies excluded, version in body and header', async () => {
    for (const u of [stableUser(0), stableUser(50), stableUser(200)]) {
      const res = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=10`);
      expect(res.status).toBe(200);
      expect(res.headers.get('X-Model-Version')).toBe('dcf-1');
      expect(res.body).toMatchObject({
        userId: userIdOf(u),
        modelVersion: 'dcf-1',
        channel: 'stable',
      });
      // Random Glorot weights make the MLP dominate a dcf rating: calibration finds pruning not worthwhile.
      expect(res.body).toMatchObject({ strategy: 'exhaustive', scored: SHAPE.numMovies - SHAPE.seenPerUser });
      const items = res.body.items as Item[];
      const expected = expectedTopN(stable, u, 10);
      expect(items.map((i) => i.movieId)).toEqual(expected.movieIds);
      items.forEach((item, k) => expect(item.score).toBeCloseTo(expected.ratings[k] as number, 3));
      const rated = new Set(Array.from(stable.seen[u] as Int32Array, (m) => movieIdOf(m)));
      expect(items.filter((i) => rated.has(i.movieId))).toEqual([]);
      expect(items[0]).toMatchObject({ title: `Movie ${items[0]?.movieId}` });
    }
  });

  it('includes rated movies when exclude_rated=false', async () => {
    const u = stableUser(10);
    const res = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=20&exclude_rated=false`);
    expect((res.body.items as Item[]).map((i) => i.movieId)).toEqual(
      expectedTopN(stable, u, 20, { excludeRated: false }).movieIds,
    );
  });

  it('filters by genres (any of them)', async () => {
    const u = stableUser(20);
    const res = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=15&genres=Comedy,drama`);
    const mask = genreMask(['Comedy', 'Drama']);
    expect(res.body.genres).toEqual(['Comedy', 'Drama']);
    const items = res.body.items as Item[];
    expect(items.map((i) => i.movieId)).toEqual(expectedTopN(stable, u, 15, { genreMask: mask }).movieIds);
    for (const item of items) expect(item.genres.some((g) => g === 'Comedy' || g === 'Drama')).toBe(true);
  });

  it('routes canary users to the canary version, deterministically', async () => {
    for (let u = 0; u < 40; u++) {
      const expected = bucketOf(userIdOf(u)) < CANARY_PERCENT ? 'hybrid-1' : 'dcf-1';
      const first = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=1`);
      const again = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=1`);
      expect([first.body.modelVersion, again.body.modelVersion]).toEqual([expected, expected]);
      expect(first.body.channel).toBe(expected === 'hybrid-1' ? 'canary' : 'stable');
    }
  });

  it('prunes hybrid ranking with the calibrated bound and still returns the exhaustive top-N', async () => {
    let scored = 0;
    const users = [canaryUser(0), canaryUser(100), canaryUser(250)];
    for (const u of users) {
      for (const [limit, genres] of [
        [10, ''],
        [50, ''],
        [10, '&genres=Horror'],
      ] as const) {
        const res = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=${limit}${genres}`);
        expect(res.body).toMatchObject({ modelVersion: 'hybrid-1', strategy: 'pruned' });
        const mask = genres === '' ? 0 : genreMask(['Horror']);
        const expected = expectedTopN(canary, u, limit, { genreMask: mask });
        const items = res.body.items as Item[];
        expect(items.map((i) => i.movieId)).toEqual(expected.movieIds);
        items.forEach((item, k) => expect(item.score).toBeCloseTo(expected.ratings[k] as number, 3));
        if (limit === 10 && genres === '') scored += res.body.scored as number;
      }
    }
    // The bound settles a top-10 after a fraction of the catalogue.
    expect(scored / users.length).toBeLessThan(SHAPE.numMovies / 2);
  });

  it('returns 404 pointing to cold start for an unknown user', async () => {
    const res = await getJson(`/v1/users/${userIdOf(0) + 1}/recommendations`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      type: 'urn:marquee:problem:unknown-user',
      coldStart: { method: 'POST', href: '/v1/recommendations' },
    });
    expect(res.headers.get('X-Model-Version')).toBe((res.body as { modelVersion: string }).modelVersion);
  });

  it('finds similar movies by cosine (precomputed and scanned agree with the kernels)', async () => {
    for (const [m, limit] of [
      [3, 10],
      [77, 20],
      [5, 50],
    ] as const) {
      const res = await getJson(`/v1/movies/${movieIdOf(m)}/similar?limit=${limit}`);
      expect(res.status).toBe(200);
      expect(res.body.source).toBe(limit <= 20 ? 'precomputed' : 'scan');
      expect(res.body.movie.movieId).toBe(movieIdOf(m));
      const expected = expectedSimilar(stable, m, limit);
      const items = res.body.items as { movieId: number; similarity: number }[];
      expect(items.map((i) => i.movieId)).toEqual(expected.movieIds);
      items.forEach((item, k) => expect(item.similarity).toBeCloseTo(expected.scores[k] as number, 3));
    }
  });

  it('returns 404 for an unknown movie', async () => {
    const res = await getJson(`/v1/movies/${movieIdOf(0) + 1}/similar`);
    expect(res).toMatchObject({ status: 404, body: { type: 'urn:marquee:problem:unknown-movie' } });
  });

  it('predicts pairs of stable and canary users with each user’s version', async () => {
    const pairs = [
      { u: stableUser(0), m: 5 },
      { u: canaryUser(0), m: 9 },
      { u: stableUser(0), m: 300 },
      { u: stableUser(100), m: 599 },
    ];
    const res = await post('/v1/predict', {
      pairs: pairs.map((p) => ({ userId: userIdOf(p.u), movieId: movieIdOf(p.m) })),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Model-Version')?.split(', ').sort()).toEqual(['dcf-1', 'hybrid-1']);
    const predictions = res.body.predictions as {
      userId: number;
      movieId: number;
      score: number;
      modelVersion: string;
      predictedRating: number;
    }[];
    pairs.forEach((p, k) => {
      const fixture = bucketOf(userIdOf(p.u)) < CANARY_PERCENT ? canary : stable;
      const full = expectedTopN(fixture, p.u, SHAPE.numMovies, { excludeRated: false });
      const expected = full.ratings[full.movieIds.indexOf(movieIdOf(p.m))] as number;
      expect(predictions[k]).toMatchObject({
        userId: userIdOf(p.u),
        movieId: movieIdOf(p.m),
        modelVersion: fixture.options.version,
      });
      expect(predictions[k]?.score).toBeCloseTo(expected, 3);
      expect(predictions[k]?.predictedRating).toBeCloseTo(Math.min(5, Math.max(1, expected)), 3);
    });
  });

  it('predicts 1000 pairs of many users in one call', async () => {
    const pairs = Array.from({ length: 1000 }, (_, i) => ({
      userId: userIdOf(i % SHAPE.numUsers),
      movieId: movieIdOf((i * 7) % SHAPE.numMovies),
    }));
    const res = await post('/v1/predict', { pairs });
    expect(res.status).toBe(200);
    expect(res.body.predictions).toHaveLength(1000);
  });

  it('rejects unknown users and movies in predict with 404', async () => {
    const badUser = await post('/v1/predict', { pairs: [{ userId: 2, movieId: movieIdOf(1) }] });
    expect(badUser).toMatchObject({
      status: 404,
      body: { type: 'urn:marquee:problem:unknown-user', userIds: [2] },
    });
    const badMovie = await post('/v1/predict', { pairs: [{ userId: userIdOf(stableUser()), movieId: 11 }] });
    expect(badMovie).toMatchObject({
      status: 404,
      body: { type: 'urn:marquee:problem:unknown-movie', movieIds: [11] },
    });
  });

  it('answers cold start with no ratings by popularity, overall and per genre', async () => {
    const overall = await post('/v1/recommendations', { ratings: [], limit: 5 });
    expect(overall.status).toBe(200);
    expect(overall.body.strategy).toBe('popularity');
    const counts = (overall.body.items as Item[]).map((i) => i.score);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const drama = await post('/v1/recommendations', { genres: ['Drama'], limit: 8 });
    expect((drama.body.items as Item[]).every((i) => i.genres.includes('Drama'))).toBe(true);
    expect(drama.body.items).toHaveLength(8);
  });

  it('folds a new user in from their ratings and excludes the rated movies', async () => {
    // The ratings a known user would give (their model predictions): the fold-in should fit them closely and
    // agree with that user's own top movies far more than chance.
    const u = stableUser(30);
    const all = expectedTopN(stable, u, SHAPE.numMovies, { excludeRated: false });
    const rated = all.movieIds
      .filter((_, k) => k % 12 === 0)
      .map((movieId) => ({
        movieId,
        rating: Math.min(5, Math.max(1, all.ratings[all.movieIds.indexOf(movieId)] as number)),
      }));
    const res = await post('/v1/recommendations', { ratings: rated, limit: 10 });
    expect(res.status).toBe(200);
    expect(res.body.strategy).toBe('fold-in+exhaustive'); // the stable version is dcf
    expect(res.body.foldIn.ratings).toBe(rated.length);
    const items = res.body.items as Item[];
    const ratedIds = new Set(rated.map((r) => r.movieId));
    expect(items.filter((i) => ratedIds.has(i.movieId))).toEqual([]);
    expect(items).toHaveLength(10);
    // Fit quality: the RMSE on the given ratings is well below their spread around their mean.
    const mean = rated.reduce((s, r) => s + r.rating, 0) / rated.length;
    const spread = Math.sqrt(rated.reduce((s, r) => s + (r.rating - mean) ** 2, 0) / rated.length);
    expect(res.body.foldIn.rmse).toBeLessThan(spread);
  });

  it('lists the served versions with their metrics', async () => {
    const res = await getJson('/v1/models');
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Model-Version')).toBe('dcf-1');
    expect(res.body.channels).toMatchObject({
      stable: 'dcf-1',
      canary: { version: 'hybrid-1', percent: CANARY_PERCENT },
    });
    const models = res.body.models as {
      version: string;
      status: string;
      arch: string;
      metrics: unknown;
      ranking: {
        strategy: string;
        calibrationUsers: number;
        executor: string;
        kernelMaxDiff: number;
        approximateMaxDiff: number | null;
        margin: number | null;
        quantizedShare: number;
      };
    }[];
    expect(models.map((m) => [m.version, m.status, m.arch, m.ranking.strategy])).toEqual([
      ['dcf-1', 'serving', 'dcf', 'exhaustive'],
      ['hybrid-1', 'serving', 'hybrid', 'pruned'],
    ]);
    expect(models[1]?.ranking.calibrationUsers).toBe(8);
    // Both versions rank with the SIMD kernel, checked against onnxruntime-web at load.
    for (const m of models) {
      expect(m.ranking.executor).toBe('wasm-kernel');
      expect(m.ranking.kernelMaxDiff).toBeLessThanOrEqual(1e-4);
      // The int8 pass was measured too (these small versions do not use it: too little work to pay off).
      expect(m.ranking.approximateMaxDiff).toBeGreaterThan(0);
      expect(m.ranking.margin).toBeGreaterThan(m.ranking.approximateMaxDiff!);
      expect(m.ranking.quantizedShare).toBeGreaterThan(0);
      expect(m.ranking.quantizedShare).toBeLessThanOrEqual(1);
    }
    expect(models[0]?.metrics).toEqual({ test: { rmse: 0.9 } });
  });

  describe('bad input', () => {
    const user = () => userIdOf(stableUser());
    const cases: [string, number, () => Promise<Reply>][] = [
      ['non-numeric user id', 400, () => getJson('/v1/users/abc/recommendations')],
      ['negative user id', 400, () => getJson('/v1/users/-4/recommendations')],
      ['user id beyond int32', 400, () => getJson('/v1/users/99999999999/recommendations')],
      ['limit 0', 400, () => getJson(`/v1/users/${user()}/recommendations?limit=0`)],
      ['limit 101', 400, () => getJson(`/v1/users/${user()}/recommendations?limit=101`)],
      ['limit not a number', 400, () => getJson(`/v1/users/${user()}/recommendations?limit=ten`)],
      ['limit given twice', 400, () => getJson(`/v1/users/${user()}/recommendations?limit=1&limit=2`)],
      ['unknown genre', 400, () => getJson(`/v1/users/${user()}/recommendations?genres=Comedy,Cartoons`)],
      ['bad exclude_rated', 400, () => getJson(`/v1/users/${user()}/recommendations?exclude_rated=maybe`)],
      ['unknown query parameter', 400, () => getJson(`/v1/users/${user()}/recommendations?limt=3`)],
      ['non-numeric movie id', 400, () => getJson('/v1/movies/1.5/similar')],
      ['similar limit 1000', 400, () => getJson(`/v1/movies/${movieIdOf(1)}/similar?limit=1000`)],
      ['malformed JSON', 400, () => post('/v1/predict', '{"pairs": [')],
      ['JSON that is not an object', 400, () => post('/v1/predict', '[1,2]')],
      ['no pairs', 400, () => post('/v1/predict', { pairs: [] })],
      ['pair without movieId', 400, () => post('/v1/predict', { pairs: [{ userId: 1 }] })],
      ['pair with a string id', 400, () => post('/v1/predict', { pairs: [{ userId: 'x', movieId: 10 }] })],
      [
        'too many pairs',
        400,
        () =>
          post('/v1/predict', { pairs: Array.from({ length: 1001 }, () => ({ userId: 1, movieId: 10 })) }),
      ],
      ['body over 64 KB', 413, () => post('/v1/predict', { pairs: [], pad: 'x'.repeat(70_000) })],
      ['form body', 415, () => post('/v1/predict', 'pairs=1', 'application/x-www-form-urlencoded')],
      [
        'rating outside the scale',
        400,
        () => post('/v1/recommendations', { ratings: [{ movieId: movieIdOf(1), rating: 9 }] }),
      ],
      [
        'rating not a number',
        400,
        () => post('/v1/recommendations', { ratings: [{ movieId: movieIdOf(1), rating: 'good' }] }),
      ],
      [
        'movie rated twice',
        400,
        () =>
          post('/v1/recommendations', {
            ratings: [
              { movieId: movieIdOf(1), rating: 3 },
              { movieId: movieIdOf(1), rating: 4 },
            ],
          }),
      ],
      ['cold-start limit 0', 400, () => post('/v1/recommendations', { limit: 0 })],
      ['cold-start unknown genre', 400, () => post('/v1/recommendations', { genres: ['Nope'] })],
      ['cold-start unknown field', 400, () => post('/v1/recommendations', { rating: [] })],
      [
        'cold-start unknown movie',
        404,
        () => post('/v1/recommendations', { ratings: [{ movieId: 11, rating: 3 }] }),
      ],
      ['unknown route', 404, () => getJson('/v2/anything')],
      ['wrong method', 404, () => getJson('/v1/predict')],
    ];
    it.each(cases)('%s → %i with a problem body', async (_name, status, request) => {
      const res = await request();
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:marquee:problem:/) });
      expect(typeof res.body.detail).toBe('string');
    });

    it('413 for a chunked body over 64 KB (no Content-Length), and the next request is served', async () => {
      const chunk = new TextEncoder().encode(' '.repeat(4096));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 70_000) controller.close();
          else {
            controller.enqueue(chunk);
            sent += chunk.byteLength;
          }
        },
      });
      const res = await getJson('/v1/recommendations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      // Under wrangler dev, cancelling the rest mid-stream stalled the next request (edge-dev-body.test.ts).
      const next = await getJson('/healthz', { signal: AbortSignal.timeout(10_000) });
      expect(next.status).toBe(200);
    });

    it('lists the valid genres when one is unknown', async () => {
      const res = await getJson(`/v1/users/${user()}/recommendations?genres=Cartoons`);
      expect(res.body.validGenres).toEqual([...GENRES]);
    });
  });

  describe('fuzz', () => {
    it('never answers 5xx to 400 random requests (seeded)', async () => {
      const rand = mulberry32(20260501);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
      const ids = () =>
        pick([
          '1',
          String(userIdOf(stableUser())),
          String(movieIdOf(3)),
          '0',
          '-1',
          '007',
          '1e3',
          '2147483648',
          '%00',
          '..',
          '',
          'ü',
          '%E0%A4%A',
          'null',
          ' 5',
          '9'.repeat(40),
        ]);
      const values = () =>
        pick([
          '',
          '1',
          '100',
          '-5',
          'abc',
          'true',
          'Comedy',
          'Comedy,,Drama',
          '%20',
          '[]',
          '{}',
          '\u0000',
          'x'.repeat(300),
        ]);
      const paths = [
        () => `/v1/users/${ids()}/recommendations`,
        () => `/v1/movies/${ids()}/similar`,
        () => '/v1/recommendations',
        () => '/v1/predict',
        () => '/v1/models',
        () => '/healthz',
        () => `/v1/${ids()}`,
        () => `/${ids()}/${ids()}`,
        () => `/v1/users/${ids()}/recommendations/${ids()}`,
      ];
      const bodies = [
        () =>
          JSON.stringify({
            pairs: Array.from({ length: Math.floor(rand() * 5) }, () => ({
              userId: Number(ids()) || ids(),
              movieId: Number(ids()) || ids(),
            })),
          }),
        () =>
          JSON.stringify({
            ratings: Array.from({ length: Math.floor(rand() * 4) }, () => ({
              movieId: movieIdOf(Math.floor(rand() * 700)),
              rating: pick([1, 3, 5, 0, 6, -1, 2.5, null]),
            })),
            limit: pick([1, 10, 0, 'x', null, 1e9]),
            genres: pick([undefined, [], ['Drama'], 'Drama', ['x'], 5]),
          }),
        () =>
          pick([
            '',
            '{',
            'null',
            '[]',
            '"x"',
            '{"pairs":null}',
            '{"ratings":{}}',
            '\u0000\u0001',
            '{"pairs":[{"userId":1,"movieId":10,"x":1}]}',
          ]),
        () =>
          JSON.stringify({
            pairs: Array.from({ length: 300 }, () => ({
              userId: userIdOf(Math.floor(rand() * 500)),
              movieId: movieIdOf(Math.floor(rand() * 700)),
            })),
          }),
      ];
      const failures: string[] = [];
      for (let i = 0; i < 400; i++) {
        let path = pick(paths)();
        if (rand() < 0.6) {
          const query = Array.from(
            { length: 1 + Math.floor(rand() * 3) },
            () => `${pick(['limit', 'genres', 'exclude_rated', 'x', ''])}=${values()}`,
          );
          path += `?${query.join('&')}`;
        }
        const method = pick(['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']);
        const init: RequestInit = { method };
        if (method === 'POST' || method === 'PUT') {
          init.body = pick(bodies)();
          init.headers = {
            'Content-Type': pick([
              'application/json',
              'application/json; charset=utf-8',
              'text/plain',
              'application/merge-patch+json',
            ]),
          };
        }
        let res: Response;
        try {
          res = await edge.fetch(path, init);
        } catch {
          continue; // the URL itself was rejected by the client (e.g. invalid percent-encoding in fetch)
        }
        const text = await res.text();
        if (res.status >= 500) failures.push(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
        else if (res.status >= 400 && method !== 'HEAD') {
          let status: unknown;
          try {
            status = (JSON.parse(text) as { status?: unknown }).status;
          } catch {
            status = undefined;
          }
          if (status !== res.status) {
            failures.push(`${method} ${path} → ${res.status} without problem body: ${text.slice(0, 200)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  });
});
