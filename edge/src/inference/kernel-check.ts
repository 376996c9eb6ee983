/**
 * Decides, when a version loads, whether ranking may use the SIMD kernel: the kernel and onnxruntime-web (running
 * the graph as exported, the reference) score the same (user, movie) pairs, and the kernel is used only when
 * every rating agrees within KERNEL_TOLERANCE. Otherwise ORT ranks alone and the reason is logged and reported.
 */
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { scoreWithGraph, type Executor, type UserVector } from './ranking.ts';
import type { ServingModel } from './serving-model.ts';

/** Largest |kernel − graph| accepted on any checked rating. */
export const KERNEL_TOLERANCE = 1e-4;
/** Movies checked per user (spread evenly over the catalogue, the last one included). */
export const CHECKED_MOVIES = 509;

/** The outcome of the check, reported by /v1/models through the calibration. */
export interface KernelCheck {
  executor: Executor;
  /** (user, movie) pairs compared (0 when there is no kernel). */
  checkedPairs: number;
  /** Largest |kernel − graph| over them (null when nothing was compared). */
  maxAbsDiff: number | null;
  /** Why ranking does not use the kernel (undefined when it does). */
  problem?: string;
}

/** Evenly spread dense movie indices, first and last included; an odd count exercises the kernel's padding. */
function spreadMovies(numMovies: number, count: number): Int32Array {
  const n = Math.min(numMovies, count);
  if (n <= 1) return Int32Array.of(0).subarray(0, n);
  return Int32Array.from({ length: n }, (_, k) => Math.round((k * (numMovies - 1)) / (n - 1)));
}

/**
 * Compares the kernel with the graph for the given users (and a zero user, so there is always one).
 * @param users sample users of the version
 */
export async function checkKernel(
  model: ServingModel,
  catalog: MovieCatalog,
  users: readonly UserVector[],
): Promise<KernelCheck> {
  const { kernel } = model;
  if (kernel === undefined) {
    return { executor: 'onnxruntime', checkedPairs: 0, maxAbsDiff: null, problem: model.kernelProblem };
  }
  const movies = spreadMovies(catalog.numMovies, CHECKED_MOVIES);
  const everyone = [...users, { vec: new Float32Array(catalog.dim), bias: 0 }];
  let maxAbsDiff = 0;
  let problem: string | undefined;
  try {
    for (const user of everyone) {
      const fast = kernel.score(user.vec, user.bias, movies);
      const reference = await scoreWithGraph({ catalog, model }, user, movies);
      for (let k = 0; k < movies.length; k++) {
        const diff = Math.abs((fast[k] as number) - (reference[k] as number));
        // NaN (a broken kernel) must fail the check, so compare with !(diff <= max).
        if (!(diff <= maxAbsDiff)) maxAbsDiff = Number.isNaN(diff) ? Infinity : diff;
      }
    }
    if (maxAbsDiff > KERNEL_TOLERANCE) {
      problem = `kernel differs from the graph by up to ${maxAbsDiff.toExponential(2)} (tolerance ${KERNEL_TOLERANCE})`;
    }
  } catch (err) {
    problem = `kernel check failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  const checkedPairs = everyone.length * movies.length;
  return problem === undefined
    ? { executor: 'wasm-kernel', checkedPairs, maxAbsDiff }
    : { executor: 'onnxruntime', checkedPairs, maxAbsDiff, problem };
}
