/**
 * similar.bin: for every movie, the K most cosine-similar movies, with the shared kernels the edge and the
 * trainer's offline `similar` use (matVec over L2-normalized rows, then topK excluding the movie itself), so the
 * precomputed answer is the one a scan would give.
 */
import { matVec } from '../../../../shared/src/kernels/vectors.ts';
import { topK } from '../../../../shared/src/kernels/top-k.ts';
import type { SimilarTables } from '../../../../shared/src/formats/similar-bin.ts';

/** Default neighbours per movie. */
export const DEFAULT_SIMILAR_K = 50;

/**
 * @param norm [numMovies, dim] L2-normalized embeddings
 * @param k wanted neighbours; capped at numMovies − 1
 */
export function similarMovies(norm: Float32Array, numMovies: number, dim: number, k: number): SimilarTables {
  const kk = Math.max(0, Math.min(k, numMovies - 1));
  const indices = new Int32Array(numMovies * kk);
  const scores = new Float32Array(numMovies * kk);
  const row = new Float32Array(numMovies);
  const self = new Int32Array(1);
  for (let m = 0; m < numMovies; m++) {
    matVec(norm, numMovies, dim, norm.subarray(m * dim, (m + 1) * dim), row);
    self[0] = m;
    const best = topK(row, kk, { sorted: self });
    indices.set(best.indices, m * kk);
    scores.set(best.scores, m * kk);
  }
  return { numMovies, k: kk, indices, scores };
}
