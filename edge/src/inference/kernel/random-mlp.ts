/**
 * Seeded random kernel weights of a trained model's shape, for tests and benchmarks of the kernel without the
 * trainer (edge/ may not import it): Glorot-uniform dense layers with a batch norm folded in (per-unit scales
 * 0.35–6.7 and shifts, as the trainer's random fixtures have), embeddings uniform in ±0.3, biases around mu = 3.5.
 * The first layer is split like the serving graph's: movie_pre = e_movie · W1[dim:] (+ b1), user_w1 = W1[:dim].
 */
import { mulberry32 } from '../../../../shared/src/kernels/prng.ts';
import type { MlpKernel } from './mlp-kernel.ts';
import type { MlpWeights } from './mlp-weights.ts';

/** Shape and seed of random kernel weights. */
export interface RandomMlpOptions {
  arch: 'dcf' | 'hybrid';
  numMovies: number;
  dim: number;
  /** Hidden widths, H1 first (the default model: 128, 64, 32); the output layer (width 1) is added. */
  hidden: readonly number[];
  seed: number;
}

/** Random weights for the given shape; the same options always give the same weights. */
export function randomMlpWeights(options: RandomMlpOptions): MlpWeights {
  const { arch, numMovies, dim, hidden, seed } = options;
  const rand = mulberry32(seed);
  const uniform = (n: number, lo: number, hi: number): Float32Array =>
    Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
  const h1 = hidden[0];
  if (h1 === undefined || hidden.length < 1) throw new RangeError('need at least one hidden width');
  /** Glorot-uniform [inSize, outSize] with a folded batch norm: column scales and a shifted bias. */
  const dense = (inSize: number, outSize: number, bn: boolean): { W: Float32Array; b: Float32Array } => {
    const limit = Math.sqrt(6 / (inSize + outSize));
    const W = uniform(inSize * outSize, -limit, limit);
    const b = uniform(outSize, -0.1, 0.1);
    if (bn) {
      for (let o = 0; o < outSize; o++) {
        const s = (0.5 + rand()) / Math.sqrt(0.05 + 1.95 * rand());
        const shift = -0.3 + 0.6 * rand() - s * (-0.5 + rand());
        for (let i = 0; i < inSize; i++) W[i * outSize + o] = (W[i * outSize + o] as number) * s;
        b[o] = (b[o] as number) * s + shift;
      }
    }
    return { W, b };
  };
  const movieEmb = uniform(numMovies * dim, -0.3, 0.3);
  const first = dense(2 * dim, h1, true);
  const userW1 = first.W.slice(0, dim * h1);
  const moviePre = new Float32Array(numMovies * h1);
  for (let m = 0; m < numMovies; m++) {
    for (let j = 0; j < h1; j++) {
      let z = first.b[j] as number;
      for (let i = 0; i < dim; i++)
        z += (movieEmb[m * dim + i] as number) * (first.W[(dim + i) * h1 + j] as number);
      moviePre[m * h1 + j] = z;
    }
  }
  const widths = [...hidden, 1];
  const layers = widths.slice(1).map((outSize, k) => {
    const inSize = widths[k] as number;
    return { inSize, outSize, ...dense(inSize, outSize, k < widths.length - 2) };
  });
  return {
    arch,
    dim,
    numMovies,
    hidden1: h1,
    moviePre,
    movieBias: uniform(numMovies, 3, 4),
    userW1,
    layers,
    movieEmb: arch === 'hybrid' ? movieEmb : undefined,
  };
}

/** A random user: embedding uniform in ±0.3 and a bias in ±0.5. */
export function randomUser(dim: number, seed: number): { vec: Float32Array; bias: number } {
  const rand = mulberry32(seed);
  return { vec: Float32Array.from({ length: dim }, () => -0.3 + 0.6 * rand()), bias: -0.5 + rand() };
}

/**
 * The largest |approximate − exact| rating over every movie, for the random users of the given seeds (how far the
 * kernel's int8 pass is off; benchmarks and tests).
 */
export function largestApproximationError(
  kernel: Pick<MlpKernel, 'score' | 'approximate'>,
  dim: number,
  seeds: readonly number[],
): number {
  let maxDiff = 0;
  for (const seed of seeds) {
    const user = randomUser(dim, seed);
    const exact = kernel.score(user.vec, user.bias);
    const approx = kernel.approximate(user.vec, user.bias);
    for (let m = 0; m < exact.length; m++) {
      maxDiff = Math.max(maxDiff, Math.abs((exact[m] as number) - (approx[m] as number)));
    }
  }
  return maxDiff;
}
