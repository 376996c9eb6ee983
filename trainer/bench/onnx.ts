/**
 * Measures the ONNX export for a 10,000-movie × 64-dim model (hidden 128, 64, 32): graph build time, .onnx size,
 * and onnxruntime-web (wasm, 1 thread, in Node) latency of scoring one user against 10,000 movies (exhaustive
 * top-N) and 1,000 movies (a candidate re-rank), next to the same graph without its U = 1 branch (timed in
 * turns); onnxruntime-node for comparison. Prints medians.
 *   npx tsx trainer/bench/onnx.ts [--runs N]   (package.json has no bench:onnx script yet)
 */
import { performance } from 'node:perf_hooks';
import { median } from '../../shared/src/kernels/stats.ts';
import { predictReference } from '../src/model/reference.ts';
import type { Arch } from '../src/model/weights.ts';
import { createNodeSession, createWebSession, type ServingSession } from '../../tools/ort-sessions.ts';
import { precomputeMovieSide } from '../src/export/onnx/movie-side.ts';
import { randomWeights } from '../../tools/random-weights.ts';
import { buildServingOnnx } from '../src/export/onnx/serving-graph.ts';
import { servingInputs } from '../../tools/serving-inputs.ts';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 30;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs: expected a positive integer (got ${RUNS})`);

function timeSync(runs: number, f: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;

/**
 * Median and minimum wall time of each call, the calls taking turns run by run so that load from other jobs on
 * the shared machine hits all of them alike (the minimum approximates an uncontended machine).
 */
async function interleaved(calls: readonly (() => Promise<unknown>)[]): Promise<string[]> {
  for (const call of calls) for (let i = 0; i < 3; i++) await call(); // warm-up: first runs allocate arenas
  const times = calls.map((): number[] => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, call] of calls.entries()) {
      const t0 = performance.now();
      await call();
      times[k]?.push(performance.now() - t0);
    }
  }
  return times.map((t) => `${fmt(median(t))} (min ${fmt(Math.min(...t))})`);
}

for (const arch of ['dcf', 'hybrid'] as const satisfies readonly Arch[]) {
  const w = randomWeights({
    arch,
    numUsers: 100,
    numMovies: 10_000,
    dim: 64,
    hidden: [128, 64, 32],
    seed: 1,
  });
  const precompute = timeSync(5, () => precomputeMovieSide(w));
  let model: Uint8Array = new Uint8Array();
  const build = timeSync(5, () => {
    model = buildServingOnnx(w);
  });
  console.log(`${arch}: buildServingOnnx ${fmt(build)} (of which movie-side precompute ${fmt(precompute)}),`);
  console.log(`  model.onnx ${(model.length / 1e6).toFixed(2)} MB (${model.length} bytes)`);

  const user = 17;
  const all = Int32Array.from({ length: w.numMovies }, (_, m) => m);
  const candidates = Int32Array.from({ length: 1000 }, (_, k) => (k * 7919) % w.numMovies);
  const topN = servingInputs(w, new Int32Array(all.length).fill(user), all);
  const rerank = servingInputs(w, new Int32Array(candidates.length).fill(user), candidates);
  // The same 10,000 movies as 10 calls of 1,000: smaller intermediates stay in cache.
  const chunks = Array.from({ length: 10 }, (_, c) =>
    servingInputs(w, new Int32Array(1000).fill(user), all.subarray(c * 1000, (c + 1) * 1000)),
  );
  const reference = predictReference(w, new Int32Array(all.length).fill(user), all);

  // The graph as exported, and without its U = 1 branch (every user-side value gathered per pair) to compare.
  const plain = buildServingOnnx(w, { singleUserBranch: false });
  for (const [runtime, create] of [
    ['onnxruntime-web (wasm, 1 thread)', createWebSession],
    ['onnxruntime-node (cpu)', createNodeSession],
  ] as const) {
    const session = await create(model, w.dim);
    const plainSession = await create(plain, w.dim);
    const got = await session.score(topN);
    let err = 0;
    for (let m = 0; m < got.length; m++)
      err = Math.max(err, Math.abs((got[m] ?? NaN) - (reference[m] ?? NaN)));
    console.log(`  ${runtime} (median of ${RUNS}; max |err| vs reference ${err.toExponential(1)}):`);
    console.log(`    ${''.padEnd(34)} ${'exported'.padEnd(26)} without the U = 1 branch`);
    for (const [label, call] of [
      ['1 user × 10,000 movies, one call', (s: ServingSession) => s.score(topN)],
      [
        '1 user × 10,000 movies, 10 × 1,000',
        async (s: ServingSession) => {
          for (const chunk of chunks) await s.score(chunk);
        },
      ],
      ['1 user × 1,000 movies (re-rank)', (s: ServingSession) => s.score(rerank)],
    ] as const) {
      const [exported, without] = await interleaved([() => call(session), () => call(plainSession)]);
      console.log(`    ${label.padEnd(34)} ${(exported ?? '').padEnd(26)} ${without ?? ''}`);
    }
    await session.release();
    await plainSession.release();
  }
}
