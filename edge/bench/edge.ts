/**
 * `npm run bench:edge`: the Worker under load in local workerd (the bundle `wrangler deploy` uploads, run by
 * Miniflare on 127.0.0.1 with a local R2), against 10,000-movie × 64-dim models of the default shape (hidden
 * 128-64-32): dcf and hybrid with seeded random weights (where the MLP dominates the rating, so the dot term cannot
 * prune: the worst case), and the default hybrid as the real trainer trains it on a synthetic 20k-user × 10k-movie
 * set (test/trained-model.ts: trained once, ~7 min, into .bench/; `--trained DIR` uses another run, `--no-trained`
 * skips it). Load comes from autocannon over HTTP; latencies are
 * recorded per response at full precision (autocannon's own histogram rounds to whole milliseconds), and workerd's
 * CPU time per request is read from /proc, which other jobs on the machine do not inflate.
 *
 * Prints one table: p50/p99 and CPU per request of top-10, similar, cold start and predict; requests/s at
 * concurrency 8; exactness against offline exhaustive scoring; cold-isolate times; workerd memory; bundle size; and
 * the fixed cost of a top-10 request (the same users against a 100-movie version).
 * Bounded: every run has a request count. Throughput runs too are counted rather than timed: autocannon ends a
 * timed run by dropping the requests in flight, and workerd cancels a dropped request's I/O, which can leave a
 * read that other requests share (channels.json) never settling ("Worker's code had hung" for the next ones).
 */
import { bucketOf } from '../../shared/src/schemas/channels.ts';
import {
  bundleSizes,
  loadAverage,
  makeTempDir,
  removeDir,
  residentBytes,
  startEdge,
  type Edge,
} from '../../test/edge-harness.ts';
import { drive, fmt, median, merge, runBench, type Run, type Scenario } from './load.ts';
import {
  buildFixture,
  fixtureFromRun,
  expectedTopN,
  movieIdOf,
  publishFixture,
  retrieveRerankOverlap,
  setChannelsJson,
  userIdOf,
  type Fixture,
} from '../../test/edge-fixtures.ts';
import { DEFAULT_TRAINED_DIR, trainedRun } from '../../test/trained-model.ts';

const SHAPE = { numUsers: 20_000, numMovies: 10_000, dim: 64, hidden: [128, 64, 32], seenPerUser: 40 };
const CANARY_PERCENT = 50;
const LATENCY_REQUESTS = 300;
/** The top-10 latency runs of dcf and hybrid alternate in this many chunks. */
const LATENCY_CHUNKS = 3;
/** Requests of each concurrency-8 throughput run. */
const THROUGHPUT_REQUESTS = 600;
const OVERLAP_USERS = 60;
const MiB = 1024 * 1024;

/** External user id per dense user: the random fixtures' userIdOf, or a trained version's ids. */
type UserIds = (u: number) => number;
const idsOf =
  (fixture: Fixture): UserIds =>
  (u) =>
    fixture.userIds[u] as number;

/** Dense users (every 7th) whose bucket sends them to the channel. */
function usersOf(
  channel: 'stable' | 'canary',
  count: number,
  ids: UserIds = userIdOf,
  numUsers = SHAPE.numUsers,
): number[] {
  const out: number[] = [];
  for (let u = 0; u < numUsers && out.length < count; u += 7) {
    if (bucketOf(ids(u)) < CANARY_PERCENT === (channel === 'canary')) out.push(u);
  }
  return out;
}

/** Mean top-10 overlap of the Worker's answers with offline exhaustive scoring, and the mean movies scored. */
async function exactness(
  edge: Edge,
  fixture: Fixture,
  users: number[],
): Promise<{ overlap: number; scored: number }> {
  let overlap = 0;
  let scored = 0;
  for (const u of users) {
    const res = await edge.fetch(`/v1/users/${fixture.userIds[u] as number}/recommendations?limit=10`);
    const body = (await res.json()) as { items: { movieId: number }[]; scored: number };
    const truth = new Set(expectedTopN(fixture, u, 10).movieIds);
    overlap += body.items.filter((i) => truth.has(i.movieId)).length / 10;
    scored += body.scored;
  }
  return { overlap: overlap / users.length, scored: scored / users.length };
}

/** JS heap and ArrayBuffers from the V8 inspector, ORT's wasm heap from /v1/models, formatted in MiB. */
async function isolateMemory(edge: Edge): Promise<string> {
  const heap = await edge.heapUsage();
  const models = (await (await edge.fetch('/v1/models')).json()) as {
    isolate: { wasmMemoryBytes: number; loaded: string[] };
  };
  const mib = (x: number | undefined) => fmt(x === undefined ? undefined : x / MiB, 1);
  return (
    `${mib(heap?.usedSize)} / ${mib(heap?.backingStorageSize)} / ${mib(models.isolate.wasmMemoryBytes)} ` +
    `(versions in memory: ${models.isolate.loaded.join(', ')})`
  );
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await run();
  return [value, performance.now() - t0];
}

const topN =
  (users: number[], ids: UserIds = userIdOf) =>
  (i: number) => ({
    path: `/v1/users/${ids(users[i % users.length] as number)}/recommendations?limit=10`,
  });

/** What to run: everything (the table), or one part quickly. */
const PARTS = ['all', 'fixed', 'top10'] as const;
type Part = (typeof PARTS)[number];

interface Args {
  only: Part;
  /** Repetitions of the measured section of `fixed` / `top10` (medians printed at the end). */
  runs: number;
  /** The trained model's cache directory or run directory; null skips it (`--no-trained`). */
  trained: string | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { only: 'all', runs: 1, trained: DEFAULT_TRAINED_DIR };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--only') {
      const part = value();
      if (!(PARTS as readonly string[]).includes(part)) {
        throw new Error(`--only must be one of ${PARTS.join(', ')} (got ${part})`);
      }
      args.only = part as Part;
    } else if (flag === '--runs') {
      const runs = Number(value());
      if (!Number.isInteger(runs) || runs < 1 || runs > 20) {
        throw new Error(`--runs must be a whole number from 1 to 20 (got ${argv[i]})`);
      }
      args.runs = runs;
    } else if (flag === '--trained') args.trained = value();
    else if (flag === '--no-trained') args.trained = null;
    else {
      throw new Error(
        `unknown flag ${flag} (expected --only ${PARTS.join('|')}, --runs N, --trained DIR, --no-trained)`,
      );
    }
  }
  if (args.only === 'all' && args.runs > 1) throw new Error('--runs needs --only fixed or --only top10');
  return args;
}

type RowFn = (key: string, value: string) => void;

const reportOf =
  (row: RowFn) =>
  (name: string, r: Run): void =>
    row(
      `${name}: p50 / p99 ms (c=1, n=${r.count}); CPU ms/request`,
      `${fmt(r.p50)} / ${fmt(r.p99)}; ${fmt(r.cpuPerRequest, 1)}${r.failures ? ` (${r.failures} failed)` : ''}`,
    );

/** Prints the median p50 / p99 of each named series over the runs (when there was more than one). */
function reportMedians(row: RowFn, series: Map<string, Run[]>): void {
  for (const [name, runs] of series) {
    if (runs.length < 2) continue;
    row(
      `${name}: median over ${runs.length} runs of p50 / p99 ms`,
      `${fmt(median(runs.map((r) => r.p50)))} / ${fmt(median(runs.map((r) => r.p99)))} (p50s: ${runs
        .map((r) => fmt(r.p50))
        .join(', ')})`,
    );
  }
}

const FIXED_NAME = 'top-10 of 100 movies (fixed cost: R2 reads, HTTP)';

/**
 * The fixed cost of a top-10 request, against the 100-movie version (which must be the stable one), and its
 * parts by subtraction: the HTTP path alone (/healthz), a request that resolves the version and finds no user on
 * an id page already cached (no R2 read, a 404 problem body), one that reads the record only
 * (exclude_rated=false), and the full request (record and seen list, read concurrently).
 */
async function fixedCost(edge: Edge, users: number[], row: RowFn, runs: number): Promise<void> {
  const report = reportOf(row);
  const health: Scenario = { name: 'GET /healthz (HTTP floor)', request: () => ({ path: '/healthz' }) };
  const fixed: Scenario = { name: FIXED_NAME, request: topN(users) };
  const unknown: Scenario = {
    name: 'unknown user on a cached id page (404, no R2 read)',
    status: 404,
    // userIdOf(u) + 1 is no user's id (ids are 1 + 3i), and it lies on u's id page.
    request: (i) => ({
      path: `/v1/users/${userIdOf(users[i % users.length] as number) + 1}/recommendations?limit=10`,
    }),
  };
  const recordOnly: Scenario = {
    name: 'top-10 of 100 movies, exclude_rated=false (record read only)',
    request: (i) => ({ path: `${topN(users)(i).path}&exclude_rated=false` }),
  };
  const parts = [health, fixed, unknown, recordOnly];
  for (const s of parts) await drive(edge, s, { connections: 1, amount: 30 }); // warm-up
  const series = new Map(parts.map((s) => [s.name, [] as Run[]]));
  for (let r = 0; r < runs; r++) {
    for (const s of parts) {
      const run = await drive(
        edge,
        s,
        { connections: 1, amount: LATENCY_REQUESTS },
        30 + r * LATENCY_REQUESTS,
      );
      series.get(s.name)?.push(run);
      report(s.name, run);
    }
  }
  reportMedians(row, series);
}

type Channels = Parameters<typeof setChannelsJson>[1];

/** Scenarios served under one channels.json (a stable and a canary version). */
interface TurnGroup {
  channels: Channels;
  turns: Scenario[];
}

/** Waits out the Worker's channels.json cache (CHANNELS_TTL_SECONDS = 1) after a switch. */
async function switchChannels(edge: Edge, channels: Channels): Promise<void> {
  await setChannelsJson(edge.bucket, channels);
  await new Promise((r) => setTimeout(r, 1100));
}

/**
 * Top-10 latency of every turn of every group, in alternating chunks, `runs` times. With more than one group the
 * channels are switched before each group's chunk (the Worker must re-read channels.json every second), and each
 * turn gets a few unmeasured requests after a switch, in case its version was dropped from memory meanwhile.
 */
async function top10Latency(edge: Edge, groups: TurnGroup[], row: RowFn, runs: number): Promise<void> {
  const report = reportOf(row);
  // The scenarios take turns in chunks, so that drift hits all alike: whichever ran first right after the loads
  // measured 3–7 ms slower per request (CPU too) than when it ran second, and other jobs on the machine come and go.
  const turns = groups.flatMap((g) => g.turns);
  const series = new Map(turns.map((s) => [s.name, [] as Run[]]));
  const chunk = LATENCY_REQUESTS / LATENCY_CHUNKS;
  const warm = async (g: TurnGroup, amount: number) => {
    if (groups.length > 1) await switchChannels(edge, g.channels);
    else await setChannelsJson(edge.bucket, g.channels);
    for (const s of g.turns) await drive(edge, s, { connections: 1, amount });
  };
  for (const g of groups) await warm(g, 30);
  for (let r = 0; r < runs; r++) {
    const parts = new Map(turns.map((s) => [s.name, [] as Run[]]));
    for (let c = 0; c < LATENCY_CHUNKS; c++) {
      for (const g of groups) {
        if (groups.length > 1) await warm(g, 5);
        for (const s of g.turns) {
          const first = 30 + r * LATENCY_REQUESTS + c * chunk;
          parts.get(s.name)?.push(await drive(edge, s, { connections: 1, amount: chunk }, first));
        }
      }
    }
    for (const s of turns) {
      const run = merge(parts.get(s.name) ?? []);
      series.get(s.name)?.push(run);
      report(s.name, run);
    }
  }
  reportMedians(row, series);
}

/** The 100-movie version: the same users, so a top-10 costs what it does besides scoring. */
const floorFixture = () =>
  buildFixture({
    version: 'bench-floor',
    arch: 'dcf',
    seed: 303,
    ...SHAPE,
    numMovies: 100,
    seenPerUser: 5,
  });

/** The trained version's fixture, training it first when needed (args.trained null: none). */
async function trainedFixture(args: Args, out: (line: string) => void): Promise<Fixture | null> {
  if (args.trained === null) return null;
  const run = await trainedRun(args.trained, out);
  const fixture = await fixtureFromRun(run, 'bench-trained');
  const { numUsers, numMovies, dim, hidden, arch } = fixture.options;
  out(
    `trained version from ${run}: ${arch}, ${numMovies} movies × ${dim}, hidden ${hidden.join('-')}, ` +
      `${numUsers} users`,
  );
  return fixture;
}

/**
 * The top-10 scenarios: dcf (stable) and random-weight hybrid (canary) under one channels.json, and the trained
 * hybrid (canary beside the same stable) under another.
 */
function top10Groups(trained: Fixture | null): TurnGroup[] {
  const groups: TurnGroup[] = [
    {
      channels: { stable: 'bench-dcf', canary: { version: 'bench-hybrid', percent: CANARY_PERCENT } },
      turns: [
        { name: 'top-10 dcf', request: topN(usersOf('stable', 1000)) },
        { name: 'top-10 hybrid, random weights', request: topN(usersOf('canary', 1000)) },
      ],
    },
  ];
  if (trained !== null) {
    const ids = idsOf(trained);
    groups.push({
      channels: { stable: 'bench-dcf', canary: { version: 'bench-trained', percent: CANARY_PERCENT } },
      turns: [
        {
          name: 'top-10 hybrid, trained',
          request: topN(usersOf('canary', 1000, ids, trained.options.numUsers), ids),
        },
      ],
    });
  }
  return groups;
}

/** `--only fixed` / `--only top10`: one part in a fresh isolate, `runs` times. */
async function onePart(args: Args, out: (line: string) => void, row: RowFn): Promise<void> {
  const fixed = args.only === 'fixed';
  const trained = fixed ? null : await trainedFixture(args, out);
  const [fixtures, buildMs] = await timed((): Promise<Fixture[]> =>
    fixed
      ? Promise.all([floorFixture()])
      : Promise.all([
          buildFixture({ version: 'bench-dcf', arch: 'dcf', seed: 101, ...SHAPE }),
          buildFixture({ version: 'bench-hybrid', arch: 'hybrid', seed: 202, ...SHAPE }),
        ]),
  );
  out(
    `built ${fixtures.length} version(s) in ${fmt(buildMs / 1000, 1)} s; load average ${fmt(await loadAverage())}`,
  );
  const persist = await makeTempDir('marquee-edge-bench-');
  try {
    // Switching channels between scenario groups needs channels.json re-read every second.
    const vars: Record<string, string> = trained === null ? {} : { CHANNELS_TTL_SECONDS: '1' };
    const edge = await startEdge({ r2Persist: persist, vars });
    try {
      for (const f of [...fixtures, ...(trained === null ? [] : [trained])])
        await publishFixture(edge.bucket, f);
      if (fixed) {
        const stable = usersOf('stable', 1000);
        await setChannelsJson(edge.bucket, { stable: 'bench-floor' });
        await edge.fetch(topN(stable)(0).path).then((r) => r.text());
        await fixedCost(edge, stable, row, args.runs);
      } else {
        await top10Latency(edge, top10Groups(trained), row, args.runs);
      }
    } finally {
      await edge.dispose();
    }
  } finally {
    await removeDir(persist);
  }
  row('load average at the end', fmt(await loadAverage()));
}

async function main(args: Args): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `edge benchmark${args.only === 'all' ? '' : ` (--only ${args.only})`}: ${SHAPE.numMovies} movies × ${SHAPE.dim}, ` +
      `hidden ${SHAPE.hidden.join('-')}, ${SHAPE.numUsers} users`,
  );
  const rows: [string, string][] = [];
  const row = (k: string, v: string) => {
    rows.push([k, v]);
    out(`  ${k}: ${v}`);
  };
  if (args.only !== 'all') await onePart(args, out, row);
  else await everything(args, out, row);
  const width = Math.max(...rows.map(([k]) => k.length));
  out('');
  for (const [k, v] of rows) out(`${k.padEnd(width)}  ${v}`);
}

/** The whole table. */
async function everything(args: Args, out: (line: string) => void, row: RowFn): Promise<void> {
  const trained = await trainedFixture(args, out);
  const [[dcf, hybrid, floor], buildMs] = await timed(() =>
    Promise.all([
      buildFixture({ version: 'bench-dcf', arch: 'dcf', seed: 101, ...SHAPE }),
      buildFixture({ version: 'bench-hybrid', arch: 'hybrid', seed: 202, ...SHAPE }),
      // The same users over 100 movies: what a top-10 request costs besides scoring (R2 reads, HTTP, JSON).
      floorFixture(),
    ]),
  );
  out(`built 3 versions in ${fmt(buildMs / 1000, 1)} s; load average ${fmt(await loadAverage())}`);
  const persist = await makeTempDir('marquee-edge-bench-');
  try {
    // channels.json is re-read every second so the canary can be switched between phases.
    const edge = await startEdge({ r2Persist: persist, vars: { CHANNELS_TTL_SECONDS: '1' }, inspect: true });
    const idleRss = await residentBytes(edge.pid);
    for (const f of [dcf, hybrid, floor, ...(trained === null ? [] : [trained])]) {
      await publishFixture(edge.bucket, f);
    }
    await setChannelsJson(edge.bucket, {
      stable: 'bench-dcf',
      canary: { version: 'bench-hybrid', percent: CANARY_PERCENT },
    });
    const stableUsers = usersOf('stable', 1000);
    const canaryUsers = usersOf('canary', 1000);

    const [, firstDcfMs] = await timed(() => edge.fetch(topN(stableUsers)(0).path).then((r) => r.text()));
    const [, firstHybridMs] = await timed(() => edge.fetch(topN(canaryUsers)(0).path).then((r) => r.text()));
    const loadedRss = await residentBytes(edge.pid);
    const loadedIsolate = await isolateMemory(edge);
    row('first request, new isolate: ORT start + dcf version load + calibration', `${fmt(firstDcfMs, 0)} ms`);
    row('first request to the hybrid version (its load + calibration)', `${fmt(firstHybridMs, 0)} ms`);

    const dcfScenario: Scenario = { name: 'top-10 dcf', request: topN(stableUsers) };
    const scenarios: Scenario[] = [
      {
        name: 'similar movies (scan 10k × 64)',
        request: (i) => ({ path: `/v1/movies/${movieIdOf((i * 37) % SHAPE.numMovies)}/similar?limit=10` }),
      },
      {
        name: 'cold start, 10 ratings (fold-in on dcf)',
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
              userId: userIdOf(stableUsers[(i + k) % stableUsers.length] as number),
              movieId: movieIdOf((i * 7 + k * 101) % SHAPE.numMovies),
            })),
          }),
        }),
      },
    ];
    const report = reportOf(row);
    const groups = top10Groups(trained);
    await top10Latency(edge, groups, row, 1);
    await switchChannels(edge, (groups[0] as TurnGroup).channels);
    for (const s of scenarios) {
      await drive(edge, s, { connections: 1, amount: 30 }); // warm-up
      report(s.name, await drive(edge, s, { connections: 1, amount: LATENCY_REQUESTS }));
    }
    const rps = await drive(edge, dcfScenario, { connections: 8, amount: THROUGHPUT_REQUESTS });
    row(
      `top-10 dcf: requests/s at concurrency 8 (${THROUGHPUT_REQUESTS} requests)`,
      `${fmt(rps.rps, 0)} (p50 ${fmt(rps.p50)} ms, p99 ${fmt(rps.p99)} ms)`,
    );
    const dcfExact = await exactness(edge, dcf, stableUsers.slice(0, OVERLAP_USERS));
    const hybridExact = await exactness(edge, hybrid, canaryUsers.slice(0, OVERLAP_USERS));
    row(
      'dcf top-10 overlap with offline exhaustive; movies scored',
      `${fmt(dcfExact.overlap, 4)}; ${fmt(dcfExact.scored, 0)}`,
    );
    row(
      'hybrid top-10 overlap with offline exhaustive; movies scored',
      `${fmt(hybridExact.overlap, 4)}; ${fmt(hybridExact.scored, 0)}`,
    );

    const models = (await (await edge.fetch('/v1/models')).json()) as {
      models: { version: string; ranking: unknown }[];
    };
    for (const m of models.models) row(`calibration of ${m.version}`, JSON.stringify(m.ranking));
    const sizes = [100, 300, 1000];
    const plain = retrieveRerankOverlap(hybrid, canaryUsers.slice(0, OVERLAP_USERS), sizes);
    row(
      'fixed-C retrieve-rerank overlap (offline), random hybrid',
      sizes.map((c, k) => `C=${c}: ${fmt(plain[k], 3)}`).join('; '),
    );

    // Phase 2: the trained hybrid as canary.
    const trainedGroup = groups[1];
    if (trained !== null && trainedGroup !== undefined) {
      await switchChannels(edge, trainedGroup.channels);
      const scenario = trainedGroup.turns[0] as Scenario;
      // Retired a while ago, the version may have been released: its reload is not part of the throughput.
      await drive(edge, scenario, { connections: 1, amount: 30 });
      const trainedRps = await drive(edge, scenario, { connections: 8, amount: THROUGHPUT_REQUESTS });
      row(
        `top-10 hybrid, trained: requests/s at concurrency 8`,
        `${fmt(trainedRps.rps, 0)} (p50 ${fmt(trainedRps.p50)} ms)`,
      );
      const sample = usersOf('canary', OVERLAP_USERS, idsOf(trained), trained.options.numUsers);
      const trainedExact = await exactness(edge, trained, sample);
      row(
        'trained hybrid top-10 overlap with offline exhaustive; movies scored',
        `${fmt(trainedExact.overlap, 4)}; ${fmt(trainedExact.scored, 0)}`,
      );
      const ranking = (await (await edge.fetch('/v1/models')).json()) as {
        models: { version: string; ranking: unknown }[];
      };
      const mine = ranking.models.find((m) => m.version === 'bench-trained');
      row('calibration of bench-trained', JSON.stringify(mine?.ranking));
      const fixedC = retrieveRerankOverlap(trained, sample, sizes);
      row(
        'fixed-C retrieve-rerank overlap (offline), trained hybrid',
        sizes.map((c, k) => `C=${c}: ${fmt(fixedC[k], 3)}`).join('; '),
      );
    }
    const finalRss = await residentBytes(edge.pid);
    const finalIsolate = await isolateMemory(edge);
    row(
      'isolate memory (MiB): JS heap used / ArrayBuffers / ORT wasm heap, after the first two requests',
      loadedIsolate,
    );
    row('isolate memory (MiB): the same at the end', finalIsolate);
    row(
      'workerd RSS (MiB): idle / after the first two requests / at the end',
      `${fmt((idleRss ?? NaN) / MiB, 1)} / ${fmt((loadedRss ?? NaN) / MiB, 1)} / ${fmt((finalRss ?? NaN) / MiB, 1)}`,
    );

    // Phase 3: the 100-movie version as stable, for the fixed cost of a top-10 request.
    await setChannelsJson(edge.bucket, { stable: 'bench-floor' });
    await new Promise((r) => setTimeout(r, 1100));
    await fixedCost(edge, stableUsers, row, 1);
    // Back to the dcf stable, which the fresh isolate below loads on its first request.
    await setChannelsJson(edge.bucket, (groups[0] as TurnGroup).channels);
    await edge.dispose();

    // A fresh isolate over the same bucket: workerd start, then the first request (ORT start + load).
    const [fresh, startMs] = await timed(() => startEdge({ r2Persist: persist }));
    const [, coldFirstMs] = await timed(() => fresh.fetch(topN(stableUsers)(1).path).then((r) => r.text()));
    const [, coldSecondMs] = await timed(() => fresh.fetch(topN(stableUsers)(2).path).then((r) => r.text()));
    await fresh.dispose();
    row(
      'cold isolate: workerd start / first request / second request (ms)',
      `${fmt(startMs, 0)} / ${fmt(coldFirstMs, 0)} / ${fmt(coldSecondMs, 1)}`,
    );
    const bundle = await bundleSizes();
    row(
      'bundle raw / gzip MiB (of which ORT wasm raw)',
      `${fmt(bundle.raw / MiB)} / ${fmt(bundle.gzip / MiB)} (${fmt(bundle.wasmRaw / MiB)})`,
    );
    row('wrangler deploy --dry-run', bundle.summary);
    row('load average at the end', fmt(await loadAverage()));
  } finally {
    await removeDir(persist);
  }
}

await runBench(parseArgs, main);
