/**
 * Seeded subsampling for the report's heavier analyses (silhouette, UMAP, the embedding map), so that every figure
 * is reproducible from the report seed and affordable on large catalogues.
 */
import { createRng, partialShuffle } from '../../../../shared/src/kernels/prng.ts';

/** Stream numbers (see createRng) of the report's random choices, apart from the splits' and the model's. */
export const REPORT_STREAM = { silhouette: 201, kmeans: 202, umap: 203, users: 204 } as const;

/**
 * A uniformly random subset of `size` indices from [0, n), in ascending order; all of them when n ≤ size.
 * @throws RangeError when n or size is not a whole number ≥ 0
 */
export function sampleIndices(n: number, size: number, seed: number, stream: number): Int32Array {
  if (!Number.isSafeInteger(n) || n < 0 || !Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`sampleIndices: n and size must be whole numbers >= 0 (got ${n} and ${size})`);
  }
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  partialShuffle(all, 0, n, size, createRng(seed, stream));
  return all.slice(0, size).sort();
}

/** Rows `indices` of a row-major [rows, dim] matrix, as a new [indices.length, dim] matrix. */
export function takeRows(matrix: Float32Array, dim: number, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((r, i) => out.set(matrix.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** A row-major [rows, dim] matrix as an array of plain number rows (the input format of ml-* and umap-js). */
export function toRows(matrix: Float32Array, rows: number, dim: number): number[][] {
  if (matrix.length !== rows * dim) {
    throw new RangeError(`matrix must have ${rows} × ${dim} = ${rows * dim} entries (got ${matrix.length})`);
  }
  return Array.from({ length: rows }, (_, r) => Array.from(matrix.subarray(r * dim, (r + 1) * dim)));
}
