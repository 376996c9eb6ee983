// The Hono app in-process (`app.request()`, Node, no Worker bundle): validation of params, queries and bodies,
// health, 404s and the 503 before anything is published. The MODELS bucket is Miniflare's R2 simulator, reached
// from Node; the paths that need a served model run in workerd (test/edge-api.test.ts).
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GENRES } from '../../../shared/src/schemas/genres.ts';
import { createApp } from '../app.ts';

// The ORT runtime's precompiled wasm is a wrangler CompiledWasm import that Node cannot load; nothing here starts
// the runtime, so a stand-in module is enough.
vi.mock('../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', () => ({ default: {} }));

const KEY = 'test-events-key';
let mf: Miniflare;
let env: Env;
/** What the app wrote to Analytics Engine (which nothing local can read back). */
const points: AnalyticsEngineDataPoint[] = [];
const app = createApp();

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: 'export default {}',
    r2Buckets: ['MODELS', 'EVENTS'],
    queueProducers: { EVENTS_QUEUE: 'marquee-events' },
  });
  env = {
    MODELS: (await mf.getR2Bucket('MODELS')) as unknown as R2Bucket,
    EVENTS: (await mf.getR2Bucket('EVENTS')) as unknown as R2Bucket,
    EVENTS_QUEUE: (await mf.getQueueProducer('EVENTS_QUEUE')) as unknown as Queue,
    SERVING_METRICS: { writeDataPoint: (point) => points.push(point ?? {}) },
    EVENTS_KEY: KEY,
    MODELS_PREFIX: '',
    CHANNELS_TTL_SECONDS: '30',
    LOAD_RETRY_SECONDS: '30',
    USER_PAGE_CACHE_KIB: '2048',
    METRICS_FLUSH_SECONDS: '60',
    METRICS_FLUSH_REQUESTS: '1000',
  };
});
afterAll(() => mf.dispose());

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  field?: string;
  [member: string]: unknown;
}

async function call(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; type: string; body: Problem }> {
  const res = await app.request(path, init, env);
  return {
    status: res.status,
    type: res.headers.get('Content-Type') ?? '',
    body: (await res.json()) as Problem,
  };
}

const post = (path: string, body: unknown, type = 'application/json') =>
  call(path, {
    method: 'POST',
    headers: { 'Content-Type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('routes in-process', () => {
  it('answers /healthz without storage, and counts it in Analytics Engine without a version', async () => {
    points.length = 0;
    const res = await app.request('/healthz', undefined, env);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(points).toEqual([
      { blobs: ['', '', '/healthz', '2xx'], doubles: [expect.any(Number), 200], indexes: [''] },
    ]);
  });

  it.each([
    ['GET', '/v2/anything'],
    ['GET', '/v1/predict'],
    ['DELETE', '/v1/models'],
  ])('404 problem+json for %s %s, listing the routes', async (method, path) => {
    const res = await call(path, { method });
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, type: 'urn:marquee:problem:not-found' });
    expect(res.body.detail).toContain(`${method} ${path}`);
    expect(res.body.detail).toContain('GET /v1/users/:userId/recommendations');
    expect(res.body.detail).toContain('POST /v1/events');
  });

  it('503 no-model for a valid request before anything is published', async () => {
    const res = await call('/v1/users/1/recommendations');
    expect(res.status).toBe(503);
    expect(res.body.type).toBe('urn:marquee:problem:no-model');
  });

  const recs = '/v1/users/1/recommendations';
  const cases: [string, () => ReturnType<typeof call>, string, RegExp][] = [
    ['non-numeric user id', () => call('/v1/users/abc/recommendations'), 'userId', /got abc/],
    ['negative user id', () => call('/v1/users/-4/recommendations'), 'userId', /whole number.*got -4/],
    ['user id beyond int32', () => call('/v1/users/99999999999/recommendations'), 'userId', /2147483647/],
    ['id beyond int32 with 10 digits', () => call('/v1/users/4294967295/recommendations'), 'userId', /got/],
    ['limit 0', () => call(`${recs}?limit=0`), 'limit', /from 1 to 100 \(got 0\)/],
    ['limit 101', () => call(`${recs}?limit=101`), 'limit', /got 101/],
    ['limit not a number', () => call(`${recs}?limit=ten`), 'limit', /got ten/],
    ['limit given twice', () => call(`${recs}?limit=1&limit=2`), 'limit', /given once \(got 2 values\)/],
    ['unknown genre', () => call(`${recs}?genres=Comedy,Cartoons`), 'genres', /unknown genre Cartoons/],
    ['bad exclude_rated', () => call(`${recs}?exclude_rated=maybe`), 'exclude_rated', /true or false/],
    ['unknown query parameter', () => call(`${recs}?limt=3`), 'limt', /accepts: limit, exclude_rated/],
    ['non-numeric movie id', () => call('/v1/movies/1.5/similar'), 'movieId', /got 1\.5/],
    ['similar limit 1000', () => call('/v1/movies/1/similar?limit=1000'), 'limit', /got 1000/],
    [
      'similar unknown parameter',
      () => call('/v1/movies/1/similar?genres=Drama'),
      'genres',
      /accepts: limit$/,
    ],
    ['JSON that is not an object', () => post('/v1/predict', '[1,2]'), 'body', /expected object/],
    ['no pairs', () => post('/v1/predict', { pairs: [] }), 'pairs', /at least one pair/],
    [
      'pair without movieId',
      () => post('/v1/predict', { pairs: [{ userId: 1 }] }),
      'pairs.0.movieId',
      /nothing/,
    ],
    [
      'pair with a string id',
      () => post('/v1/predict', { pairs: [{ userId: 'x', movieId: 10 }] }),
      'pairs.0.userId',
      /got "x"/,
    ],
    [
      'pair with a fractional id',
      () =>
        post('/v1/predict', {
          pairs: [
            { userId: 1, movieId: 10 },
            { userId: 2.5, movieId: 10 },
          ],
        }),
      'pairs.1.userId',
      /got 2\.5/,
    ],
    [
      'pair with an extra field',
      () => post('/v1/predict', { pairs: [{ userId: 1, movieId: 10, x: 1 }] }),
      'pairs.0.x',
      /Unrecognized key/,
    ],
    [
      'too many pairs',
      () => post('/v1/predict', { pairs: Array.from({ length: 1001 }, () => ({ userId: 1, movieId: 10 })) }),
      'pairs',
      /at most 1000 pairs/,
    ],
    [
      'rating not a number',
      () => post('/v1/recommendations', { ratings: [{ movieId: 1, rating: 'good' }] }),
      'ratings.0.rating',
      /expected number/,
    ],
    [
      'movie rated twice',
      () =>
        post('/v1/recommendations', {
          ratings: [
            { movieId: 1, rating: 3 },
            { movieId: 1, rating: 4 },
          ],
        }),
      'ratings.1.movieId',
      /movie 1 is rated twice/,
    ],
    ['cold-start limit 0', () => post('/v1/recommendations', { limit: 0 }), 'limit', /got 0/],
    ['cold-start limit as text', () => post('/v1/recommendations', { limit: '5' }), 'limit', /got "5"/],
    ['cold-start unknown genre', () => post('/v1/recommendations', { genres: ['Nope'] }), 'genres', /Nope/],
    ['cold-start unknown field', () => post('/v1/recommendations', { rating: [] }), 'rating', /Unrecognized/],
  ];
  it.each(cases)('400 naming the field: %s', async (_name, request, field, detail) => {
    const res = await request();
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, type: 'urn:marquee:problem:invalid-request', field });
    expect(res.body.detail.startsWith(`${field}: `)).toBe(true);
    expect(res.body.detail).toMatch(detail);
  });

  it('lists the valid genres when one is unknown', async () => {
    const res = await call(`${recs}?genres=Cartoons`);
    expect(res.body.validGenres).toEqual([...GENRES]);
  });

  it('400 for malformed JSON, 413 for a body over 64 KiB, 415 for a form body', async () => {
    expect((await post('/v1/predict', '{"pairs": [')).body).toMatchObject({ status: 400 });
    const big = await post('/v1/predict', { pairs: [], pad: 'x'.repeat(70_000) });
    expect(big.body).toMatchObject({ status: 413, type: 'urn:marquee:problem:payload-too-large' });
    const form = await post('/v1/predict', 'pairs=1', 'application/x-www-form-urlencoded');
    expect(form.body).toMatchObject({ status: 415, type: 'urn:marquee:problem:unsupported-media-type' });
  });

  describe('POST /v1/events', () => {
    const click = { type: 'click', user: 1, movie: 2 };
    const send = (body: unknown, headers: Record<string, string> = {}, e: Env = env) =>
      app.request(
        '/v1/events',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}`, ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        },
        e,
      );
    const problem = async (res: Response) => ({
      status: res.status,
      type: res.headers.get('Content-Type'),
      body: (await res.json()) as Problem,
    });

    it('503 when the EVENTS_KEY secret is not configured', async () => {
      const res = await problem(await send({ events: [click] }, {}, { ...env, EVENTS_KEY: '' }));
      expect(res.status).toBe(503);
      expect(res.body.type).toBe('urn:marquee:problem:writes-disabled');
      expect(res.body.detail).toContain('EVENTS_KEY');
    });

    it.each([
      ['no Authorization header', { Authorization: '' }],
      ['a wrong key', { Authorization: `Bearer ${KEY}x` }],
      ['a prefix of the key', { Authorization: `Bearer ${KEY.slice(0, -1)}` }],
      ['another scheme', { Authorization: `Basic ${KEY}` }],
    ])('401 with %s', async (_name, headers) => {
      const raw = await send({ events: [click] }, headers);
      expect(raw.headers.get('WWW-Authenticate')).toBe('Bearer realm="marquee-events"');
      const res = await problem(raw);
      expect(res.status).toBe(401);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.type).toBe('urn:marquee:problem:unauthorized');
    });

    const bad: [string, unknown, string][] = [
      ['empty batch', { events: [] }, 'events'],
      ['not a batch', [click], 'body'],
      ['non-integer user id', { events: [click, { ...click, user: 1.5 }] }, 'events.1.user'],
      ['negative movie id', { events: [{ ...click, movie: -3 }] }, 'events.0.movie'],
      ['unknown type', { events: [{ ...click, type: 'purchase' }] }, 'events.0.type'],
      ['extra field', { events: [{ ...click, extra: true }] }, 'events.0.extra'],
      ['rating without a value', { events: [{ type: 'rating', user: 1, movie: 2 }] }, 'events.0.value'],
      ['extra top-level field', { events: [click], source: 'app' }, 'source'],
      ['too many events', { events: Array.from({ length: 101 }, () => click) }, 'events'],
    ];
    it.each(bad)('400 naming the field: %s', async (_name, body, field) => {
      const res = await problem(await send(body));
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.body).toMatchObject({ type: 'urn:marquee:problem:invalid-request', field });
    });

    it('413 over 64 KiB and 415 for a form body', async () => {
      const big = { events: [click], pad: 'x'.repeat(70_000) };
      expect((await problem(await send(big))).status).toBe(413);
      const form = await send('events=1', { 'Content-Type': 'application/x-www-form-urlencoded' });
      expect((await problem(form)).status).toBe(415);
    });

    it('503 no-model for a valid batch before anything is published (no version to stamp)', async () => {
      const res = await problem(await send({ events: [click] }));
      expect(res.status).toBe(503);
      expect(res.body.type).toBe('urn:marquee:problem:no-model');
    });
  });
});
