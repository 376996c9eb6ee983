// `marquee canary judge` against a file:// model store with two published versions and a file:// events bucket
// whose NDJSON files each test writes: the decision, the missing counts, --apply, --json and flag errors.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../tools/cli-capture.ts';
import { syntheticInput } from '../../../tools/synthetic-input.ts';
import {
  EVENTS_PREFIX,
  eventsKey,
  LATENCY_BOUNDS_MS,
  latencyBucket,
  METRICS_PREFIX,
} from '../../../shared/src/schemas/events.ts';
import { buildVersion } from '../export/artifacts/build-version.ts';
import { setChannels } from '../store/channels.ts';
import { fileStore } from '../store/file-store.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { publishVersion } from '../store/versions.ts';

const HOUR = 3_600_000;

/** One arm's traffic: impressions by distinct users, with shares that click, watch and rate well. */
interface Traffic {
  version: string;
  channel: 'stable' | 'canary';
  impressions: number;
  /** Shares in [0, 1] of the impressions followed by a click / a watch / a rating of 5 (else 2). */
  click: number;
  watch: number;
  goodRating: number;
  /** Serving rollup: requests, 5xx and the latency every request took. */
  requests: number;
  errors5xx?: number;
  latencyMs?: number;
}

let root = '';
let stable = '';
let canary = '';

async function publish(store: ObjectStore, seed: number, created: Date): Promise<string> {
  const input = syntheticInput({ users: 20, movies: 30, ratingsPerUser: 5, seed });
  const built = await buildVersion({
    ...input,
    created,
    metrics: { 'test.rmse': 0.9 + seed / 100, 'test.ndcg@10': 0.1 },
  });
  await publishVersion(store, built);
  return built.manifest.version;
}

/** A fresh model store with stable and a canary at `percent`, its channels.json written two hours ago. */
async function storeWithCanary(name: string, percent: number): Promise<{ uri: string; since: Date }> {
  const dir = join(root, name);
  const store = fileStore(dir);
  for (const id of [stable, canary]) {
    for (const key of await fileStore(join(root, 'versions')).list(`models/${id}/`)) {
      await store.put(key, (await fileStore(join(root, 'versions')).get(key)) as Uint8Array);
    }
  }
  const since = new Date(Date.now() - 2 * HOUR);
  await setChannels(store, { stable, canary: { version: canary, percent }, history: [] }, since);
  return { uri: pathToFileURL(dir).href, since };
}

/** Writes the arms' events (one NDJSON file per arm) and rollups into a fresh events bucket. */
async function eventsBucket(name: string, since: Date, arms: Traffic[]): Promise<string> {
  const dir = join(root, name);
  const store = fileStore(dir);
  let userBase = 1;
  for (const [a, arm] of arms.entries()) {
    const t0 = since.getTime() + 10 * 60_000;
    const lines: object[] = [];
    const stamp = (ms: number) => ({
      schema: 1,
      received: new Date(ms).toISOString(),
      arm: { version: arm.version, channel: arm.channel },
    });
    for (let i = 0; i < arm.impressions; i++) {
      const user = userBase + i;
      const t = t0 + i * 1000;
      // Deterministic shares: impression i acts when (i mod 100) falls below the share.
      const acts = (share: number) => i % 100 < Math.round(share * 100);
      lines.push({
        type: 'impression',
        user,
        movies: [101, 102, 103],
        modelVersion: arm.version,
        channel: arm.channel,
        ...stamp(t),
      });
      if (acts(arm.click)) lines.push({ type: 'click', user, movie: 102, ...stamp(t + 500) });
      if (acts(arm.watch)) lines.push({ type: 'watch', user, movie: 102, ...stamp(t + 600) });
      lines.push({
        type: 'rating',
        user,
        movie: 103,
        value: acts(arm.goodRating) ? 5 : 2,
        ...stamp(t + 700),
      });
    }
    userBase += arm.impressions;
    const body = lines.map((l) => JSON.stringify(l)).join('\n');
    await store.put(eventsKey(EVENTS_PREFIX, new Date(t0), `arm${a}`), new TextEncoder().encode(`${body}\n`));
    const latency = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    latency[latencyBucket(arm.latencyMs ?? 4)] = arm.requests;
    const rollup = {
      schema: 1,
      type: 'metrics',
      from: new Date(t0).toISOString(),
      to: new Date(t0 + 60_000).toISOString(),
      version: arm.version,
      channel: arm.channel,
      route: '/v1/users/:userId/recommendations',
      requests: arm.requests,
      status4xx: 0,
      status5xx: arm.errors5xx ?? 0,
      latencyMs: latency,
      latencySumMs: arm.requests * (arm.latencyMs ?? 4),
    };
    await store.put(
      eventsKey(METRICS_PREFIX, new Date(t0 + 60_000), `arm${a}`),
      new TextEncoder().encode(`${JSON.stringify(rollup)}\n{"not": "a rollup"}\n`),
    );
  }
  return pathToFileURL(dir).href;
}

const traffic = (over: Partial<Traffic> & Pick<Traffic, 'channel'>): Traffic => ({
  version: over.channel === 'stable' ? stable : canary,
  impressions: 400,
  click: 0.15,
  watch: 0.08,
  goodRating: 0.6,
  requests: 2000,
  ...over,
});

async function judge(
  storeUri: string,
  eventsUri: string,
  ...extra: string[]
): Promise<{ code: number; out: string; err: string }> {
  return runCli(['canary', 'judge', '--store', storeUri, '--events', eventsUri, ...extra]);
}

async function channelsOf(
  uri: string,
): Promise<{ stable: string; canary: { version: string; percent: number } | null }> {
  return JSON.parse(await readFile(join(new URL(uri).pathname, 'channels.json'), 'utf8'));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'marquee-canary-'));
  const versions = fileStore(join(root, 'versions'));
  stable = await publish(versions, 1, new Date('2026-01-01T00:00:00Z'));
  canary = await publish(versions, 2, new Date('2026-01-02T00:00:00Z'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('marquee canary judge', () => {
  it('steps a better canary up to the next step, and --apply writes it', async () => {
    const { uri, since } = await storeWithCanary('better', 10);
    const events = await eventsBucket('better-events', since, [
      traffic({ channel: 'stable', click: 0.1 }),
      traffic({ channel: 'canary', click: 0.2, watch: 0.12 }),
    ]);
    const r = await judge(uri, events);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^canary judge: promote-step -> 25 %/);
    expect(r.out).toMatch(/click-through\s+10\.00 %\s+20\.00 %/);
    expect(r.out).toContain('offline test.rmse');
    expect(r.out).toContain('skipped 2 invalid lines');
    expect(r.out).toContain('not applied');
    expect((await channelsOf(uri)).canary?.percent).toBe(10);

    const applied = await judge(uri, events, '--apply');
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toContain(`applied: channels.json now stable ${stable}, canary ${canary} at 25 %`);
    expect(await channelsOf(uri)).toMatchObject({ stable, canary: { version: canary, percent: 25 } });
  });

  it('rolls back a canary with a significantly lower click-through, and --apply removes it', async () => {
    const { uri, since } = await storeWithCanary('worse', 10);
    const events = await eventsBucket('worse-events', since, [
      traffic({ channel: 'stable', click: 0.15 }),
      traffic({ channel: 'canary', click: 0.05 }),
    ]);
    const r = await judge(uri, events, '--apply', '--json');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as {
      decision: string;
      applied: boolean;
      reasons: string[];
      quality: { metric: string; worse: boolean; alpha: number }[];
    };
    expect(report.decision).toBe('rollback');
    expect(report.applied).toBe(true);
    expect(report.reasons.join('\n')).toContain('click-through');
    const ctr = report.quality.find((q) => q.metric === 'click-through');
    expect(ctr?.worse).toBe(true);
    expect(ctr?.alpha).toBeCloseTo(0.05 / 3, 6); // three tests ran: Bonferroni
    expect(await channelsOf(uri)).toMatchObject({ stable, canary: null });
  });

  it('rolls back on the error-rate guard even when quality is equal', async () => {
    const { uri, since } = await storeWithCanary('errors', 25);
    const events = await eventsBucket('errors-events', since, [
      traffic({ channel: 'stable', errors5xx: 2 }),
      traffic({ channel: 'canary', errors5xx: 100 }),
    ]);
    const r = await judge(uri, events);
    expect(r.out).toMatch(/^canary judge: rollback/);
    expect(r.out).toMatch(/error-rate guard: canary 5xx rate 5\.00 % > stable 0\.10 %/);
  });

  it('holds with too few events and says how many are missing on which arm', async () => {
    const { uri, since } = await storeWithCanary('few', 10);
    const events = await eventsBucket('few-events', since, [
      traffic({ channel: 'stable' }),
      traffic({ channel: 'canary', impressions: 50, requests: 300 }),
    ]);
    const r = await judge(uri, events, '--apply');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^canary judge: hold/);
    expect(r.out).toContain('canary needs 150 more impressions and 700 more requests');
    expect(r.out).not.toContain('stable needs');
    expect((await channelsOf(uri)).canary?.percent).toBe(10);
  });

  it('counts a redelivered event once: by client id, else by the exact stored line', async () => {
    const { uri, since } = await storeWithCanary('dups', 10);
    const events = await eventsBucket('dups-events', since, [
      traffic({ channel: 'stable' }),
      traffic({ channel: 'canary', impressions: 50, requests: 300 }),
    ]);
    const bucket = fileStore(new URL(events).pathname);
    // The queue delivered the canary's batch twice: the consumer wrote its lines again, in a later file.
    const [canaryFile] = (await bucket.list(EVENTS_PREFIX)).filter((k) => k.includes('arm1'));
    const again = new Date(since.getTime() + 30 * 60_000);
    await bucket.put(eventsKey(EVENTS_PREFIX, again, 'redelivered'), (await bucket.get(canaryFile!))!);
    // An app resent an impression after a timeout: a new receive time, the same client id.
    const resent = [0, 5000].map((ms) => ({
      type: 'impression',
      user: 9001,
      movies: [101],
      modelVersion: canary,
      channel: 'canary',
      id: 'imp-9001_a',
      schema: 1,
      received: new Date(again.getTime() + ms).toISOString(),
      arm: { version: canary, channel: 'canary' },
    }));
    await bucket.put(
      eventsKey(EVENTS_PREFIX, again, 'resent'),
      new TextEncoder().encode(resent.map((l) => JSON.stringify(l)).join('\n')),
    );

    const r = await judge(uri, events);
    expect(r.code, r.err).toBe(0);
    // 50 + the resent impression once, not 2 × 50 + 2: still short of the 200 the judge needs.
    expect(r.out).toContain('canary needs 149 more impressions');
    // The canary's file: 50 impressions, 15 clicks, 8 watches, 50 ratings; plus the resent impression.
    expect(r.out).toContain('dropped 124 duplicate events (redelivered: same client id or same stored line)');
    const report = JSON.parse((await judge(uri, events, '--json')).out) as {
      input: { events: number; duplicates: number };
      online: { canary: { impressions: number } };
    };
    expect(report.input.duplicates).toBe(124);
    expect(report.online.canary.impressions).toBe(51);
  });

  it('promotes at the last step: the next step is 100 %', async () => {
    const { uri, since } = await storeWithCanary('last', 50);
    const events = await eventsBucket('last-events', since, [
      traffic({ channel: 'stable' }),
      traffic({ channel: 'canary' }),
    ]);
    const r = await judge(uri, events, '--apply');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^canary judge: promote\n/);
    expect(await channelsOf(uri)).toMatchObject({ stable: canary, canary: null });
  });

  it('honours --steps and the minimum samples', async () => {
    const { uri, since } = await storeWithCanary('steps', 10);
    const events = await eventsBucket('steps-events', since, [
      traffic({ channel: 'stable', impressions: 100, requests: 500 }),
      traffic({ channel: 'canary', impressions: 100, requests: 500 }),
    ]);
    expect((await judge(uri, events)).out).toMatch(/^canary judge: hold/);
    const r = await judge(
      uri,
      events,
      '--min-impressions',
      '50',
      '--min-requests',
      '100',
      '--steps',
      '10,30,60',
    );
    expect(r.out).toMatch(/^canary judge: promote-step -> 30 %/);
  });

  it('says there is nothing to judge without a canary', async () => {
    const dir = join(root, 'none');
    const store = fileStore(dir);
    for (const key of await fileStore(join(root, 'versions')).list(`models/${stable}/`)) {
      await store.put(key, (await fileStore(join(root, 'versions')).get(key)) as Uint8Array);
    }
    await setChannels(store, { stable, canary: null, history: [] });
    const r = await judge(pathToFileURL(dir).href, pathToFileURL(join(root, 'empty-events')).href);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('canary judge: none');
    expect(r.out).toContain(`no canary: ${stable} serves everyone`);
  });

  it('applies --persist-to to whichever store is r2-local, and refuses it when neither is', async () => {
    const dir = join(root, 'none');
    const events = await judge(
      pathToFileURL(dir).href,
      'r2-local://marquee-events',
      '--persist-to',
      join(root, 'wrangler-state'),
    );
    expect(events.code, events.err).toBe(0);
    expect(events.out).toContain('canary judge: none');
    const neither = await judge(pathToFileURL(dir).href, pathToFileURL(dir).href, '--persist-to', root);
    expect(neither.code).toBe(2);
    expect(neither.err).toMatch(
      /--persist-to applies to r2-local:\/\/ stores only \(got --store file:.* and --events file:/,
    );
  });

  it('exits 2 naming the flag on bad thresholds', async () => {
    const store = pathToFileURL(join(root, 'unused')).href;
    for (const [flag, value] of [
      ['--confidence', '2'],
      ['--steps', '50,10'],
      ['--min-impressions', '0'],
      ['--since', 'yesterday'],
      ['--error-tolerance', '-1'],
    ] as const) {
      const r = await judge(store, store, flag, value);
      expect(r.code, `${flag} ${value}`).toBe(2);
      expect(r.err).toContain(flag);
    }
  });
});
