/**
 * `npm run bench:edge`: the Worker under load in local workerd (the bundle `wrangler deploy` uploads, run by
 * Miniflare on 127.0.0.1 with a local R2), against 10,000-movie × 64-dim models (seeded random weights of the
 * real shape: hidden 128-64-32, dcf and hybrid). Load comes from autocannon over HTTP; latencies are taken per
 * response at full precision (autocannon's own histogram rounds to whole milliseconds).
 *
 * Prints: p50/p99 of top-10 (dcf exhaustive, hybrid retrieve-rerank), similar movies, cold start and predict;
 * requests/s at concurrency 8; cold-isolate start and first-request times; workerd memory; bundle size; and the
 * exactness of the hybrid approximation (top-10 overlap with exhaustive scoring). Bounded: every run has a
 * request count or a duration.
 */
import autocannon from 'autocannon';
import { bucketOf } from '../../shared/src/schemas/channels.ts';
import {
  bundleSizes,
  makeTempDir,
  removeDir,
  residentBytes,
  startEdge,
  type Edge,
} from '../../test/edge-harness.ts';
import {
  buildFixture,
  expectedTopN,
  movieIdOf,
  retrieveRerankOverlap,
  publishFixture,
  setChannelsJson,
  userIdOf,
  type Fixture,
} from '../../test/edge-fixtures.ts';

const SHAPE = { numUsers: 20_000, numMovies: 10_000, dim: 64, hidden: [128, 64, 32], seenPerUser: 40 };
const CANARY_PERCENT = 50;
const LATENCY_REQUESTS = 500;
const THROUGHPUT_SECONDS = 8;
const OVERLAP_USERS = 200;

const MiB = 1024 * 1024;
const fmt = (x: number | undefined, digits = 2): string => (x === undefined ? 'n/a' : x.toFixed(digits));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface Scenario {
  name: string;
  method?: 'GET' | 'POST';
  /** The i-th request's path (and body for POST). */
  request: (i: number) => { path: string; body?: string };
}

/** Sends `amount` requests (or runs `duration` s) at `connections`, recording every latency. */
async function drive(
  edge: Edge,
  scenario: Scenario,
  load: { connections: number; amount?: number; duration?: number },
): Promise<{ p50: number; p99: number; rps: number; count: number; failures: number }> {
  let i = 0;
  const latencies: number[] = [];
  let failures = 0;
  const instance = autocannon({
    url: edge.url.origin,
    connections: load.connections,
    ...(load.amount !== undefined ? { amount: load.amount } : { duration: load.duration ?? 5 }),
    timeout: 30,
    requests: [
      {
        setupRequest: (req) => {
          const next = scenario.request(i++);
          return {
            ...req,
            method: scenario.method ?? 'GET',
            path: next.path,
            ...(next.body !== undefined
              ? { body: next.body, headers: { 'content-type': 'application/json' } }
              : {}),
          };
        },
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else failures++;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rps: result.requests.total / Math.max(result.duration, 1e-9),
    count: latencies.length,
    failures: failures + result.errors + result.timeouts,
  };
}

/** Dense users whose bucket sends them to the wanted channel. */
function usersOf(channel: 'stable' | 'canary', count: number): number[] {
  const out: number[] = [];
  for (let u = 0; u < SHAPE.numUsers && out.length < count; u += 7) {
    if (bucketOf(userIdOf(u)) < CANARY_PERCENT === (channel === 'canary')) out.push(u);
  }
  return out;
}

async function workerOverlap(edge: Edge, fixture: Fixture, users: number[]): Promise<number> {
  let sum = 0;
  for (const u of users) {
    const res = await edge.fetch(`/v1/users/${userIdOf(u)}/recommendations?limit=10`);
    const body = (await res.json()) as { items: { movieId: number }[] };
    const truth = new Set(expectedTopN(fixture, u, 10).movieIds);
    sum += body.items.filter((i) => truth.has(i.movieId)).length / 10;
  }
  return sum / users.length;
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await run();
  return [value, performance.now() - t0];
}

async function main(): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `edge benchmark: ${SHAPE.numMovies} movies × ${SHAPE.dim} dim, hidden ${SHAPE.hidden.join('-')}, ${SHAPE.numUsers} users`,
  );
  const [[dcf, hybrid], buildMs] = await timed(() =>
    Promise.all([
      buildFixture({ version: 'bench-dcf', arch: 'dcf', seed: 101, ...SHAPE }),
      buildFixture({ version: 'bench-hybrid', arch: 'hybrid', seed: 202, ...SHAPE }),
    ]),
  );
  out(
    `built both versions in ${fmt(buildMs / 1000, 1)} s (model.onnx ${fmt((dcf.files.get('model.onnx')?.length ?? 0) / MiB)} MiB)`,
  );
  const persist = await makeTempDir('marquee-edge-bench-');
  const rows: [string, string][] = [];
  try {
    const edge = await startEdge({ r2Persist: persist });
    const idleRss = await residentBytes(edge.pid);
    await publishFixture(edge.bucket, dcf);
    await publishFixture(edge.bucket, hybrid);
    await setChannelsJson(edge.bucket, {
      stable: 'bench-dcf',
      canary: { version: 'bench-hybrid', percent: CANARY_PERCENT },
    });
    const dcfUsers = usersOf('stable', 1000);
    const hybridUsers = usersOf('canary', 1000);

    // Cold isolate: this Worker has not served anything yet.
    const [, firstDcfMs] = await timed(() =>
      edge.fetch(`/v1/users/${userIdOf(dcfUsers[0] as number)}/recommendations`).then((r) => r.text()),
    );
    const [, firstHybridMs] = await timed(() =>
      edge.fetch(`/v1/users/${userIdOf(hybridUsers[0] as number)}/recommendations`).then((r) => r.text()),
    );
    const loadedRss = await residentBytes(edge.pid);

    const scenarios: Scenario[] = [
      {
        name: 'top-10 dcf (exhaustive)',
        request: (i) => ({
          path: `/v1/users/${userIdOf(dcfUsers[i % dcfUsers.length] as number)}/recommendations?limit=10`,
        }),
      },
      {
        name: 'top-10 hybrid (retrieve-rerank)',
        request: (i) => ({
          path: `/v1/users/${userIdOf(hybridUsers[i % hybridUsers.length] as number)}/recommendations?limit=10`,
        }),
      },
      {
        name: 'similar movies (scan 10k × 64)',
        request: (i) => ({ path: `/v1/movies/${movieIdOf((i * 37) % SHAPE.numMovies)}/similar?limit=10` }),
      },
      {
        name: 'cold start, 10 ratings (fold-in)',
        method: 'POST',
        request: (i) => ({
          path: '/v1/recommendations',
          body: JSON.stringify({
            ratings: Array.from({ length: 10 }, (_, k) => ({
              movieId: movieIdOf((i * 131 + k * 997) % SHAPE.numMovies),
              rating: 1 + ((i + k) % 5),
            })),
          }),
        }),
      },
      {
        name: 'predict, 100 pairs',
        method: 'POST',
        request: (i) => ({
          path: '/v1/predict',
          body: JSON.stringify({
            pairs: Array.from({ length: 100 }, (_, k) => ({
              userId: userIdOf(dcfUsers[(i + k) % dcfUsers.length] as number),
              movieId: movieIdOf((i * 7 + k * 101) % SHAPE.numMovies),
            })),
          }),
        }),
      },
    ];
    const latency: Record<string, Awaited<ReturnType<typeof drive>>> = {};
    for (const s of scenarios) {
      await drive(edge, s, { connections: 1, amount: 50 }); // warm-up
      latency[s.name] = await drive(edge, s, { connections: 1, amount: LATENCY_REQUESTS });
    }
    const throughput = await drive(edge, scenarios[0] as Scenario, {
      connections: 8,
      duration: THROUGHPUT_SECONDS,
    });
    const throughputHybrid = await drive(edge, scenarios[1] as Scenario, {
      connections: 8,
      duration: THROUGHPUT_SECONDS,
    });
    const afterLoadRss = await residentBytes(edge.pid);

    const sampleHybrid = hybridUsers.slice(0, OVERLAP_USERS);
    const sampleDcf = dcfUsers.slice(0, 50);
    const [hybridWorkerOverlap, dcfWorkerOverlap] = [
      await workerOverlap(edge, hybrid, sampleHybrid),
      await workerOverlap(edge, dcf, sampleDcf),
    ];
    const sweep = [100, 200, 300, 500, 1000].map(
      (c) => [c, retrieveRerankOverlap(hybrid, sampleHybrid, c)] as const,
    );
    await edge.dispose();

    // A fresh isolate over the same bucket: workerd start, then the first request (ORT start + version load).
    const [fresh, startMs] = await timed(() => startEdge({ r2Persist: persist }));
    const [, coldFirstMs] = await timed(() =>
      fresh.fetch(`/v1/users/${userIdOf(dcfUsers[1] as number)}/recommendations`).then((r) => r.text()),
    );
    const [, coldSecondMs] = await timed(() =>
      fresh.fetch(`/v1/users/${userIdOf(dcfUsers[2] as number)}/recommendations`).then((r) => r.text()),
    );
    await fresh.dispose();
    const bundle = await bundleSizes();

    for (const s of scenarios) {
      const l = latency[s.name] as (typeof latency)[string];
      rows.push([
        `${s.name}: p50 / p99 (ms, c=1, n=${l.count})`,
        `${fmt(l.p50)} / ${fmt(l.p99)}${l.failures ? `  (${l.failures} failed)` : ''}`,
      ]);
    }
    rows.push([
      `top-10 dcf: requests/s at concurrency 8 (${THROUGHPUT_SECONDS} s)`,
      `${fmt(throughput.rps, 0)} (p50 ${fmt(throughput.p50)} ms, p99 ${fmt(throughput.p99)} ms)`,
    ]);
    rows.push([
      `top-10 hybrid: requests/s at concurrency 8 (${THROUGHPUT_SECONDS} s)`,
      `${fmt(throughputHybrid.rps, 0)} (p50 ${fmt(throughputHybrid.p50)} ms, p99 ${fmt(throughputHybrid.p99)} ms)`,
    ]);
    rows.push([
      'hybrid top-10 overlap with exhaustive, Worker (default candidates)',
      `${fmt(hybridWorkerOverlap, 4)} over ${sampleHybrid.length} users`,
    ]);
    rows.push([
      'dcf top-10 overlap with offline exhaustive, Worker',
      `${fmt(dcfWorkerOverlap, 4)} over ${sampleDcf.length} users`,
    ]);
    rows.push([
      'hybrid overlap by candidates C (offline simulation)',
      sweep.map(([c, o]) => `C=${c}: ${fmt(o, 4)}`).join(', '),
    ]);
    rows.push(['first request, new isolate, dcf version (ORT start + load)', `${fmt(firstDcfMs, 0)} ms`]);
    rows.push(['first request to the hybrid version (its load)', `${fmt(firstHybridMs, 0)} ms`]);
    rows.push([
      'cold isolate: workerd start / first request / second request',
      `${fmt(startMs, 0)} / ${fmt(coldFirstMs, 0)} / ${fmt(coldSecondMs, 1)} ms`,
    ]);
    rows.push([
      'workerd RSS: idle / 2 versions loaded / after load runs (MiB)',
      `${fmt((idleRss ?? NaN) / MiB, 1)} / ${fmt((loadedRss ?? NaN) / MiB, 1)} / ${fmt((afterLoadRss ?? NaN) / MiB, 1)}`,
    ]);
    rows.push([
      'bundle raw / gzip (MiB; ORT wasm raw)',
      `${fmt(bundle.raw / MiB)} / ${fmt(bundle.gzip / MiB)} (${fmt(bundle.wasmRaw / MiB)})`,
    ]);
    rows.push(['wrangler deploy --dry-run', bundle.summary]);
  } finally {
    await removeDir(persist);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  out('');
  for (const [k, v] of rows) out(`${k.padEnd(width)}  ${v}`);
}

await main();
