/**
 * `npm run bench:edge`: the Worker under load in local workerd (the bundle `wrangler deploy` uploads, run by
 * Miniflare on 127.0.0.1 with a local R2). The target model is the default hybrid (10k movies × 64, hidden
 * 128-64-32, with its preference head) as the real trainer trains it on a synthetic 20k-user × 10k-movie set
 * (tools/trained-model.ts: trained once, ~10 min, into .bench/; `--trained DIR` uses another run). It ranks
 * two-stage: the preference scan retrieves the plan's C movies and onnxruntime-web rates only those. `--no-trained`
 * puts a random-weight hybrid with a random preference head and C = 400 (the largest C the trainer tries) in its
 * place. Beside it, a random-weight hybrid without a preference head shows what the exhaustive fallback costs.
 * Load comes from autocannon over HTTP; latencies are recorded per response at full precision (autocannon's own
 * histogram rounds to whole milliseconds), and workerd's CPU time per request is read from /proc, which other jobs
 * on the machine do not inflate.
 *
 * Prints one table: p50/p99 and CPU per request of top-10 (two-stage and exhaustive), similar, cold start (fold-in)
 * and predict; requests/s at concurrency 8; the served top-10 against the offline ranking of the same version;
 * cold-isolate times; workerd memory; bundle size; and the fixed cost of a top-10 request (the same users against a
 * 100-movie version).
 * Bounded: every run has a request count. Throughput runs too are counted rather than timed: autocannon ends a
 * timed run by dropping the requests in flight, and workerd cancels a dropped request's I/O, which can leave a
 * read that other requests share (channels.json) never settling ("Worker's code had hung" for the next ones).
 */
import {
  bundleSizes,
  loadAverage,
  makeTempDir,
  removeDir,
  residentBytes,
  startEdge,
  type Edge,
} from '../../tools/edge-harness.ts';
import { median } from '../../shared/src/kernels/stats.ts';
import { drive, fmt, merge, runBench, type Run, type Scenario } from './load.ts';
import {
  buildFixture,
  fixtureFromRun,
  expectedTopN,
  publishFixture,
  setChannelsJson,
  userIdOf,
  type Fixture,
} from '../../tools/edge-fixtures.ts';
import { DEFAULT_TRAINED_DIR, trainedRun } from '../../tools/trained-model.ts';

const SHAPE = { numUsers: 20_000, numMovies: 10_000, dim: 64, hidden: [128, 64, 32], seenPerUser: 40 };
const LATENCY_REQUESTS = 300;
/** The top-10 latency runs of the scenarios alternate in this many chunks. */
const LATENCY_CHUNKS = 3;
/** Requests of each concurrency-8 throughput run. */
const THROUGHPUT_REQUESTS = 600;
const OVERLAP_USERS = 60;
const MiB = 1024 * 1024;

/** Dense users spread over the id range (every 7th). */
function spreadUsers(count: number, numUsers: number): number[] {
  const out: number[] = [];
  for (let u = 0; u < numUsers && out.length < count; u += 7) out.push(u);
  return out;
}

/** Mean top-10 overlap of the Worker's answers with the offline ranking of the version, and the mean movies rated. */
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

/** Top-10 requests cycling through `users` (dense) of `fixture`. */
const topN =
  (fixture: Fixture, users: number[]) =>
  (i: number): { path: string } => ({
    path: `/v1/users/${fixture.userIds[users[i % users.length] as number]}/recommendations?limit=10`,
  });

/** What to run: everything (the table), or one part quickly. */
const PARTS = ['all', 'fixed', 'top10'] as const;
type Part = (typeof PARTS)[number];

interface Args {
  only: Part;
  /** Repetitions of the measured section of `fixed` / `top10` (medians printed at the end). */
  runs: number;
  /** The trained model's cache directory or run directory; null: a random-weight stand-in (`--no-trained`). */
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

/**
 * The fixed cost of a top-10 request, against the 100-movie version (which must be the stable one), and its
 * parts by subtraction: the HTTP path alone (/healthz), a request that resolves the version and finds no user on
 * an id page already cached (no R2 read, a 404 problem body), one that reads the record only
 * (exclude_rated=false), and the full request (record and seen list in one read).
 */
async function fixedCost(edge: Edge, floor: Fixture, row: RowFn, runs: number): Promise<void> {
  const report = reportOf(row);
  const users = spreadUsers(1000, floor.options.numUsers);
  const health: Scenario = { name: 'GET /healthz (HTTP floor)', request: () => ({ path: '/healthz' }) };
  const fixed: Scenario = {
    name: 'top-10 of 100 movies (fixed cost: R2 reads, HTTP)',
    request: topN(floor, users),
  };
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
    request: (i) => ({ path: `${topN(floor, users)(i).path}&exclude_rated=false` }),
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

/** A top-10 scenario and the version that must be stable while it runs. */
interface Turn {
  stable: string;
  scenario: Scenario;
}

/** Points stable at `version` and waits out the Worker's channels.json cache (CHANNELS_TTL_SECONDS = 1). */
async function switchStable(edge: Edge, version: string): Promise<void> {
  await setChannelsJson(edge.bucket, { stable: version });
  await new Promise((r) => setTimeout(r, 1100));
}

/**
 * Top-10 latency of every turn, in alternating chunks, `runs` times. The stable pointer is switched before each
 * turn's chunk, and each turn gets a few unmeasured requests after a switch, in case its version was dropped from
 * memory meanwhile.
 */
async function top10Latency(edge: Edge, turns: Turn[], row: RowFn, runs: number): Promise<void> {
  const report = reportOf(row);
  // The scenarios take turns in chunks, so that drift hits all alike: whichever ran first right after the loads
  // measured slower per request (CPU too) than when it ran second, and other jobs on the machine come and go.
  const series = new Map(turns.map((t) => [t.scenario.name, [] as Run[]]));
  const chunk = LATENCY_REQUESTS / LATENCY_CHUNKS;
  const warm = async (t: Turn, amount: number) => {
    await switchStable(edge, t.stable);
    await drive(edge, t.scenario, { connections: 1, amount });
  };
  for (const t of turns) await warm(t, 30);
  for (let r = 0; r < runs; r++) {
    const parts = new Map(turns.map((t) => [t.scenario.name, [] as Run[]]));
    for (let c = 0; c < LATENCY_CHUNKS; c++) {
      for (const t of turns) {
        if (turns.length > 1) await warm(t, 5);
        const first = 30 + r * LATENCY_REQUESTS + c * chunk;
        parts
          .get(t.scenario.name)
          ?.push(await drive(edge, t.scenario, { connections: 1, amount: chunk }, first));
      }
    }
    for (const t of turns) {
      const run = merge(parts.get(t.scenario.name) ?? []);
      series.get(t.scenario.name)?.push(run);
      report(t.scenario.name, run);
    }
  }
  reportMedians(row, series);
}

/** The 100-movie version: the same users, so a top-10 costs what it does besides ranking. */
const floorFixture = () =>
  buildFixture({ version: 'bench-floor', arch: 'dcf', seed: 303, ...SHAPE, numMovies: 100, seenPerUser: 5 });

/** The version without a preference head: every eligible movie rated (random weights cost what trained ones do). */
const exhaustiveFixture = () =>
  buildFixture({ version: 'bench-exhaustive', arch: 'hybrid', seed: 202, plan: null, ...SHAPE });

/**
 * The target version: the trained default model (training it first when needed), or with `--no-trained` a
 * random-weight hybrid with a preference head and the largest C the trainer tries.
 */
async function targetFixture(args: Args, out: (line: string) => void): Promise<Fixture> {
  if (args.trained === null) {
    const plan = { candidates: 400, ratingWeight: 1 };
    out(`no trained model: a random-weight hybrid with a random preference head stands in (C = 400)`);
    return buildFixture({ version: 'bench-target', arch: 'hybrid', seed: 101, plan, ...SHAPE });
  }
  const run = await trainedRun(args.trained, out);
  const fixture = await fixtureFromRun(run, 'bench-target');
  const { numUsers, numMovies, dim, hidden, arch } = fixture.options;
  out(
    `trained version from ${run}: ${arch}, ${numMovies} movies × ${dim}, hidden ${hidden.join('-')}, ` +
      `${numUsers} users, ranking ${JSON.stringify(fixture.plan ?? 'exhaustive (no preference head)')}`,
  );
  return fixture;
}

/** The top-10 turns: the target version (two-stage) and the one without a preference head (exhaustive). */
function top10Turns(target: Fixture, exhaustive: Fixture): Turn[] {
  const name = `top-10, ${target.plan ? 'two-stage' : 'exhaustive'}`;
  return [
    {
      stable: target.options.version,
      scenario: {
        name: `${name} (target model: ${target.options.numMovies} movies)`,
        request: topN(target, spreadUsers(1000, target.options.numUsers)),
      },
    },
    {
      stable: exhaustive.options.version,
      scenario: {
        name: 'top-10, exhaustive (no preference head, 10k movies)',
        request: topN(exhaustive, spreadUsers(1000, exhaustive.options.numUsers)),
      },
    },
  ];
}

/** `--only fixed` / `--only top10`: one part in a fresh isolate, `runs` times. */
async function onePart(args: Args, out: (line: string) => void, row: RowFn): Promise<void> {
  const fixed = args.only === 'fixed';
  const target = fixed ? null : await targetFixture(args, out);
  const [fixtures, buildMs] = await timed((): Promise<Fixture[]> =>
    fixed ? Promise.all([floorFixture()]) : Promise.all([exhaustiveFixture()]),
  );
  out(
    `built ${fixtures.length} version(s) in ${fmt(buildMs / 1000, 1)} s; load average ${fmt(await loadAverage())}`,
  );
  const persist = await makeTempDir('marquee-edge-bench-');
  try {
    // Switching the stable version between scenarios needs channels.json re-read every second.
    const edge = await startEdge({ r2Persist: persist, vars: { CHANNELS_TTL_SECONDS: '1' } });
    try {
      for (const f of [...fixtures, ...(target === null ? [] : [target])])
        await publishFixture(edge.bucket, f);
      const [first] = fixtures as [Fixture];
      if (target === null) {
        await setChannelsJson(edge.bucket, { stable: first.options.version });
        await fixedCost(edge, first, row, args.runs);
      } else {
        await top10Latency(edge, top10Turns(target, first), row, args.runs);
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
  out(`edge benchmark${args.only === 'all' ? '' : ` (--only ${args.only})`}`);
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
  const target = await targetFixture(args, out);
  const [[exhaustive, floor], buildMs] = await timed(() =>
    Promise.all([exhaustiveFixture(), floorFixture()]),
  );
  out(
    `built 2 random-weight versions in ${fmt(buildMs / 1000, 1)} s; load average ${fmt(await loadAverage())}`,
  );
  const persist = await makeTempDir('marquee-edge-bench-');
  const version = target.options.version;
  const users = spreadUsers(1000, target.options.numUsers);
  const movieId = (i: number) => target.movieIds[i % target.options.numMovies] as number;
  try {
    // channels.json is re-read every second so the stable version can be switched between phases.
    const edge = await startEdge({ r2Persist: persist, vars: { CHANNELS_TTL_SECONDS: '1' }, inspect: true });
    const idleRss = await residentBytes(edge.pid);
    for (const f of [target, exhaustive, floor]) await publishFixture(edge.bucket, f);
    await setChannelsJson(edge.bucket, { stable: version });

    const [, firstMs] = await timed(() => edge.fetch(topN(target, users)(0).path).then((r) => r.text()));
    const loadedRss = await residentBytes(edge.pid);
    const loadedIsolate = await isolateMemory(edge);
    row('first request, new isolate: ORT start + target version load (ms)', fmt(firstMs, 0));

    const turns = top10Turns(target, exhaustive);
    await top10Latency(edge, turns, row, 1);
    await switchStable(edge, version);
    const report = reportOf(row);
    const scenarios: Scenario[] = [
      {
        name: `similar movies (scan ${target.options.numMovies} × ${target.options.dim})`,
        request: (i) => ({ path: `/v1/movies/${movieId(i * 37)}/similar?limit=10` }),
      },
      {
        name: `cold start, 10 ratings (fold-in, then ${target.plan ? 'two-stage' : 'exhaustive'})`,
        method: 'POST',
        request: (i) => ({
          path: '/v1/recommendations',
          body: JSON.stringify({
            ratings: Array.from({ length: 10 }, (_, k) => ({
              movieId: movieId(i * 131 + k * 997),
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
              userId: target.userIds[users[(i + k) % users.length] as number],
              movieId: movieId(i * 7 + k * 101),
            })),
          }),
        }),
      },
    ];
    for (const s of scenarios) {
      await drive(edge, s, { connections: 1, amount: 30 }); // warm-up
      report(s.name, await drive(edge, s, { connections: 1, amount: LATENCY_REQUESTS }));
    }
    const targetTurn = turns[0] as Turn;
    const rps = await drive(edge, targetTurn.scenario, { connections: 8, amount: THROUGHPUT_REQUESTS });
    row(
      `${targetTurn.scenario.name}: requests/s at concurrency 8 (${THROUGHPUT_REQUESTS} requests)`,
      `${fmt(rps.rps, 0)} (p50 ${fmt(rps.p50)} ms, p99 ${fmt(rps.p99)} ms)`,
    );
    const exact = await exactness(edge, target, users.slice(0, OVERLAP_USERS));
    row(
      `target top-10 overlap with the offline ranking of the version (${OVERLAP_USERS} users); movies rated`,
      `${fmt(exact.overlap, 4)}; ${fmt(exact.scored, 0)}`,
    );
    const models = (await (await edge.fetch('/v1/models')).json()) as {
      models: { version: string; ranking: unknown }[];
    };
    for (const m of models.models) row(`/v1/models ranking of ${m.version}`, JSON.stringify(m.ranking));

    await switchStable(edge, exhaustive.options.version);
    const fallback = await exactness(edge, exhaustive, spreadUsers(20, exhaustive.options.numUsers));
    row(
      'exhaustive top-10 overlap with offline exhaustive scoring (20 users); movies rated',
      `${fmt(fallback.overlap, 4)}; ${fmt(fallback.scored, 0)}`,
    );
    const finalRss = await residentBytes(edge.pid);
    const finalIsolate = await isolateMemory(edge);
    row(
      'isolate memory (MiB): JS heap used / ArrayBuffers / ORT wasm heap, after the first request',
      loadedIsolate,
    );
    row('isolate memory (MiB): the same at the end', finalIsolate);
    row(
      'workerd RSS (MiB): idle / after the first request / at the end',
      `${fmt((idleRss ?? NaN) / MiB, 1)} / ${fmt((loadedRss ?? NaN) / MiB, 1)} / ${fmt((finalRss ?? NaN) / MiB, 1)}`,
    );

    // The 100-movie version as stable, for the fixed cost of a top-10 request.
    await switchStable(edge, floor.options.version);
    await fixedCost(edge, floor, row, 1);
    // Back to the target, which the fresh isolate below loads on its first request.
    await setChannelsJson(edge.bucket, { stable: version });
    await edge.dispose();

    // A fresh isolate over the same bucket: workerd start, then the first request (ORT start + load).
    const [fresh, startMs] = await timed(() => startEdge({ r2Persist: persist }));
    const [, coldFirstMs] = await timed(() => fresh.fetch(topN(target, users)(1).path).then((r) => r.text()));
    const [, coldSecondMs] = await timed(() =>
      fresh.fetch(topN(target, users)(2).path).then((r) => r.text()),
    );
    await fresh.dispose();
    row(
      'cold isolate: workerd start / first top-10 (ORT start + version load) / second top-10 (ms)',
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
