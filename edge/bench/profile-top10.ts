/**
 * `npx tsx edge/bench/profile-top10.ts [--requests N] [--interval µs] [--save file.cpuprofile]`: where a hybrid
 * top-10 request's CPU goes inside the Worker isolate. workerd's performance.now() does not advance inside a
 * request, so in-Worker timers cannot tell; this runs a 10,000-movie × 64-dim hybrid of the default shape (seeded
 * random weights with a random preference head, ranked two-stage with C = 400, the largest C the trainer tries) in
 * local workerd with the V8 inspector open, samples the isolate with the CPU profiler while sequential (c=1) top-10
 * requests run, and prints self time per function in ms/request, plus the callees of rankTwoStage / readUser / the
 * route handler and the wasm time (onnxruntime-web) by the JS frame that called into it.
 *
 * The profile sees the Worker isolate only; workerd's whole-process CPU (/proc) over the same requests is printed
 * next to it, so the rest (HTTP, the local R2 emulation, the Miniflare proxy) is their difference. That total is
 * also measured once without the profiler, since sampling costs CPU itself.
 */
/* eslint-disable no-restricted-imports -- a Node benchmark script beside the Worker, not Worker code (as edge/bench/edge.ts is, through tools/edge-harness.ts) */
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
/* eslint-enable no-restricted-imports */
import WebSocket from 'ws';
import { cpuMillis, loadAverage, makeTempDir, removeDir, startEdge } from '../../tools/edge-harness.ts';
import { buildFixture, publishFixture, setChannelsJson, userIdOf } from '../../tools/edge-fixtures.ts';
import { median } from '../../shared/src/kernels/stats.ts';

/** The shape of edge/bench/edge.ts's models. */
const SHAPE = { numUsers: 20_000, numMovies: 10_000, dim: 64, hidden: [128, 64, 32], seenPerUser: 40 };
const WARMUP = 60;

interface Args {
  requests: number;
  /** Sampling interval, µs. */
  interval: number;
  save: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { requests: 500, interval: 50, save: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--requests' || flag === '--interval') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`${flag} must be a positive whole number (got ${v})`);
      args[flag === '--requests' ? 'requests' : 'interval'] = n;
    } else if (flag === '--save') args.save = v;
    else throw new Error(`unknown flag ${flag} (expected --requests N, --interval µs, --save file)`);
  }
  return args;
}

/** A minimal Chrome DevTools Protocol client over the inspector WebSocket. */
async function inspector(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/core:user:marquee-edge`, { maxPayload: 1 << 30 });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map<
    number,
    { resolve: (r: unknown) => void; reject: (e: Error) => void; method: string }
  >();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: unknown };
    if (m.id === undefined) return;
    const p = pending.get(m.id);
    if (p === undefined) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(`${p.method} failed: ${JSON.stringify(m.error)}`));
    else p.resolve(m.result);
  });
  return {
    call: <T>(method: string, params: Record<string, unknown> = {}): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const mine = ++id;
        pending.set(mine, { resolve: resolve as (r: unknown) => void, reject, method });
        ws.send(JSON.stringify({ id: mine, method, params }));
      }),
    close: () => ws.close(),
  };
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per node (µs): each sample is charged the time to the next sample (V8's convention), capped at
 * `cap`. workerd enters the isolate only while it runs the Worker's code, and the sampler takes no sample while
 * the isolate is not in use, so the time to the next sample after the isolate leaves (awaiting R2, between
 * requests) is time outside it; uncapped, it would be charged to whatever ran last (the Response constructor, the
 * R2 call). That remainder is returned as `outside`.
 */
function selfTimes(profile: Profile, cap: number): { self: Map<number, number>; outside: number } {
  const self = new Map<number, number>();
  let outside = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const next = profile.timeDeltas[i + 1] ?? 0;
    const node = profile.samples[i] as number;
    self.set(node, (self.get(node) ?? 0) + Math.min(next, cap));
    outside += Math.max(0, next - cap);
  }
  return { self, outside };
}

/** Inclusive time per node (µs). */
function totalTimes(profile: Profile, self: Map<number, number>): Map<number, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const total = new Map<number, number>();
  const visit = (id: number): number => {
    const cached = total.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id);
    let t = self.get(id) ?? 0;
    for (const c of node?.children ?? []) t += visit(c);
    total.set(id, t);
    return t;
  };
  for (const n of profile.nodes) visit(n.id);
  return total;
}

/** The profile's name of a frame: wasm functions (onnxruntime-web's) marked, bundle positions (1-based line). */
function nameOf(f: CallFrame): string {
  if (/^(\$|wasm-function\[)/.test(f.functionName)) return `wasm ${f.functionName}`;
  return `${f.functionName || '(anonymous)'}${f.url ? ` ${path.basename(f.url)}:${f.lineNumber + 1}` : ' [native]'}`;
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const plan = { candidates: 400, ratingWeight: 1 };
  const fixture = await buildFixture({ version: 'bench-hybrid', arch: 'hybrid', seed: 202, plan, ...SHAPE });
  out(`built the hybrid fixture; load average ${await loadAverage()}`);
  const persist = await makeTempDir('marquee-edge-profile-');
  const edge = await startEdge({ r2Persist: persist, inspect: true });
  try {
    await publishFixture(edge.bucket, fixture);
    await setChannelsJson(edge.bucket, { stable: 'bench-hybrid' });
    const users: number[] = [];
    for (let u = 0; u < SHAPE.numUsers && users.length < 1000; u += 7) users.push(u);
    let next = 0;
    const one = async (): Promise<void> => {
      const u = users[next++ % users.length] as number;
      const res = await fetch(`${edge.url.origin}/v1/users/${userIdOf(u)}/recommendations?limit=10`);
      const body = (await res.json()) as { strategy?: string };
      if (res.status !== 200) throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
      if (next === 1) out(`first response: strategy ${body.strategy}`);
    };
    const run = async (n: number): Promise<{ cpu: number | undefined; wallMs: number }> => {
      const c0 = await cpuMillis(edge.pid);
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await one();
      const wallMs = performance.now() - t0;
      const c1 = await cpuMillis(edge.pid);
      return { cpu: c0 === undefined || c1 === undefined ? undefined : (c1 - c0) / n, wallMs: wallMs / n };
    };
    await run(WARMUP);
    const plain = await run(args.requests);
    out(
      `without profiler: ${args.requests} requests, workerd CPU ${plain.cpu?.toFixed(2)} ms/request, ` +
        `wall ${plain.wallMs.toFixed(2)} ms/request`,
    );

    const cdp = await inspector(edge.inspectorPort!);
    await cdp.call('Profiler.enable');
    await cdp.call('Profiler.setSamplingInterval', { interval: args.interval });
    await cdp.call('Profiler.start');
    const profiled = await run(args.requests);
    const { profile } = await cdp.call<{ profile: Profile }>('Profiler.stop');
    cdp.close();
    out(
      `with profiler (${args.interval} µs): workerd CPU ${profiled.cpu?.toFixed(2)} ms/request, ` +
        `wall ${profiled.wallMs.toFixed(2)} ms/request; ${profile.samples.length} samples over ` +
        `${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms`,
    );
    if (args.save !== undefined) await writeFile(args.save, JSON.stringify(profile));
    report(profile, args.requests, out);
  } finally {
    await edge.dispose();
    await removeDir(persist);
  }
}

/** Median time between samples (µs): the sampler's real period, which is coarser than the one asked for. */
function period(profile: Profile): number {
  return median(profile.timeDeltas.slice(1));
}

function report(profile: Profile, requests: number, out: (line: string) => void): void {
  const per = (us: number) => (us / 1000 / requests).toFixed(3);
  const tick = period(profile);
  // Two and a half periods: a sample or two missed is still time inside the isolate (jitter), a longer silence is not.
  const { self, outside } = selfTimes(profile, 2.5 * tick);
  const total = totalTimes(profile, self);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (id: number) => nameOf((byId.get(id) as ProfileNode).callFrame);

  const byFunction = new Map<string, number>();
  let inside = 0;
  for (const [id, us] of self) {
    byFunction.set(key(id), (byFunction.get(key(id)) ?? 0) + us);
    inside += us;
  }
  out(
    `\nsampler period ${tick} µs (median); inside the isolate ${per(inside)} ms/request ` +
      `(of which (idle) ${per(byFunction.get('(idle) [native]') ?? 0)}), outside ${per(outside)} ms/request`,
  );
  out('\nself time by function (ms/request; bundle lines are of the built index.js):');
  for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    out(`  ${per(us).padStart(7)}  ${k}`);
  }

  // Inclusive time of the functions on the request path and their callees, merged over call sites.
  const roots = ['rankTwoStage', 'scoreWithGraph', 'readUser', 'withVersion', 'resolve', 'dispatch'];
  for (const name of roots) {
    // Outermost nodes only, so recursion (Hono's dispatch) is not counted twice.
    const outer = profile.nodes.filter((n) => {
      if (n.callFrame.functionName !== name) return false;
      for (let p = parent.get(n.id); p !== undefined; p = parent.get(p)) {
        if (byId.get(p)?.callFrame.functionName === name) return false;
      }
      return true;
    });
    if (outer.length === 0) continue;
    const incl = outer.reduce((t, n) => t + (total.get(n.id) ?? 0), 0);
    const own = outer.reduce((t, n) => t + (self.get(n.id) ?? 0), 0);
    const callees = new Map<string, number>();
    for (const n of outer) {
      for (const c of n.children ?? []) callees.set(key(c), (callees.get(key(c)) ?? 0) + (total.get(c) ?? 0));
    }
    out(`\n${name}: inclusive ${per(incl)} ms/request (self ${per(own)}); callees (inclusive):`);
    for (const [k, us] of [...callees].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
      if (us >= 0.0005 * requests * 1000) out(`  ${per(us).padStart(7)}  ${k}`);
    }
  }
  // Wasm time by the JS frame that called into it (ORT's session run, or its tensor handling).
  const wasmBy = new Map<string, number>();
  for (const [id, us] of self) {
    if (!key(id).startsWith('wasm ')) continue;
    let p = parent.get(id);
    while (p !== undefined && (key(p).startsWith('wasm ') || key(p).startsWith('js-to-wasm')))
      p = parent.get(p);
    const caller = p === undefined ? '?' : key(p);
    wasmBy.set(caller, (wasmBy.get(caller) ?? 0) + us);
  }
  out('\nwasm self time by calling JS frame:');
  for (const [k, us] of [...wasmBy].sort((a, b) => b[1] - a[1])) out(`  ${per(us).padStart(7)}  ${k}`);
}

await main(process.argv.slice(2));
