// The Worker's API inside workerd (the bundle wrangler builds, run by Miniflare, local R2 filled here): every
// route, its answers against the offline scorer and kernels (two-stage for a version with a preference head,
// exhaustive for one without), every documented error, canary routing, and a fuzz run that must never produce a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../shared/src/formats/verify.ts';
import { mulberry32 } from '../shared/src/kernels/prng.ts';
import { bucketOf } from '../shared/src/schemas/channels.ts';
import { GENRES, genreMask } from '../shared/src/schemas/genres.ts';
import { startEdge, type Edge } from '../tools/edge-harness.ts';
import {
  buildFixture,
  expectedSimilar,
  expectedTopN,
  FIXTURE_PLAN,
  movieIdOf,
  publishFixture,
  setChannelsJson,
  userIdOf,
  type Fixture,
} from '../tools/edge-fixtures.ts';

// 2,500 movies: an exhaustive pass spans two graph runs (MAX_PAIRS_PER_RUN = 2,048), so chunking is exercised.
const SHAPE = { numUsers: 400, numMovies: 2500, dim: 16, hidden: [32, 16, 8], seenPerUser: 25 };
const CANARY_PERCENT = 30;
const C = FIXTURE_PLAN.candidates;

let edge: Edge;
/** Hybrid with a preference head and a two-stage plan (what training produces by default). */
let stable: Fixture;
/** dcf without a preference head (`--pref-weight 0`): ranked exhaustively. */
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

/** A dense user served by the stable (two-stage) version. */
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
    // channels.json re-read on every request: the last tests switch versions.
    startEdge({ vars: { CHANNELS_TTL_SECONDS: '0' } }),
    buildFixture({ version: 'two-stage-1', arch: 'hybrid', seed: 1, similarK: 20, ...SHAPE }),
    buildFixture({ version: 'exhaustive-1', arch: 'dcf', seed: 2, plan: null, ...SHAPE }),
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

describe('with a two-stage stable version and a canary without a preference head', () => {
  beforeAll(async () => {
    await publishFixture(edge.bucket, stable);
    await publishFixture(edge.bucket, canary);
    await setChannelsJson(edge.bucket, {
      stable: 'two-stage-1',
      canary: { version: 'exhaustive-1', percent: CANARY_PERCENT },
    });
  });

  it('recommends what the offline two-stage path ranks first, rated movies excluded, version in body and header', async () => {
    for (const u of [stableUser(0), stableUser(50), stableUser(200)]) {
      const res = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=10`);
      expect(res.status).toBe(200);
      expect(res.headers.get('X-Model-Version')).toBe('two-stage-1');
      expect(res.body).toMatchObject({
        userId: userIdOf(u),
        modelVersion: 'two-stage-1',
        channel: 'stable',
      });
      // onnxruntime-web rated only the plan's C candidates.
      expect(res.body).toMatchObject({ strategy: 'two-stage', scored: C });
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
    // A user whose offline top-20 holds a rated movie once rated movies are allowed, so the flag must matter.
    const ratedIds = (u: number) => new Set(Array.from(stable.seen[u] as Int32Array, (m) => movieIdOf(m)));
    let u = stableUser(10);
    while (!expectedTopN(stable, u, 20, { excludeRated: false }).movieIds.some((id) => ratedIds(u).has(id)))
      u = stableUser(u + 1);
    const res = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=20&exclude_rated=false`);
    expect(res.body).toMatchObject({ excludeRated: false, strategy: 'two-stage' });
    const items = (res.body.items as Item[]).map((i) => i.movieId);
    expect(items).toEqual(expectedTopN(stable, u, 20, { excludeRated: false }).movieIds);
    expect(items.some((id) => ratedIds(u).has(id))).toBe(true);
  });

  it('filters by genres (any of them) before retrieving the candidates', async () => {
    for (const u of [stableUser(20), stableUser(120)]) {
      const res = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=15&genres=Comedy,drama`);
      const mask = genreMask(['Comedy', 'Drama']);
      expect(res.body).toMatchObject({ genres: ['Comedy', 'Drama'], strategy: 'two-stage', scored: C });
      const items = res.body.items as Item[];
      expect(items.map((i) => i.movieId)).toEqual(expectedTopN(stable, u, 15, { genreMask: mask }).movieIds);
      for (const item of items) expect(item.genres.some((g) => g === 'Comedy' || g === 'Drama')).toBe(true);
      const rated = new Set(Array.from(stable.seen[u] as Int32Array, (m) => movieIdOf(m)));
      expect(items.filter((i) => rated.has(i.movieId))).toEqual([]);
    }
  });

  it('retrieves `limit` candidates when the limit is larger than the plan’s C', async () => {
    const u = stableUser(60);
    for (const [limit, genres] of [
      [C + 10, ''],
      [100, ''],
      [60, '&genres=Horror'],
    ] as const) {
      const res = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=${limit}${genres}`);
      expect(res.body).toMatchObject({ strategy: 'two-stage', scored: limit });
      const mask = genres === '' ? 0 : genreMask(['Horror']);
      const expected = expectedTopN(stable, u, limit, { genreMask: mask });
      const items = res.body.items as Item[];
      expect(items).toHaveLength(limit);
      expect(items.map((i) => i.movieId)).toEqual(expected.movieIds);
      items.forEach((item, k) => expect(item.score).toBeCloseTo(expected.ratings[k] as number, 3));
    }
  });

  it('routes canary users to the canary version, deterministically', async () => {
    for (let u = 0; u < 40; u++) {
      const expected = bucketOf(userIdOf(u)) < CANARY_PERCENT ? 'exhaustive-1' : 'two-stage-1';
      const first = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=1`);
      const again = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=1`);
      expect([first.body.modelVersion, again.body.modelVersion]).toEqual([expected, expected]);
      expect(first.body.channel).toBe(expected === 'exhaustive-1' ? 'canary' : 'stable');
    }
  });

  it('rates every eligible movie for a version without a preference head (exhaustive)', async () => {
    for (const u of [canaryUser(0), canaryUser(100), canaryUser(250)]) {
      for (const [limit, genres] of [
        [10, ''],
        [50, ''],
        [10, '&genres=Horror'],
      ] as const) {
        const res = await getJson(`/v1/users/${userIdOf(u)}/recommendations?limit=${limit}${genres}`);
        expect(res.body).toMatchObject({ modelVersion: 'exhaustive-1', strategy: 'exhaustive' });
        const mask = genres === '' ? 0 : genreMask(['Horror']);
        if (mask === 0) expect(res.body.scored).toBe(SHAPE.numMovies - SHAPE.seenPerUser);
        else expect(res.body.scored).toBeLessThan(SHAPE.numMovies / 2);
        const expected = expectedTopN(canary, u, limit, { genreMask: mask });
        const items = res.body.items as Item[];
        expect(items.map((i) => i.movieId)).toEqual(expected.movieIds);
        items.forEach((item, k) => expect(item.score).toBeCloseTo(expected.ratings[k] as number, 3));
        const rated = new Set(Array.from(canary.seen[u] as Int32Array, (m) => movieIdOf(m)));
        expect(items.filter((i) => rated.has(i.movieId))).toEqual([]);
      }
    }
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
    expect(res.headers.get('X-Model-Version')?.split(', ').sort()).toEqual(['exhaustive-1', 'two-stage-1']);
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

  it('folds a new user in from their ratings and ranks them two-stage, the rated movies excluded', async () => {
    // The ratings a known user would give (their model predictions): the fold-in should fit them closely. Rated
    // movies include the top of the user's own ranking, so excluding them changes the candidates.
    const u = stableUser(30);
    const all = expectedTopN(stable, u, SHAPE.numMovies, { excludeRated: false });
    const rated = all.movieIds
      .filter((_, k) => k < 10 || k % 12 === 0)
      .map((movieId) => ({
        movieId,
        rating: Math.min(5, Math.max(1, all.ratings[all.movieIds.indexOf(movieId)] as number)),
      }));
    const ratedIds = new Set(rated.map((r) => r.movieId));
    for (const [limit, genres] of [
      [10, undefined],
      [C + 20, undefined],
      [10, ['Drama']],
    ] as const) {
      const res = await post('/v1/recommendations', { ratings: rated, limit, genres });
      expect(res.status).toBe(200);
      // The stable version has a preference head: C candidates (or `limit`, when larger) rated by the graph.
      expect(res.body).toMatchObject({ strategy: 'fold-in+two-stage', scored: Math.max(C, limit) });
      expect(res.body.foldIn.ratings).toBe(rated.length);
      const items = res.body.items as Item[];
      expect(items).toHaveLength(limit);
      expect(new Set(items.map((i) => i.movieId)).size).toBe(limit);
      expect(items.filter((i) => ratedIds.has(i.movieId))).toEqual([]);
      if (genres !== undefined) expect(items.every((i) => i.genres.includes('Drama'))).toBe(true);
      // Fit quality: the RMSE on the given ratings is well below their spread around their mean.
      const mean = rated.reduce((s, r) => s + r.rating, 0) / rated.length;
      const spread = Math.sqrt(rated.reduce((s, r) => s + (r.rating - mean) ** 2, 0) / rated.length);
      expect(res.body.foldIn.rmse).toBeLessThan(spread);
    }
  });

  it('lists the served versions with their metrics', async () => {
    const res = await getJson('/v1/models');
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Model-Version')).toBe('two-stage-1');
    expect(res.body.channels).toMatchObject({
      stable: 'two-stage-1',
      canary: { version: 'exhaustive-1', percent: CANARY_PERCENT },
    });
    const models = res.body.models as {
      version: string;
      status: string;
      arch: string;
      metrics: unknown;
      ranking: unknown;
    }[];
    expect(models.map((m) => [m.version, m.status, m.arch, m.ranking])).toEqual([
      ['two-stage-1', 'serving', 'hybrid', { strategy: 'two-stage', ...FIXTURE_PLAN, historyWeight: 1 }],
      ['exhaustive-1', 'serving', 'dcf', { strategy: 'exhaustive' }],
    ]);
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

describe('versions whose files disagree with each other', () => {
  /** `fixture` renamed, with its manifest edited (the manifest is not among the hashed files) and files replaced. */
  async function publishEdited(
    fixture: Fixture,
    version: string,
    edit: (manifest: Record<string, unknown>) => Record<string, unknown>,
    files: Record<string, Uint8Array> = {},
  ): Promise<void> {
    const manifest = JSON.parse(new TextDecoder().decode(fixture.files.get('manifest.json'))) as Record<
      string,
      unknown
    >;
    const edited = new Map(fixture.files);
    for (const [name, bytes] of Object.entries(files)) edited.set(name, bytes);
    edited.set('manifest.json', new TextEncoder().encode(JSON.stringify(edit({ ...manifest, version }))));
    await publishFixture(edge.bucket, {
      ...fixture,
      options: { ...fixture.options, version },
      files: edited,
    });
  }

  /** Makes `version` stable; the request is answered by two-stage-1 and /v1/models shows `version` failed. */
  async function expectNotServed(version: string, error: RegExp): Promise<void> {
    await setChannelsJson(edge.bucket, { stable: version, history: ['two-stage-1'] });
    const res = await getJson(`/v1/users/${userIdOf(stableUser(5))}/recommendations?limit=10`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ modelVersion: 'two-stage-1', strategy: 'two-stage' });
    expect(res.body.fallback).toMatch(new RegExp(`${version} cannot be loaded; serving two-stage-1`));
    const models = await getJson('/v1/models');
    expect(models.body.models).toEqual([
      expect.objectContaining({ version, status: 'failed', error: expect.stringMatching(error) }),
    ]);
  }

  it('does not serve movies.bin without a preference head under a manifest with a ranking plan', async () => {
    await publishEdited(canary, 'mismatch-1', (m) => ({
      ...m,
      ranking: { ...FIXTURE_PLAN, historyWeight: 1 },
    }));
    await expectNotServed(
      'mismatch-1',
      /movies\.bin.*holds no preference head .* manifest\.json has a ranking plan/,
    );
  });

  it('does not serve a model.onnx that rates fewer movies than the manifest', async () => {
    const small = await buildFixture({
      version: 'small',
      arch: 'dcf',
      seed: 9,
      plan: null,
      ...SHAPE,
      numMovies: 100,
    });
    const onnx = small.files.get('model.onnx') as Uint8Array;
    const entry = await digestOf(onnx);
    await publishEdited(
      canary,
      'mismatch-2',
      (m) => ({ ...m, files: { ...(m.files as object), 'model.onnx': entry } }),
      { 'model.onnx': onnx },
    );
    await expectNotServed('mismatch-2', /model\.onnx: cannot rate movies 0 and 2499 of the manifest's 2500/);
  });
});
