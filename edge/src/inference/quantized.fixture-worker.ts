/**
 * The Worker that quantized.test.ts runs inside workerd (Miniflare): Node 20's V8 mis-lowers
 * i32x4.relaxed_dot_i8x16_i7x16_add_s in some register assignments (an accumulator counted twice), so the int8
 * pass is tested in the engine that serves it. One seeded random model of a trained model's shape per request;
 * GET /?case=… answers with what the test asserts on:
 *
 * * `accuracy`: the calibrated margin from 8 sample users and the largest |approximate − exact| of 24 others;
 * * `ranking`: quantized versus exhaustive top-N (indices and ratings) for 40 users, with exclusions, genre
 *   filters and limits 1, 10, 50;
 * * `fallback`: the same with a margin far below the real error, which the strategy must detect;
 * * `outlier`: a model where one movie's first-layer values dwarf the others', which wrecks the int8 pass.
 */
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { measureApproximation } from './calibration.ts';
import { createMlpKernel, type MlpKernel } from './kernel/mlp-kernel.ts';
import { mlpWasm } from './kernel/module.ts';
import { largestApproximationError, randomMlpWeights, randomUser } from './kernel/random-mlp.ts';
import { rankMovies, type RankingContext, type UserVector } from './ranking.ts';
import type { ServingModel } from './serving-model.ts';

const SHAPE = { numMovies: 3001, dim: 32, hidden: [128, 64, 32] };

function catalogOf(numMovies: number, dim: number): MovieCatalog {
  // Ranking reads only these fields of a catalogue; genres are 1–3 of 8 bits per movie.
  const genres = Uint32Array.from({ length: numMovies }, (_, m) => (1 << (m % 8)) | (1 << ((m * 7) % 8)));
  return { numMovies, dim, genres } as unknown as MovieCatalog;
}

function modelOf(kernel: MlpKernel, dim: number): ServingModel {
  return {
    dim,
    kernel,
    kernelProblem: undefined,
    score: () => Promise.reject(new Error('onnxruntime is not part of this test')),
    release: () => Promise.resolve(),
  };
}

async function setUp(arch: 'dcf' | 'hybrid', outlier = false) {
  const weights = randomMlpWeights({ arch, seed: 5, ...SHAPE });
  if (outlier) for (let j = 0; j < weights.hidden1; j++) weights.moviePre[j] = 500;
  const kernel = await createMlpKernel(mlpWasm, weights);
  const sample: UserVector[] = Array.from({ length: 8 }, (_, k) => randomUser(SHAPE.dim, 100 + k));
  const exact = new Float32Array(sample.length * SHAPE.numMovies);
  sample.forEach((u, k) => exact.set(kernel.score(u.vec, u.bias), k * SHAPE.numMovies));
  const measured = measureApproximation(modelOf(kernel, SHAPE.dim), sample, exact, SHAPE.numMovies);
  return { kernel, measured };
}

async function accuracy(arch: 'dcf' | 'hybrid'): Promise<unknown> {
  const { kernel, measured } = await setUp(arch);
  // 24 users calibration never saw.
  const seeds = Array.from({ length: 24 }, (_, u) => 1000 + u);
  const othersMaxDiff = largestApproximationError(kernel, SHAPE.dim, seeds);
  return { ...measured, othersMaxDiff };
}

async function ranking(arch: 'dcf' | 'hybrid', margin?: number): Promise<unknown> {
  const { kernel, measured } = await setUp(arch);
  const ctx: RankingContext = {
    catalog: catalogOf(SHAPE.numMovies, SHAPE.dim),
    model: modelOf(kernel, SHAPE.dim),
    arch,
    plan: {
      strategy: 'quantized',
      executor: 'wasm-kernel',
      spread: Infinity,
      margin: margin ?? measured?.margin,
    },
  };
  const cases = [];
  for (let u = 0; u < 40; u++) {
    const user = randomUser(SHAPE.dim, 2000 + u);
    const limit = [1, 10, 50][u % 3] as number;
    const genreMask = u % 4 === 1 ? 1 << (u % 8) : 0;
    // Some users exclude few movies (the whole-catalogue pass), some many (the candidate-list pass).
    const excluded = u % 5 === 2 ? 400 : 25;
    const exclude = Int32Array.from(
      { length: excluded },
      (_, k) => (k * 97 + u * 13) % SHAPE.numMovies,
    ).sort();
    const options = { limit, genreMask, exclude };
    const quantized = await rankMovies(ctx, user, { ...options, strategy: 'quantized' });
    const exhaustive = await rankMovies(ctx, user, { ...options, strategy: 'exhaustive' });
    cases.push({
      limit,
      genreMask,
      strategy: quantized.strategy,
      scored: quantized.scored,
      quantized: { indices: Array.from(quantized.indices), ratings: Array.from(quantized.ratings) },
      exhaustive: { indices: Array.from(exhaustive.indices), ratings: Array.from(exhaustive.ratings) },
      excluded: Array.from(exclude),
    });
  }
  return { margin: ctx.plan.margin, cases };
}

async function outlier(): Promise<unknown> {
  const { measured } = await setUp('dcf', true);
  return measured;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const q = new URL(request.url).searchParams;
    const arch = q.get('arch') === 'hybrid' ? 'hybrid' : 'dcf';
    switch (q.get('case')) {
      case 'accuracy':
        return Response.json(await accuracy(arch));
      case 'ranking':
        return Response.json(await ranking(arch));
      case 'fallback':
        return Response.json(await ranking(arch, 1e-7));
      case 'outlier':
        return Response.json(await outlier());
      default:
        return new Response('unknown case', { status: 404 });
    }
  },
};
