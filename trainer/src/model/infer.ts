/**
 * Inference with tfjs (dropout off, batch norm with its moving statistics folded into the dense layers): the
 * fast path for validation and test metrics during training. Equal to `predictReference` up to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { foldBatchNorm } from './fold-batch-norm.ts';
import type { ModelWeights } from './weights.ts';

/** Rows per tfjs call: large enough to amortise per-op overhead, small enough to stay in cache. */
export const PREDICT_CHUNK = 4096;

/**
 * Predicted ratings for aligned (user, movie) pairs of dense indices, not clipped. Uses the current tfjs backend.
 * @param users dense user indices, length n
 * @param movies dense movie indices, length n
 * @returns Float32Array of length n
 * @throws RangeError when the arrays differ in length or an index is out of range
 */
export function predictTf(
  weights: ModelWeights,
  users: Int32Array,
  movies: Int32Array,
  chunk = PREDICT_CHUNK,
): Float32Array {
  if (users.length !== movies.length) {
    throw new RangeError(
      `users and movies must have the same length (got ${users.length} and ${movies.length})`,
    );
  }
  const { dim, numUsers, numMovies } = weights;
  const inSize = 2 * dim;
  const layers = [...weights.hidden.map(foldBatchNorm), weights.out];
  const n = users.length;
  const out = new Float32Array(n);
  const x = new Float32Array(Math.min(chunk, n) * inSize);
  const tensors = layers.map((l) => ({ W: tf.tensor2d(l.W, [l.inSize, l.outSize]), b: tf.tensor1d(l.b) }));
  try {
    for (let start = 0; start < n; start += chunk) {
      const B = Math.min(chunk, n - start);
      for (let i = 0; i < B; i++) {
        const u = users[start + i]!;
        const m = movies[start + i]!;
        if (!(u >= 0 && u < numUsers)) throw new RangeError(`user index ${u} out of range [0, ${numUsers})`);
        if (!(m >= 0 && m < numMovies))
          throw new RangeError(`movie index ${m} out of range [0, ${numMovies})`);
        x.set(weights.userEmb.subarray(u * dim, (u + 1) * dim), i * inSize);
        x.set(weights.movieEmb.subarray(m * dim, (m + 1) * dim), i * inSize + dim);
      }
      let mlp: Float32Array = new Float32Array(0);
      // Closure instead of a return value: tidy would walk a returned typed array element by element.
      tf.tidy(() => {
        let h: tf.Tensor2D = tf.tensor2d(x.subarray(0, B * inSize), [B, inSize]);
        tensors.forEach((t, l) => {
          const activation = l < tensors.length - 1 ? 'relu' : 'linear';
          h = tf.fused.matMul({ a: h, b: t.W, bias: t.b, activation }) as tf.Tensor2D;
        });
        mlp = h.dataSync() as Float32Array;
      });
      for (let i = 0; i < B; i++) {
        const u = users[start + i]!;
        const m = movies[start + i]!;
        let r = weights.mu + weights.userBias[u]! + weights.movieBias[m]! + mlp[i]!;
        if (weights.arch === 'hybrid') {
          let dot = 0;
          for (let k = 0; k < dim; k++) dot += weights.userEmb[u * dim + k]! * weights.movieEmb[m * dim + k]!;
          r += dot;
        }
        out[start + i] = r;
      }
    }
  } finally {
    for (const t of tensors) {
      t.W.dispose();
      t.b.dispose();
    }
  }
  return out;
}
