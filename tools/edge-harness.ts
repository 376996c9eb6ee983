/**
 * Runs the real Worker bundle (what `wrangler deploy` would upload) inside workerd from Node: wrangler builds the
 * bundle once per process, Miniflare runs it with the bindings of wrangler.toml and a local R2 bucket that tests
 * (and benchmarks) fill through Miniflare's API.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

const ROOT = path.resolve(import.meta.dirname, '..');
const WRANGLER = path.join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const CONFIG = path.join(ROOT, 'wrangler.toml');

/** The built Worker: its output directory and the modules in it. */
export interface WorkerBundle {
  dir: string;
  /** Module file names relative to `dir` (index.js first). */
  modules: string[];
  /** wrangler's own size line, e.g. "Total Upload: 14076.38 KiB / gzip: 3654.34 KiB". */
  wranglerSummary: string;
}

let built: Promise<WorkerBundle> | undefined;

/**
 * Builds the Worker with `wrangler deploy --dry-run --outdir` into a temp directory (once per process; removed when
 * the process exits).
 * @throws Error with wrangler's output when the build fails
 */
export function buildWorker(): Promise<WorkerBundle> {
  built ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'marquee-edge-build-'));
    // One bundle serves every Worker this process starts; it goes when the process does.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(
        process.execPath,
        [WRANGLER, 'deploy', '--dry-run', '--outdir', dir],
        {
          cwd: ROOT,
          env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
          maxBuffer: 16 * 1024 * 1024,
        },
      ));
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`wrangler build failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: err });
    }
    const files = await readdir(dir);
    const modules = ['index.js', ...files.filter((f) => f.endsWith('.wasm'))];
    const wranglerSummary = /Total Upload:[^\n]*/.exec(stdout)?.[0]?.trim() ?? '';
    return { dir, modules, wranglerSummary };
  })();
  return built;
}

export interface EdgeOptions {
  /** Directory of Miniflare's persisted R2 state (e.g. `.wrangler/state/v3/r2`); in-memory when omitted. */
  r2Persist?: string;
  /** Overrides of wrangler.toml [vars]. */
  vars?: Record<string, string>;
  /** Opens workerd's V8 inspector on a free 127.0.0.1 port so `heapUsage` works (benchmarks). */
  inspect?: boolean;
  /**
   * Seconds the Worker's queue consumers wait to fill a batch, instead of wrangler.toml's max_batch_timeout (0:
   * deliver at once, so tests see a sent message written without waiting).
   */
  queueBatchTimeout?: number;
}

/** V8's view of the Worker's isolate memory (Runtime.getHeapUsage), in bytes. */
export interface HeapUsage {
  /** Live JS objects. */
  usedSize: number;
  /** JS heap reserved. */
  totalSize: number;
  /** ArrayBuffer backing stores, including typed arrays and the ORT wasm memory. */
  backingStorageSize: number;
}

/** A running Worker with its R2 bucket. */
export interface Edge {
  /** Sends a request to the Worker over HTTP; `pathAndQuery` starts with "/" and is taken literally. */
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  /** The Worker's MODELS bucket (Miniflare's R2 API). */
  bucket: Awaited<ReturnType<Miniflare['getR2Bucket']>>;
  /** Another R2 bucket of the Worker by its binding name (e.g. EVENTS). */
  r2(binding: string): ReturnType<Miniflare['getR2Bucket']>;
  /** A URL on 127.0.0.1 the Worker listens on, for real HTTP clients. */
  url: URL;
  /** Process id of the workerd process running this Worker (undefined if it cannot be told apart). */
  pid: number | undefined;
  /** The isolate's heap usage (garbage included); undefined unless started with `inspect`. */
  heapUsage(): Promise<HeapUsage | undefined>;
  /** The V8 inspector's port on 127.0.0.1 (e.g. for a CPU profile); undefined unless started with `inspect`. */
  inspectorPort: number | undefined;
  dispose(): Promise<void>;
}

/**
 * Starts the built Worker in workerd with the bindings of wrangler.toml.
 * @throws Error when the build or workerd start fails
 */
export async function startEdge(options: EdgeOptions = {}): Promise<Edge> {
  const bundle = await buildWorker();
  const { workerOptions } = unstable_getMiniflareWorkerOptions(CONFIG);
  const bindings = { ...(workerOptions.bindings ?? {}), ...(options.vars ?? {}) };
  const inspectorPort = options.inspect ? await freePort() : undefined;
  const { queueBatchTimeout } = options;
  const consumers = workerOptions.queueConsumers;
  const queueConsumers =
    queueBatchTimeout === undefined || consumers === undefined || Array.isArray(consumers)
      ? consumers
      : Object.fromEntries(
          Object.entries(consumers).map(([queue, consumer]) => [
            queue,
            { ...(consumer as object), maxBatchTimeout: queueBatchTimeout },
          ]),
        );
  const before = await workerdPids();
  const mf = new Miniflare({
    ...workerOptions,
    name: 'marquee-edge',
    bindings,
    ...(queueConsumers === undefined ? {} : { queueConsumers }),
    modulesRoot: bundle.dir,
    modules: bundle.modules.map((file) => ({
      type: file.endsWith('.wasm') ? ('CompiledWasm' as const) : ('ESModule' as const),
      path: path.join(bundle.dir, file),
    })),
    host: '127.0.0.1',
    port: 0,
    r2Persist: options.r2Persist ?? false,
    ...(inspectorPort === undefined ? {} : { inspectorPort }),
  });
  const url = await mf.ready;
  const bucket = await mf.getR2Bucket('MODELS');
  const started = (await workerdPids()).filter((pid) => !before.includes(pid));
  return {
    pid: started.length === 1 ? started[0] : undefined,
    inspectorPort,
    heapUsage: () => (inspectorPort === undefined ? Promise.resolve(undefined) : heapUsage(inspectorPort)),
    // Real HTTP on 127.0.0.1 rather than Miniflare's dispatchFetch proxy, which resets the connection when the
    // Worker answers (e.g. 413) before reading a large body; clients see what a deployed Worker would send.
    fetch: (p, init) => fetch(new URL(url.origin + p), init),
    bucket,
    r2: (binding) => mf.getR2Bucket(binding),
    url,
    dispose: () => mf.dispose(),
  };
}

/** Pids of the workerd processes this Node process started. */
/** The workerd processes started by `ancestor` (this process by default) or by its descendants. */
async function workerdPids(ancestor = process.pid): Promise<number[]> {
  const procs = new Map<number, { command: string; parent: number }>();
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesized command: state, ppid, ...
    const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (match) procs.set(Number(entry), { command: match[1] as string, parent: Number(match[2]) });
  }
  const descends = (pid: number): boolean => {
    for (let p = procs.get(pid)?.parent, hops = 0; p !== undefined && p > 1 && hops < 64; hops++) {
      if (p === ancestor) return true;
      p = procs.get(p)?.parent;
    }
    return false;
  };
  return [...procs].filter(([pid, proc]) => proc.command === 'workerd' && descends(pid)).map(([pid]) => pid);
}

/** Resident set size of a process in bytes (Linux /proc), or undefined. */
export async function residentBytes(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/** Raw and gzip sizes of the built bundle (every module), in bytes. */
export async function bundleSizes(): Promise<{
  raw: number;
  gzip: number;
  wasmRaw: number;
  summary: string;
}> {
  const bundle = await buildWorker();
  let raw = 0;
  let gzip = 0;
  let wasmRaw = 0;
  for (const file of bundle.modules) {
    const bytes = await readFile(path.join(bundle.dir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
    if (file.endsWith('.wasm')) wasmRaw += bytes.length;
  }
  return { raw, gzip, wasmRaw, summary: bundle.wranglerSummary };
}

/** A new empty directory under the OS temp dir. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Removes a directory tree (no error when it is gone). */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * CPU time (user + system) a process has used, in milliseconds (Linux /proc; clock ticks of 10 ms), or undefined.
 * Unlike wall-clock latency it does not grow when other jobs compete for the cores.
 */
export async function cpuMillis(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, so utime (14) and stime (15) are at offsets 11 and 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * 10 : undefined;
}

/** `wrangler dev` (what `npm run dev` starts), spawned on free ports. */
export interface WranglerDev {
  url: URL;
  /** The workerd processes wrangler started (their CPU time is what serving costs locally). */
  pids: number[];
  /** What wrangler printed so far. */
  output: () => string;
  dispose: () => Promise<void>;
}

/**
 * Starts `wrangler dev` on 127.0.0.1 with its local state (R2 under `<persist>/v3/r2`, where `marquee publish
 * --store r2-local:// --persist-to <persist>` writes) and waits until /healthz answers.
 * @throws Error with wrangler's output when it exits or is not up within 90 s
 */
export async function startWranglerDev(persist: string): Promise<WranglerDev> {
  const port = await freePort();
  const inspector = await freePort();
  const url = new URL(`http://127.0.0.1:${port}`);
  const dev = spawn(
    process.execPath,
    [
      WRANGLER,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspector),
    ].concat(['--persist-to', persist]),
    {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  dev.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  dev.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const dispose = async () => {
    if (dev.pid !== undefined && dev.exitCode === null) {
      process.kill(-dev.pid, 'SIGTERM');
      await once(dev, 'exit');
    }
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    const up = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline || dev.exitCode !== null) {
      await dispose();
      throw new Error(`wrangler dev did not start:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const pids = dev.pid === undefined ? [] : await workerdPids(dev.pid);
  return { url, pids, output: () => output, dispose };
}

/** The 1-minute load average (Linux /proc), to read latency figures against. */
export async function loadAverage(): Promise<number | undefined> {
  const text = await readFile('/proc/loadavg', 'utf8').catch(() => '');
  const value = Number(text.split(' ')[0]);
  return Number.isFinite(value) ? value : undefined;
}

/** A TCP port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Reads the Worker isolate's heap usage over the V8 inspector protocol. */
async function heapUsage(port: number): Promise<HeapUsage> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/core:user:marquee-edge`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const call = (method: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const mine = ++id;
      const onMessage = (data: WebSocket.RawData): void => {
        const message = JSON.parse(String(data)) as {
          id?: number;
          result?: Record<string, unknown>;
          error?: unknown;
        };
        if (message.id !== mine) return;
        ws.off('message', onMessage);
        if (message.result === undefined)
          reject(new Error(`${method} failed: ${JSON.stringify(message.error)}`));
        else resolve(message.result);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id: mine, method }));
    });
  try {
    // workerd's inspector never answers HeapProfiler.collectGarbage, so the figure includes uncollected garbage.
    return (await call('Runtime.getHeapUsage')) as unknown as HeapUsage;
  } finally {
    ws.close();
  }
}
