// Feedback in, per version, inside workerd (the built Worker run by Miniflare with wrangler.toml's bindings): POST
// /v1/events → EVENTS_QUEUE → the Worker's own queue() handler → one NDJSON object in the EVENTS bucket, events
// stamped with the arm serving each user; who may write; every rejected batch leaves nothing behind; and the
// serving rollups the Worker writes next to the events. Queue batches are delivered at once (queueBatchTimeout 0)
// and rollups written every 5 responses, so every wait below ends as soon as the file it waits for exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf } from '../shared/src/schemas/channels.ts';
import {
  EVENTS_PREFIX,
  METRICS_PREFIX,
  MetricsRollupSchema,
  StoredEventSchema,
  type MetricsRollup,
  type StoredEvent,
} from '../shared/src/schemas/events.ts';
import { startEdge, type Edge } from '../tools/edge-harness.ts';
import {
  buildFixture,
  movieIdOf,
  publishFixture,
  setChannelsJson,
  userIdOf,
} from '../tools/edge-fixtures.ts';

const SHAPE = { numUsers: 60, numMovies: 120, dim: 8, hidden: [16, 8], seenPerUser: 10 };
const CANARY_PERCENT = 40;
const KEY = 'local-test-events-key';
/** Every rollup window closes after this many responses (METRICS_FLUSH_REQUESTS). */
const FLUSH_REQUESTS = 5;

let edge: Edge;
let events: Awaited<ReturnType<Edge['r2']>>;

/** A user (external id) of the fixtures on the given channel. */
function userOn(channel: 'stable' | 'canary', from = 0): number {
  for (let u = from; u < SHAPE.numUsers; u++) {
    const canary = bucketOf(userIdOf(u)) < CANARY_PERCENT;
    if (canary === (channel === 'canary')) return userIdOf(u);
  }
  throw new Error(`no ${channel} user`);
}

function postEvents(body: unknown, key: string | null = KEY, contentType = 'application/json') {
  return edge.fetch('/v1/events', {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...(key === null ? {} : { Authorization: `Bearer ${key}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Keys under `prefix` in the EVENTS bucket. */
async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await events.list({ prefix });
  return listed.objects.map((o) => o.key).sort();
}

/** Waits (at most 15 s, polling every 50 ms) until a key under `prefix` that is not in `seen` exists. */
async function newKeys(prefix: string, seen: readonly string[]): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const fresh = (await keysUnder(prefix)).filter((k) => !seen.includes(k));
    if (fresh.length > 0) return fresh;
    if (Date.now() > deadline) throw new Error(`nothing new under ${prefix} within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function linesOf(key: string): Promise<unknown[]> {
  const object = await events.get(key);
  const text = (await object?.text()) ?? '';
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/**
 * Sends a valid one-event batch and returns the stored events written since `seen`: the queue delivers in order, so
 * once the marker is written anything sent before it has been written too.
 */
async function eventsUpToMarker(seen: readonly string[]): Promise<StoredEvent[]> {
  const marker = { type: 'watch', user: userOn('stable'), movie: movieIdOf(99) };
  expect((await postEvents({ events: [marker] })).status).toBe(202);
  const found: StoredEvent[] = [];
  const deadline = Date.now() + 15_000;
  const read = new Set(seen);
  for (;;) {
    for (const key of await newKeys(EVENTS_PREFIX, [...read])) {
      read.add(key);
      for (const line of await linesOf(key)) found.push(StoredEventSchema.parse(line));
    }
    if (found.some((e) => e.type === 'watch' && e.movie === marker.movie)) return found;
    if (Date.now() > deadline) throw new Error('the marker event was not written within 15 s');
  }
}

beforeAll(async () => {
  const [started, stable, canary] = await Promise.all([
    startEdge({
      vars: { EVENTS_KEY: KEY, METRICS_FLUSH_REQUESTS: String(FLUSH_REQUESTS) },
      queueBatchTimeout: 0,
    }),
    buildFixture({ version: 'stable-1', arch: 'hybrid', seed: 11, ...SHAPE }),
    buildFixture({ version: 'canary-1', arch: 'hybrid', seed: 12, ...SHAPE }),
  ]);
  edge = started;
  events = await edge.r2('EVENTS');
  await publishFixture(edge.bucket, stable);
  await publishFixture(edge.bucket, canary);
  await setChannelsJson(edge.bucket, {
    stable: 'stable-1',
    canary: { version: 'canary-1', percent: CANARY_PERCENT },
  });
});

afterAll(async () => {
  await edge?.dispose();
});

describe('POST /v1/events', () => {
  it('accepts a batch (202), and the queue consumer writes it stamped with each user’s arm', async () => {
    const before = await keysUnder(EVENTS_PREFIX);
    const s = userOn('stable');
    const c = userOn('canary');
    const batch = [
      {
        type: 'impression',
        user: c,
        movies: [movieIdOf(1), movieIdOf(2)],
        modelVersion: 'canary-1',
        channel: 'canary',
      },
      { type: 'click', user: c, movie: movieIdOf(2), at: '2026-12-06T10:00:00+01:00' },
      { type: 'rating', user: c, movie: movieIdOf(2), value: 5 },
      { type: 'impression', user: s, movies: [movieIdOf(3)], modelVersion: 'stable-1', channel: 'stable' },
      { type: 'watch', user: s, movie: movieIdOf(3) },
      { type: 'rating', user: s, movie: movieIdOf(3), value: 1 },
    ];
    const sent = Date.now();
    const res = await postEvents({ events: batch });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; received: string };
    expect(body.accepted).toBe(6);

    const [key] = await newKeys(EVENTS_PREFIX, before);
    expect(key).toMatch(/^events\/\d{4}-\d{2}-\d{2}\/\d{2}\/[^/]+\.ndjson$/);
    const stored = (await linesOf(key!)).map((l) => StoredEventSchema.parse(l));
    expect(stored).toHaveLength(6);
    stored.forEach((e, i) => {
      expect(e).toMatchObject({ ...batch[i], schema: 1, received: body.received });
      expect(e.arm).toEqual(
        e.user === c
          ? { version: 'canary-1', channel: 'canary' }
          : { version: 'stable-1', channel: 'stable' },
      );
    });
    const received = Date.parse(body.received);
    expect(received).toBeGreaterThanOrEqual(sent - 1000);
    expect(received).toBeLessThanOrEqual(Date.now());
  });

  describe('rejects, and writes nothing of a rejected batch', () => {
    let before: string[];
    beforeAll(async () => {
      before = await keysUnder(EVENTS_PREFIX);
    });

    const s = () => userOn('stable');
    const click = () => ({ type: 'click', user: s(), movie: movieIdOf(5) });
    const cases: [string, number, () => Promise<Response>, string?][] = [
      ['no key', 401, () => postEvents({ events: [click()] }, null)],
      ['a wrong key', 401, () => postEvents({ events: [click()] }, `${KEY}-not`)],
      ['an empty batch', 400, () => postEvents({ events: [] }), 'events'],
      [
        'a non-integer id',
        400,
        () => postEvents({ events: [click(), { ...click(), movie: 5.5 }] }),
        'events.1.movie',
      ],
      [
        'an unknown type',
        400,
        () => postEvents({ events: [{ ...click(), type: 'purchase' }] }),
        'events.0.type',
      ],
      ['an extra field', 400, () => postEvents({ events: [{ ...click(), page: 'home' }] }), 'events.0.page'],
      [
        'a rating between the steps of the scale',
        400,
        () =>
          postEvents({ events: [click(), { type: 'rating', user: s(), movie: movieIdOf(5), value: 4.5 }] }),
        'events.1.value',
      ],
      [
        'a rating below the scale',
        400,
        () =>
          postEvents({ events: [{ type: 'rating', user: userOn('canary'), movie: movieIdOf(5), value: 0 }] }),
        'events.0.value',
      ],
      ['too many events', 400, () => postEvents({ events: Array.from({ length: 101 }, click) }), 'events'],
      ['a body over 64 KiB', 413, () => postEvents({ events: [click()], pad: 'x'.repeat(70_000) })],
      ['a form body', 415, () => postEvents('events=1', KEY, 'application/x-www-form-urlencoded')],
    ];
    it.each(cases)('%s → %i problem+json', async (_name, status, request, field) => {
      const res = await request();
      expect(res.status).toBe(status);
      expect(res.headers.get('Content-Type')).toBe('application/problem+json');
      const problem = (await res.json()) as { status: number; field?: string; detail: string };
      expect(problem.status).toBe(status);
      if (field !== undefined) expect(problem.field).toBe(field);
      if (status === 401) expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);
    });

    it('…of which nothing reached the bucket', async () => {
      const written = await eventsUpToMarker(before);
      expect(written.map((e) => e.type)).toEqual(['watch']);
    });
  });
});

describe('serving rollups', () => {
  it(`writes MetricsRollup lines per version, channel and route after ${FLUSH_REQUESTS} responses`, async () => {
    const before = await keysUnder(METRICS_PREFIX);
    const s = userOn('stable');
    const c = userOn('canary');
    let unknownStable = userIdOf(SHAPE.numUsers);
    while (bucketOf(unknownStable) < CANARY_PERCENT) unknownStable += 3;
    const paths = [
      `/v1/users/${s}/recommendations?limit=3`,
      `/v1/users/${c}/recommendations?limit=3`,
      `/v1/users/${unknownStable}/recommendations`,
      `/v1/users/${s}/recommendations?limit=5`,
      `/v1/users/${c}/recommendations?limit=5`,
    ];
    const statuses = [];
    for (const path of paths) {
      const res = await edge.fetch(path);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 404, 200, 200]);
    // Answers no version served (health, 400s before a version is chosen) are not counted in rollups.
    await (await edge.fetch('/healthz')).arrayBuffer();
    await (await edge.fetch('/v1/users/x/recommendations')).arrayBuffer();

    const keys = await newKeys(METRICS_PREFIX, before);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^metrics\/\d{4}-\d{2}-\d{2}\/\d{2}\/[^/]+\.ndjson$/);
    const rollups: MetricsRollup[] = (await linesOf(keys[0]!)).map((l) => MetricsRollupSchema.parse(l));
    const route = '/v1/users/:userId/recommendations';
    const summary = rollups
      .map((r) => [r.version, r.channel, r.route, r.requests, r.status4xx, r.status5xx])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(summary).toEqual([
      ['canary-1', 'canary', route, 2, 0, 0],
      ['stable-1', 'stable', route, 3, 1, 0],
    ]);
    for (const r of rollups) {
      expect(r.latencyMs.reduce((a, b) => a + b, 0)).toBe(r.requests);
      expect(Date.parse(r.from)).toBeLessThanOrEqual(Date.parse(r.to));
    }
  });
});
