/**
 * Seeded random ModelWeights for tests and measurements of the export: Glorot-scaled dense layers and batch
 * norm with non-trivial statistics (means off zero, variances away from one), so that folding mistakes show.
 */
import { mulberry32, randomFloats } from '../shared/src/kernels/prng.ts';
import type { Arch, DenseWeights, ModelWeights } from '../trainer/src/model/weights.ts';

// Re-exported for the fixtures that seed their other random choices alongside the weights.
export { mulberry32 };

export interface RandomWeightsOptions {
  arch: Arch;
  numUsers: number;
  numMovies: number;
  dim: number;
  /** Hidden layer widths (the contract's default is 128, 64, 32). */
  hidden: readonly number[];
  seed: number;
  /** Whether hidden layers carry batch norm (default true). */
  batchNorm?: boolean;
}

/** Weights drawn with the given seed; the same options always give the same weights. */
export function randomWeights(options: RandomWeightsOptions): ModelWeights {
  const rand = mulberry32(options.seed);
  const uniform = (n: number, lo: number, hi: number): Float32Array => randomFloats(rand, n, lo, hi);
  const { dim, numUsers, numMovies } = options;
  const dense = (inSize: number, outSize: number, bn: boolean): DenseWeights => {
    const limit = Math.sqrt(6 / (inSize + outSize));
    const layer: DenseWeights = {
      inSize,
      outSize,
      W: uniform(inSize * outSize, -limit, limit),
      b: uniform(outSize, -0.1, 0.1),
    };
    if (bn) {
      layer.bn = {
        gamma: uniform(outSize, 0.5, 1.5),
        beta: uniform(outSize, -0.3, 0.3),
        movingMean: uniform(outSize, -0.5, 0.5),
        movingVariance: uniform(outSize, 0.05, 2),
        epsilon: 1e-3,
      };
    }
    return layer;
  };
  let inSize = 2 * dim;
  const hidden = options.hidden.map((outSize) => {
    const layer = dense(inSize, outSize, options.batchNorm ?? true);
    inSize = outSize;
    return layer;
  });
  return {
    arch: options.arch,
    dim,
    numUsers,
    numMovies,
    mu: 3.5,
    userEmb: uniform(numUsers * dim, -0.3, 0.3),
    movieEmb: uniform(numMovies * dim, -0.3, 0.3),
    userBias: uniform(numUsers, -0.5, 0.5),
    movieBias: uniform(numMovies, -0.5, 0.5),
    hidden,
    out: dense(inSize, 1, false),
  };
}
