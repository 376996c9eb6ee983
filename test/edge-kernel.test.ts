/**
 * The edge's WebAssembly SIMD kernel (edge/src/inference/kernel/) in Node: the committed mlp.wasm is a fresh
 * compile of mlp.wat; the weights read back from a real exported model.onnx give the same ratings as
 * onnxruntime-web running that graph (the edge's reference executor) within 1e-4, for dcf and hybrid, widths
 * that are not multiples of the kernel's tiles, ReLU-dead units, and movie lists of every length mod 4; bad graphs
 * are refused with the initializer named. The same kernel runs inside workerd in test/edge-api.test.ts.
 */
import { readFile } from 'node:fs/promises';
import v8 from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArtifactError } from '../shared/src/errors.ts';
import { mulberry32 } from '../shared/src/kernels/prng.ts';
import { createMlpKernel, type MlpKernel } from '../edge/src/inference/kernel/mlp-kernel.ts';
import { mlpWeightsFromOnnx } from '../edge/src/inference/kernel/mlp-weights.ts';
import { readOnnx } from '../edge/src/inference/kernel/onnx-reader.ts';
import { buildServingOnnx } from '../trainer/src/export/onnx/index.ts';
import { createWebSession, type ServingSession } from '../trainer/src/export/onnx/ort-sessions.ts';
import { randomWeights } from '../trainer/src/export/onnx/random-weights.ts';
import { servingInputs } from '../trainer/src/export/onnx/serving-inputs.ts';
import type { Arch, ModelWeights } from '../trainer/src/model/weights.ts';
import { compileKernel, KERNEL_WASM } from './edge-kernel-build.ts';

const TOLERANCE = 1e-4;

let module: WebAssembly.Module;

beforeAll(async () => {
  // Node 20's V8 ships relaxed SIMD behind a flag (workerd's V8 has it on); it is read when a module compiles.
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  module = new WebAssembly.Module(await readFile(KERNEL_WASM));
});

/** Random weights with some units of each hidden layer dead (a large negative bias: ReLU always 0). */
function weightsWithDeadUnits(options: Parameters<typeof randomWeights>[0]): ModelWeights {
  const w = randomWeights(options);
  const rand = mulberry32(options.seed + 1);
  for (const layer of w.hidden) {
    for (let j = 0; j < layer.outSize; j++) if (rand() < 0.2) layer.b[j] = -1e3;
  }
  return w;
}

interface Case {
  arch: Arch;
  weights: ModelWeights;
  kernel: MlpKernel;
  session: ServingSession;
}

async function prepare(arch: Arch, shape: { movies: number; dim: number; hidden: number[] }): Promise<Case> {
  const weights = weightsWithDeadUnits({
    arch,
    numUsers: 5,
    numMovies: shape.movies,
    dim: shape.dim,
    hidden: shape.hidden,
    seed: 31 + shape.movies,
  });
  const onnx = buildServingOnnx(weights);
  const mlp = mlpWeightsFromOnnx('model.onnx', readOnnx('model.onnx', onnx), {
    arch,
    dim: shape.dim,
    numMovies: shape.movies,
  });
  return {
    arch,
    weights,
    kernel: await createMlpKernel(module, mlp),
    session: await createWebSession(onnx, shape.dim),
  };
}

/** ORT-web's ratings of user u for the given movies. */
function graphScores(c: Case, u: number, movies: Int32Array): Promise<Float32Array> {
  return c.session.score(servingInputs(c.weights, new Int32Array(movies.length).fill(u), movies));
}

function kernelScores(c: Case, u: number, movies?: Int32Array): Float32Array {
  const { dim, userEmb, userBias } = c.weights;
  return c.kernel.score(userEmb.subarray(u * dim, (u + 1) * dim), userBias[u] as number, movies);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a).toHaveLength(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return worst;
}

it('the committed mlp.wasm is a fresh compile of mlp.wat (npm run build:kernel)', async () => {
  expect(Buffer.from(await compileKernel()).equals(await readFile(KERNEL_WASM))).toBe(true);
});

describe.each([
  // Widths that are not multiples of 8 (padding), and the default architecture's widths.
  { arch: 'dcf' as const, movies: 1003, dim: 10, hidden: [20, 12, 5] },
  { arch: 'hybrid' as const, movies: 1003, dim: 10, hidden: [20, 12, 5] },
  { arch: 'dcf' as const, movies: 2001, dim: 64, hidden: [128, 64, 32] },
  { arch: 'hybrid' as const, movies: 2001, dim: 64, hidden: [128, 64, 32] },
  { arch: 'hybrid' as const, movies: 7, dim: 4, hidden: [8] },
])('kernel vs onnxruntime-web: $arch, $movies movies, dim $dim, hidden $hidden', (shape) => {
  let c: Case;
  beforeAll(async () => {
    c = await prepare(shape.arch, shape);
  });

  it('scores every movie like the graph (within 1e-4), for every user', async () => {
    const all = Int32Array.from({ length: shape.movies }, (_, m) => m);
    for (let u = 0; u < c.weights.numUsers; u++) {
      const want = await graphScores(c, u, all);
      expect(maxAbsDiff(kernelScores(c, u), want)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('scores candidate lists of every length mod 4, repeats and any order included', async () => {
    const rand = mulberry32(shape.movies);
    for (const length of [1, 2, 3, 4, 5, 6, 7, 9, 257]) {
      const movies = Int32Array.from({ length }, () => Math.floor(rand() * shape.movies));
      const got = kernelScores(c, 2, movies);
      expect(maxAbsDiff(got, await graphScores(c, 2, movies))).toBeLessThanOrEqual(TOLERANCE);
    }
    expect(kernelScores(c, 0, new Int32Array(0))).toHaveLength(0);
  });

  it('gives the MLP-free part of each rating (mu + b_movie, + the dot term for hybrid) as the proxy', () => {
    const { dim, mu, movieBias, movieEmb, userEmb } = c.weights;
    const vec = userEmb.subarray(3 * dim, 4 * dim);
    const proxy = c.kernel.proxy(vec);
    expect(proxy).toHaveLength(shape.movies);
    for (let m = 0; m < shape.movies; m += 7) {
      let want = mu + (movieBias[m] as number);
      if (shape.arch === 'hybrid') {
        for (let i = 0; i < dim; i++) want += (vec[i] as number) * (movieEmb[m * dim + i] as number);
      }
      expect(Math.abs((proxy[m] as number) - want)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('keeps its memory fixed across calls and refuses bad input', () => {
    const before = c.kernel.memoryBytes;
    kernelScores(c, 1);
    expect(c.kernel.memoryBytes).toBe(before);
    expect(() => c.kernel.score(new Float32Array(shape.dim + 1), 0)).toThrow(/must have/);
    expect(() => kernelScores(c, 0, Int32Array.of(shape.movies))).toThrow(/outside/);
  });
});

describe('reading the weights out of model.onnx', () => {
  const weights = randomWeights({ arch: 'dcf', numUsers: 2, numMovies: 9, dim: 4, hidden: [8, 4], seed: 3 });
  const expected = { arch: 'dcf' as const, dim: 4, numMovies: 9 };

  it('refuses a manifest that disagrees with the graph, naming the initializer', () => {
    const onnx = readOnnx('m.onnx', buildServingOnnx(weights));
    expect(() => mlpWeightsFromOnnx('m.onnx', onnx, { ...expected, numMovies: 10 })).toThrow(
      /m\.onnx: initializer movie_pre: expected shape \[10, 8\]/,
    );
    expect(() => mlpWeightsFromOnnx('m.onnx', onnx, { ...expected, arch: 'hybrid' })).toThrow(
      /no float initializer "movie_emb"/,
    );
    onnx.floats.delete('layer2_b');
    expect(() => mlpWeightsFromOnnx('m.onnx', onnx, expected)).toThrow(ArtifactError);
  });

  it('refuses a graph without hidden layers (ORT serves those alone)', () => {
    const flat = randomWeights({ arch: 'dcf', numUsers: 2, numMovies: 3, dim: 4, hidden: [], seed: 3 });
    const onnx = readOnnx('flat.onnx', buildServingOnnx(flat));
    expect(() => mlpWeightsFromOnnx('flat.onnx', onnx, { ...expected, numMovies: 3 })).toThrow(
      /no dense layer after the first/,
    );
  });

  it('refuses truncated bytes', () => {
    const bytes = buildServingOnnx(weights);
    expect(() => readOnnx('cut.onnx', bytes.subarray(0, bytes.length - 7))).toThrow(/cut\.onnx: /);
  });

  it('a released kernel refuses to score', async () => {
    const kernel = await createMlpKernel(
      module,
      mlpWeightsFromOnnx('m.onnx', readOnnx('m.onnx', buildServingOnnx(weights)), expected),
    );
    kernel.release();
    expect(() => kernel.score(new Float32Array(4), 0)).toThrow(/released/);
  });
});
