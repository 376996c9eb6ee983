// The feedback loop end to end on one machine: two versions of the same catalogue in the local R2 that workerd
// persists (the harness's Miniflare), the real Worker bundle serving a 20 % canary by channels.json, a seeded
// synthetic audience asking for recommendations and sending what it saw and did to POST /v1/events, the Worker's
// queue consumer writing the events bucket, and the real CLI (`marquee canary judge --json [--apply]`, a child
// process) reading both buckets through r2-local:// on the same persisted state — no copy — and deciding.
//
// The audience has a hidden taste: the ranking of the "taste" version (its offline answer, expectedTopN). Users
// click movies the taste ranks in their top 10 far more often than others, watch half of what they click and rate
// what they watch by the taste. The "shuffled" version is the same model with its movie embedding rows permuted:
// same users, seen lists and biases, worse lists (about 2 of its top 10 are in the taste's top 10). So:
//   taste as canary over shuffled stable → promote-step (20 → 25 %), applied, and the Worker routes 25 %;
//   a few more events in the new step → hold (too small a sample), channels.json untouched;
//   shuffled as canary over taste stable → rollback, applied, and the canary's users get stable again.
// Batches with a bad field get 400 and none of their events reach the bucket. Last, `marquee pipeline` trains on
// the ratings the audience sent, publishes once, and refuses a crippled candidate (exit code 3).
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../shared/src/kernels/prng.ts';
import { bucketOf, parseChannels, type Channels } from '../shared/src/schemas/channels.ts';
import {
  EVENTS_PREFIX,
  METRICS_PREFIX,
  MetricsRollupSchema,
  StoredEventSchema,
  type FeedbackEvent,
  type StoredEvent,
} from '../shared/src/schemas/events.ts';
import type { JudgeReport } from '../trainer/src/canary/index.ts';
import type { PipelineRecord } from '../trainer/src/pipeline/index.ts';
import { makeTempDir, removeDir, startEdge, type Edge } from '../tools/edge-harness.ts';
import {
  buildFixture,
  expectedTopN,
  movieIdOf,
  publishFixture,
  setChannelsJson,
  userIdOf,
  type Fixture,
} from '../tools/edge-fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHAPE = {
  arch: 'hybrid' as const,
  numUsers: 400,
  numMovies: 150,
  dim: 8,
  hidden: [16, 8],
  seenPerUser: 10,
  seed: 21,
};
const TASTE = 'v-taste';
const SHUFFLED = 'v-shuffled';
const KEY = 'canary-loop-events-key';
/** Rollup windows close every FLUSH_REQUESTS responses (never by time: METRICS_FLUSH_SECONDS is the maximum). */
const FLUSH_REQUESTS = 20;
const LIST = 10;
/** The audience's taste: the taste version's top TASTE_TOP for each user. */
const TASTE_TOP = 10;
const P_CLICK_LOVED = 0.1;
const P_CLICK_OTHER = 0.02;
const P_WATCH = 0.5;
/** A movie id no fixture has: events that mention it are only ever sent in batches the Worker must reject. */
const NEVER_STORED = 999_999;

/** Impressions each arm needs before the judge compares quality (400 users: about 80 on a 20 % canary). */
const MIN_IMPRESSIONS = 60;
// The judge's other sample sizes are scaled likewise; the quality tests are the defaults (95 %, one-sided,
// Bonferroni). With ~80 requests an arm's p99 is its slowest response (a version's first load, a stall of the
// shared 2-core machine: 150 ms against 100 ms in one run), so the p99 guard is given room; its arithmetic is
// decide.test.ts's business. The 5xx guard keeps its default.
const JUDGE_FLAGS = [
  '--min-impressions',
  String(MIN_IMPRESSIONS),
  '--min-requests',
  '50',
  '--min-ratings',
  '15',
  '--latency-tolerance',
  '1000',
];

let dir: string;
let state: string;
let edge: Edge;
let eventsBucket: Awaited<ReturnType<Edge['r2']>>;
let taste: Fixture;
let shuffled: Fixture;
/** Per dense user: the external ids of the movies the taste ranks in its top TASTE_TOP. */
let loved: Set<number>[];
/** Every key of the events bucket read so far, and the stored events in them. */
const readKeys = new Set<string>();
const stored: StoredEvent[] = [];
/** Requests counted in each rollup file of the events bucket read so far. */
const rollupRequests = new Map<string, number>();
/** Responses that counted for an arm (user recommendations), all phases: rollups are written every 20. */
let armedResponses = 0;

/** What the audience did in one phase, per arm (the judge's definitions, counted from the client side). */
interface Visit {
  impressions: Record<'stable' | 'canary', number>;
  /** Impressions after which the user clicked a listed movie. */
  clicked: Record<'stable' | 'canary', number>;
  /** Which version served each arm. */
  versions: Record<'stable' | 'canary', Set<string>>;
  accepted: number;
}

interface Served {
  items: { movieId: number }[];
  modelVersion: string;
  channel: 'stable' | 'canary';
}

function postEvents(events: unknown[]): Promise<Response> {
  return edge.fetch('/v1/events', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ events }),
  });
}

/** Runs `f` over `items` with `width` requests in flight. */
async function inParallel<T>(items: readonly T[], width: number, f: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await f(items[next++] as T);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

/**
 * The audience: each dense user in `users` asks for a top-10 once and reports the impression as the response named
 * it, then clicks each listed movie with probability 0.1 when the taste loves it (else 0.02), watches half of what
 * it clicked and rates a watched movie 5 when loved, else 2. Events go out in batches of at most 100, each user's
 * together, and the function returns once the queue consumer has written all of them.
 */
async function visit(users: readonly number[], seed: number): Promise<Visit> {
  const rand = mulberry32(seed);
  const v: Visit = {
    impressions: { stable: 0, canary: 0 },
    clicked: { stable: 0, canary: 0 },
    versions: { stable: new Set(), canary: new Set() },
    accepted: 0,
  };
  const lists = new Map<number, Served>();
  await inParallel(users, 4, async (u) => {
    const res = await edge.fetch(`/v1/users/${userIdOf(u)}/recommendations?limit=${LIST}`);
    expect(res.status).toBe(200);
    lists.set(u, (await res.json()) as Served);
  });
  armedResponses += users.length;
  // Decisions are drawn in user order after all answers are in, so the seed alone fixes them.
  const perUser: FeedbackEvent[][] = [];
  for (const u of users) {
    const served = lists.get(u) as Served;
    const user = userIdOf(u);
    const movies = served.items.map((i) => i.movieId);
    const arm = served.channel;
    v.impressions[arm]++;
    v.versions[arm].add(served.modelVersion);
    const events: FeedbackEvent[] = [
      { type: 'impression', user, movies, modelVersion: served.modelVersion, channel: arm },
    ];
    for (const movie of movies) {
      const love = loved[u]?.has(movie) === true;
      if (rand() >= (love ? P_CLICK_LOVED : P_CLICK_OTHER)) continue;
      events.push({ type: 'click', user, movie });
      if (rand() < P_WATCH) {
        events.push({ type: 'watch', user, movie });
        events.push({ type: 'rating', user, movie, value: love ? 5 : 2 });
      }
    }
    if (events.length > 1) v.clicked[arm]++;
    perUser.push(events);
  }
  const batches: FeedbackEvent[][] = [[]];
  for (const events of perUser) {
    if ((batches.at(-1) as FeedbackEvent[]).length + events.length > 100) batches.push([]);
    (batches.at(-1) as FeedbackEvent[]).push(...events);
  }
  for (const batch of batches.filter((b) => b.length > 0)) {
    const res = await postEvents(batch);
    expect(res.status).toBe(202);
    v.accepted += ((await res.json()) as { accepted: number }).accepted;
  }
  await allWritten(v.accepted);
  return v;
}

/** Keys under `prefix` in the events bucket (every page). */
async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await eventsBucket.list(cursor === undefined ? { prefix } : { prefix, cursor });
    keys.push(...page.objects.map((o) => o.key));
    if (!page.truncated) return keys;
    cursor = page.cursor;
  }
}

async function linesOf(key: string): Promise<unknown[]> {
  const text = (await (await eventsBucket.get(key))?.text()) ?? '';
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/**
 * Waits (at most 30 s) until `count` more events are stored and every full rollup window of the responses so far
 * is written, so the judge sees the whole phase.
 */
async function allWritten(count: number): Promise<void> {
  const want = stored.length + count;
  const rollups = FLUSH_REQUESTS * Math.floor(armedResponses / FLUSH_REQUESTS);
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const key of await keysUnder(EVENTS_PREFIX)) {
      if (readKeys.has(key)) continue;
      readKeys.add(key);
      for (const line of await linesOf(key)) stored.push(StoredEventSchema.parse(line));
    }
    for (const key of await keysUnder(METRICS_PREFIX)) {
      if (rollupRequests.has(key)) continue;
      const lines = await linesOf(key);
      rollupRequests.set(
        key,
        lines.reduce((n: number, l) => n + MetricsRollupSchema.parse(l).requests, 0),
      );
    }
    const counted = [...rollupRequests.values()].reduce((a, b) => a + b, 0);
    if (stored.length >= want && counted >= rollups) {
      expect(stored).toHaveLength(want);
      expect(counted).toBe(rollups);
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `within 30 s: ${stored.length} of ${want} events, ${counted} of ${rollups} rollup requests`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the real CLI in a child process: its exit code and output (a failing exit does not throw). */
async function marquee(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['trainer/bin/marquee.js', ...args],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The local buckets the Worker uses, as the CLI names them. */
const storeFlags = (): string[] => ['--store', 'r2-local://marquee-models', '--persist-to', state];

/** `marquee canary judge --json` on the two local buckets (the models store and the events bucket). */
async function judge(...extra: string[]): Promise<JudgeReport> {
  const r = await marquee(
    'canary',
    'judge',
    ...storeFlags(),
    '--events',
    'r2-local://marquee-events',
    '--json',
    ...JUDGE_FLAGS,
    ...extra,
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JudgeReport;
}

/** The judge's reasons and checks, for failure messages. */
function verdict(report: JudgeReport): string {
  return [...report.reasons, ...report.guards.map((g) => g.note), ...report.quality.map((q) => q.note)].join(
    '; ',
  );
}

async function channelsJson(): Promise<Channels> {
  const object = await edge.bucket.get('channels.json');
  return parseChannels(JSON.parse((await object?.text()) ?? 'null'));
}

/** The version and channel that answer a dense user now. */
async function servedBy(u: number): Promise<[string | null, string]> {
  const res = await edge.fetch(`/v1/users/${userIdOf(u)}/recommendations?limit=${LIST}`);
  const body = (await res.json()) as Served;
  armedResponses++;
  return [res.headers.get('X-Model-Version'), body.channel];
}

const users = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
/** The first dense user whose bucket lies in [lo, hi). */
const userInBuckets = (lo: number, hi: number): number =>
  users(0, SHAPE.numUsers).find((u) => bucketOf(userIdOf(u)) >= lo && bucketOf(userIdOf(u)) < hi) as number;

beforeAll(async () => {
  dir = await makeTempDir('marquee-canary-loop-');
  state = path.join(dir, 'state');
  [edge, taste, shuffled] = await Promise.all([
    // wrangler's local R2 lives in <persist-to>/v3/r2: the CLI's r2-local:// store opens the same state.
    startEdge({
      r2Persist: path.join(state, 'v3', 'r2'),
      vars: {
        EVENTS_KEY: KEY,
        METRICS_FLUSH_REQUESTS: String(FLUSH_REQUESTS),
        METRICS_FLUSH_SECONDS: '3600',
        // channels.json is re-read on every request, so an applied decision serves at once.
        CHANNELS_TTL_SECONDS: '0',
      },
      queueBatchTimeout: 0,
    }),
    buildFixture({ version: TASTE, ...SHAPE }),
    buildFixture({ version: SHUFFLED, ...SHAPE, shuffleMovieEmbeddings: 5 }),
    // The pipeline's base ratings (its part below), made while wrangler builds the Worker.
    marquee(
      'generate',
      '--users',
      '200',
      '--movies',
      '150',
      '--density',
      '0.15',
      '--seed',
      '7',
      '--out',
      path.join(dir, 'data'),
    ).then((r) => expect(r.code, r.stderr).toBe(0)),
  ]);
  eventsBucket = await edge.r2('EVENTS');
  loved = users(0, SHAPE.numUsers).map((u) => new Set(expectedTopN(taste, u, TASTE_TOP).movieIds));
  await publishFixture(edge.bucket, taste);
  await publishFixture(edge.bucket, shuffled);
}, 180_000);

afterAll(async () => {
  await edge?.dispose();
  if (dir) await removeDir(dir);
});

describe('the canary loop: audience → Worker → events bucket → canary judge → channels.json', () => {
  it('promotes a better canary one step, and the Worker serves the new split', async () => {
    await setChannelsJson(edge.bucket, { stable: SHUFFLED, canary: { version: TASTE, percent: 20 } });
    const v = await visit(users(0, SHAPE.numUsers), 1);
    expect([...v.versions.canary]).toEqual([TASTE]);
    expect([...v.versions.stable]).toEqual([SHUFFLED]);
    expect(v.clicked.canary / v.impressions.canary).toBeGreaterThan(v.clicked.stable / v.impressions.stable);

    const report = await judge('--apply');
    expect(report.decision, verdict(report)).toBe('promote-step');
    expect(report.nextPercent).toBe(25);
    expect(report.applied).toBe(true);
    // The judge saw exactly what the audience did: nothing lost, nothing counted twice.
    expect(report.online.canary).toMatchObject({
      impressions: v.impressions.canary,
      clicked: v.clicked.canary,
    });
    expect(report.online.stable).toMatchObject({
      impressions: v.impressions.stable,
      clicked: v.clicked.stable,
    });
    expect(report.input.invalid.count).toBe(0);
    expect(report.quality.map((q) => q.tested)).toEqual([true, true, true]);
    const ctr = report.quality.find((q) => q.metric === 'click-through');
    expect(ctr).toMatchObject({ tested: true, worse: false });
    expect(ctr?.test?.difference).toBeGreaterThan(0.15);
    expect(report.guards.every((g) => g.checked && !g.failed)).toBe(true);

    const channels = await channelsJson();
    expect(channels).toMatchObject({ stable: SHUFFLED, canary: { version: TASTE, percent: 25 } });
    expect(await servedBy(userInBuckets(20, 25))).toEqual([TASTE, 'canary']);
    expect(await servedBy(userInBuckets(25, 100))).toEqual([SHUFFLED, 'stable']);
  });

  it('holds when the new step has too few events, and leaves channels.json as it was', async () => {
    const before = await channelsJson();
    const v = await visit(users(0, 12), 2);
    const report = await judge('--apply');
    expect(report.decision, verdict(report)).toBe('hold');
    expect(report.applied).toBe(false);
    expect(report.window.since).toBe(before.updated);
    expect(report.online.canary.impressions).toBe(v.impressions.canary);
    expect(report.online.stable.impressions).toBe(v.impressions.stable);
    expect(report.missing.canary.impressions).toBe(MIN_IMPRESSIONS - v.impressions.canary);
    expect(report.quality.every((q) => !q.tested)).toBe(true);
    expect(report.reasons.join(' ')).toMatch(/canary needs \d+ more impressions/);
    expect(await channelsJson()).toEqual(before);
  });

  it('rolls back a worse canary, and its users get stable again', async () => {
    await setChannelsJson(edge.bucket, {
      stable: TASTE,
      canary: { version: SHUFFLED, percent: 20 },
      history: [SHUFFLED],
    });
    const v = await visit(users(0, SHAPE.numUsers), 3);
    expect([...v.versions.canary]).toEqual([SHUFFLED]);

    const report = await judge('--apply');
    expect(report.decision, verdict(report)).toBe('rollback');
    expect(report.applied).toBe(true);
    expect(report.online.canary).toMatchObject({
      impressions: v.impressions.canary,
      clicked: v.clicked.canary,
    });
    expect(report.reasons.join(' ')).toMatch(/click-through: .*significantly lower/);
    expect(report.guards.every((g) => g.checked && !g.failed)).toBe(true);

    expect(await channelsJson()).toMatchObject({ stable: TASTE, canary: null });
    expect(await servedBy(userInBuckets(0, 20))).toEqual([TASTE, 'stable']);
  });

  it('rejects batches with a bad field (400) and never stores any of their events', async () => {
    const user = userIdOf(userInBuckets(0, 100));
    const good = { type: 'click', user, movie: NEVER_STORED };
    const cases: [unknown, string][] = [
      [{ type: 'rating', user, movie: NEVER_STORED, value: 4.5 }, 'events.1.value'],
      [{ type: 'click', user, movie: NEVER_STORED + 0.5 }, 'events.1.movie'],
      [
        { type: 'impression', user, movies: [NEVER_STORED], modelVersion: TASTE, channel: 'beta' },
        'events.1.channel',
      ],
      [{ type: 'watch', user, movie: NEVER_STORED, page: 'home' }, 'events.1.page'],
      [{ type: 'share', user, movie: NEVER_STORED }, 'events.1.type'],
    ];
    for (const [bad, field] of cases) {
      const res = await postEvents([good, bad]);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { field?: string }).field).toBe(field);
    }
    // A valid batch after them: once it is written, anything the Worker had queued before it is written too.
    const marker = { type: 'watch', user, movie: movieIdOf(SHAPE.numMovies - 1) };
    expect((await postEvents([marker])).status).toBe(202);
    await allWritten(1);
    expect(stored.at(-1)).toMatchObject(marker);
    const mentions = stored.filter((e) =>
      e.type === 'impression' ? e.movies.includes(NEVER_STORED) : e.movie === NEVER_STORED,
    );
    expect(mentions).toEqual([]);
  });
});

// The nightly job on the events the Worker wrote: `marquee pipeline` gathers the audience's ratings, trains on the
// base ratings plus those and publishes its first version as stable in a store of its own (file://, so the next
// run's gate compares with a stable it trained); the Worker then serves that version as a canary; a deliberately
// crippled candidate is refused with exit code 3. The events bucket is copied into a file:// folder first: the
// pipeline's --persist-to would also apply to its file:// model store, which refuses it.
describe('marquee pipeline on the events the Worker wrote', () => {
  // A tiny model, and gates it clears (the pipeline's own tests cover the gate's margins).
  const TINY = ['--train-flags', '--epochs 3 --dim 16 --hidden 32,16'];
  const LENIENT = ['--gate-rmse-baseline', 'global-mean', '--gate-ranking-baseline', 'global-mean'];
  // One epoch at a learning rate too small to learn anything: worse than the default gate (biased MF on RMSE).
  const CRIPPLED = ['--train-flags', '--epochs 1 --lr 0.000001 --dim 8 --hidden 16'];
  const storeDir = () => path.join(dir, 'pipeline-store');
  const eventsDir = () => path.join(dir, 'events');

  /** `marquee pipeline --json`: its exit code and run record. */
  const pipeline = async (...extra: string[]) => {
    const r = await marquee(
      'pipeline',
      ...['--store', pathToFileURL(storeDir()).href, '--events', pathToFileURL(eventsDir()).href],
      ...['--data', path.join(dir, 'data'), '--workdir', path.join(dir, 'runs')],
      // The queue consumer wrote the events files moments ago; nothing is still in flight.
      ...['--settle-minutes', '0', '--json'],
      ...extra,
    );
    // Training runs in the pipeline's process and prints its own summary to stdout before the --json record.
    const at = r.stdout.search(/^\{$/m);
    expect(at, `exit code ${r.code}: ${r.stderr}`).toBeGreaterThanOrEqual(0);
    return {
      code: r.code,
      result: JSON.parse(r.stdout.slice(at)) as { code: number; record: PipelineRecord },
    };
  };
  const storeChannels = async (): Promise<Channels> =>
    parseChannels(JSON.parse(await readFile(path.join(storeDir(), 'channels.json'), 'utf8')));
  let published: string;

  beforeAll(async () => {
    for (const key of await keysUnder(EVENTS_PREFIX)) {
      const file = path.join(eventsDir(), ...key.split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, new Uint8Array(await (await eventsBucket.get(key))!.arrayBuffer()));
    }
  });

  it('publishes a first version trained with the gathered events, which the Worker can serve', async () => {
    const { code, result } = await pipeline(...TINY, ...LENIENT);
    expect(code).toBe(0);
    const { record } = result;
    expect(record.decision).toBe('published-stable');
    const ratings = stored.filter((e) => e.type === 'rating').length;
    expect(ratings).toBeGreaterThan(0);
    expect(record.data.gathered).toEqual({
      files: readKeys.size,
      ratings,
      watches: stored.filter((e) => e.type === 'watch').length,
      offScale: 0,
      invalidLines: 0,
    });
    expect(record.data.eventRatings).toBe(ratings);
    published = record.version as string;
    expect(await storeChannels()).toMatchObject({ stable: published, canary: null });

    // Into the Worker's bucket in `marquee publish`'s order (files, manifest.json, channels.json), as a canary.
    const versionDir = path.join(storeDir(), 'models', published);
    const files = (await readdir(versionDir)).sort(
      (a, b) => Number(a === 'manifest.json') - Number(b === 'manifest.json'),
    );
    for (const file of files) {
      const bytes = new Uint8Array(await readFile(path.join(versionDir, file)));
      await edge.bucket.put(`models/${published}/${file}`, bytes.buffer);
    }
    await setChannelsJson(edge.bucket, { stable: TASTE, canary: { version: published, percent: 10 } });
    // A user of the base ratings in the canary's buckets gets the pipeline's version.
    const user = users(1, 201).find((id) => bucketOf(id) < 10) as number;
    const res = await edge.fetch(`/v1/users/${user}/recommendations?limit=${LIST}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Model-Version')).toBe(published);
    expect(((await res.json()) as Served).channel).toBe('canary');
  }, 120_000);

  it('refuses a crippled candidate with exit code 3 and publishes nothing', async () => {
    const before = await storeChannels();
    const { code, result } = await pipeline(...CRIPPLED);
    expect(code).toBe(3);
    expect(result.code).toBe(3);
    expect(result.record).toMatchObject({
      decision: 'refused',
      // The stable was trained on every rating and no rating arrived since: not compared, and said so.
      metrics: { stable: { compared: false, version: published } },
    });
    expect(result.record.reasons.join(' ')).toMatch(/RMSE \d\.\d{4} does not beat mf/);
    expect(result.record.version).toBeUndefined();
    expect(await storeChannels()).toEqual(before);
    expect(await readdir(path.join(storeDir(), 'models'))).toEqual([published]);
  }, 120_000);
});
