/**
 * Runs the real Worker bundle (what `wrangler deploy` would upload) inside workerd from Node: wrangler builds the
 * bundle once per process, Miniflare runs it with the bindings of wrangler.toml and a local R2 bucket that tests
 * (and benchmarks) fill through Miniflare's API.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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
}

let built: Promise<WorkerBundle> | undefined;

/**
 * Builds the Worker with `wrangler deploy --dry-run --outdir` (once per process).
 * @throws Error with wrangler's output when the build fails
 */
export function buildWorker(): Promise<WorkerBundle> {
  built ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'marquee-edge-build-'));
    try {
      await promisify(execFile)(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--outdir', dir], {
        cwd: ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`wrangler build failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: err });
    }
    const files = await readdir(dir);
    const modules = ['index.js', ...files.filter((f) => f.endsWith('.wasm'))];
    return { dir, modules };
  })();
  return built;
}

export interface EdgeOptions {
  /** Directory of Miniflare's persisted R2 state (e.g. `.wrangler/state/v3/r2`); in-memory when omitted. */
  r2Persist?: string;
  /** Overrides of wrangler.toml [vars]. */
  vars?: Record<string, string>;
}

/** A running Worker with its R2 bucket. */
export interface Edge {
  /** Sends a request to the Worker over HTTP; `pathAndQuery` starts with "/" and is taken literally. */
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  /** The Worker's MODELS bucket (Miniflare's R2 API). */
  bucket: Awaited<ReturnType<Miniflare['getR2Bucket']>>;
  /** A URL on 127.0.0.1 the Worker listens on, for real HTTP clients. */
  url: URL;
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
  const mf = new Miniflare({
    ...workerOptions,
    name: 'marquee-edge',
    bindings,
    modulesRoot: bundle.dir,
    modules: bundle.modules.map((file) => ({
      type: file.endsWith('.wasm') ? ('CompiledWasm' as const) : ('ESModule' as const),
      path: path.join(bundle.dir, file),
    })),
    host: '127.0.0.1',
    port: 0,
    r2Persist: options.r2Persist ?? false,
  });
  const url = await mf.ready;
  const bucket = await mf.getR2Bucket('MODELS');
  return {
    // Real HTTP on 127.0.0.1 rather than Miniflare's dispatchFetch proxy, which resets the connection when the
    // Worker answers (e.g. 413) before reading a large body; clients see what a deployed Worker would send.
    fetch: (p, init) => fetch(new URL(url.origin + p), init),
    bucket,
    url,
    dispose: () => mf.dispose(),
  };
}

/** Removes the bundle directory (call from a global teardown if desired). */
export async function removeBuild(): Promise<void> {
  if (built === undefined) return;
  const { dir } = await built;
  await rm(dir, { recursive: true, force: true });
}
