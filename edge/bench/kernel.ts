/**
 * `npx tsx edge/bench/kernel.ts [node|workerd|both]`: the kernel's exact pass (`score`) and approximate int8 pass
 * (`approximate`) over a whole 10,000-movie catalogue (dim 64, hidden 128-64-32, seeded random weights), timed in
 * Node (where Node 20's V8 gets the int8 pass wrong; see test/edge-kernel-build.ts) and inside workerd (Miniflare, the kernel bundled with esbuild and mlp.wasm imported as a compiled module,
 * as in the Worker). workerd does not advance its clock during synchronous code, so there each call's time is the
 * wall time of a request running it `ITERS` times, measured from outside, minus an empty request. Also prints
 * the largest |approximate − exact| over the catalogue for a few users. Iteration figures; `npm run bench:edge` is
 * the benchmark that counts.
 */
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { createMlpKernel, type MlpKernel } from '../src/inference/kernel/mlp-kernel.ts';
import {
  largestApproximationError,
  randomMlpWeights,
  randomUser,
} from '../src/inference/kernel/random-mlp.ts';
import { KERNEL_DIR, KERNEL_WASM, nodeKernelModule, workerdCpuMillis } from '../../test/edge-kernel-build.ts';

const SHAPE = { numMovies: 10_000, dim: 64, hidden: [128, 64, 32] };
const ITERS = 40;
const ROUNDS = 9;
/** The users whose largest int8 error is reported. */
const DIFF_SEEDS = [500, 501, 502, 503];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

/** Largest |approximate − exact| over every movie for 4 users, and the passes' median times in ms. */
function measure(kernel: MlpKernel, now: () => number): Record<string, number> {
  const maxDiff = largestApproximationError(kernel, SHAPE.dim, DIFF_SEEDS);
  const user = randomUser(SHAPE.dim, 7);
  const time = (f: () => void): number => {
    for (let i = 0; i < 3; i++) f();
    const ts: number[] = [];
    for (let r = 0; r < 21; r++) {
      const t0 = now();
      f();
      ts.push(now() - t0);
    }
    return median(ts);
  };
  return {
    maxDiff,
    exactMs: time(() => kernel.score(user.vec, user.bias)),
    approxMs: time(() => kernel.approximate(user.vec, user.bias)),
  };
}

async function inNode(arch: 'dcf' | 'hybrid'): Promise<void> {
  const module = await nodeKernelModule();
  const kernel = await createMlpKernel(module, randomMlpWeights({ arch, seed: 11, ...SHAPE }));
  const r = measure(kernel, () => performance.now());
  process.stdout.write(
    `node ${arch}: exact ${r.exactMs?.toFixed(2)} ms, approximate ${r.approxMs?.toFixed(2)} ms, ` +
      `max |approximate − exact| ${r.maxDiff?.toFixed(4)}\n`,
  );
}

/** The Worker used for the workerd figures: builds the kernel once, then runs a pass `n` times per request. */
const WORKER = `
import mlpWasm from './mlp.wasm';
import { createMlpKernel } from './mlp-kernel.ts';
import { largestApproximationError, randomMlpWeights, randomUser } from './random-mlp.ts';
const kernels = new Map();
export default {
  async fetch(request) {
    const q = new URL(request.url).searchParams;
    const arch = q.get('arch');
    let kernel = kernels.get(arch);
    if (kernel === undefined) {
      kernel = await createMlpKernel(mlpWasm, randomMlpWeights({ arch, seed: 11, ...${JSON.stringify(SHAPE)} }));
      kernels.set(arch, kernel);
    }
    const n = Number(q.get('n'));
    if (q.get('pass') === 'diff') {
      return Response.json({ maxDiff: largestApproximationError(kernel, ${SHAPE.dim}, ${JSON.stringify(DIFF_SEEDS)}) });
    }
    const user = randomUser(${SHAPE.dim}, 7);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const r = q.get('pass') === 'exact' ? kernel.score(user.vec, user.bias) : kernel.approximate(user.vec, user.bias);
      sum += r[i % r.length];
    }
    return Response.json({ sum });
  },
};`;

async function inWorkerd(arch: 'dcf' | 'hybrid'): Promise<void> {
  const bundle = await build({
    stdin: { contents: WORKER, resolveDir: KERNEL_DIR, loader: 'ts', sourcefile: 'worker.ts' },
    bundle: true,
    format: 'esm',
    write: false,
    external: ['./mlp.wasm'],
  });
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: `${KERNEL_DIR}/worker.js`, contents: bundle.outputFiles[0]?.text ?? '' },
      { type: 'CompiledWasm', path: KERNEL_WASM },
    ],
    modulesRoot: KERNEL_DIR,
    compatibilityDate: '2025-01-01',
  });
  try {
    const get = async (query: string): Promise<[unknown, number]> => {
      const t0 = performance.now();
      const res = await mf.dispatchFetch(`http://kernel/?arch=${arch}&${query}`);
      const body = (await res.json()) as unknown;
      return [body, performance.now() - t0];
    };
    const [diff] = await get('pass=diff&n=0');
    /** Median wall ms per call (over ROUNDS requests, minus an empty one each) and CPU ms per call over all. */
    const perCall = async (pass: string): Promise<[number, number]> => {
      await get(`pass=${pass}&n=5`);
      const ts: number[] = [];
      const cpu0 = await workerdCpuMillis();
      for (let r = 0; r < ROUNDS; r++) {
        const [, full] = await get(`pass=${pass}&n=${ITERS}`);
        const [, empty] = await get(`pass=${pass}&n=0`);
        ts.push((full - empty) / ITERS);
      }
      return [median(ts), ((await workerdCpuMillis()) - cpu0) / (ROUNDS * ITERS)];
    };
    const exact = await perCall('exact');
    const approx = await perCall('approx');
    process.stdout.write(
      `workerd ${arch}: exact ${exact[0].toFixed(2)} ms (CPU ${exact[1].toFixed(2)}), ` +
        `approximate ${approx[0].toFixed(2)} ms (CPU ${approx[1].toFixed(2)}), ` +
        `max |approximate − exact| ${((diff as { maxDiff: number }).maxDiff ?? NaN).toFixed(4)}\n`,
    );
  } finally {
    await mf.dispose();
  }
}

const where = process.argv[2] ?? 'both';
for (const arch of ['dcf', 'hybrid'] as const) {
  if (where !== 'workerd') await inNode(arch);
  if (where !== 'node') await inWorkerd(arch);
}
