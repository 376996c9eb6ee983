/**
 * The reference forward pass of the model in plain TypeScript (inference mode: no dropout, batch norm with its
 * moving statistics). It is the executable form of the contract in weights.ts: tfjs training, the ONNX export
 * and the edge are all checked against it. Deliberately simple and unoptimised.
 */
import type { DenseWeights, ModelWeights } from './weights.ts';

function dense(layer: DenseWeights, x: Float32Array, relu: boolean): Float32Array {
  const { inSize, outSize, W, b, bn } = layer;
  const y = new Float32Array(outSize);
  for (let j = 0; j < outSize; j++) {
    let s = b[j] ?? 0;
    for (let i = 0; i < inSize; i++) s += (x[i] ?? 0) * (W[i * outSize + j] ?? 0);
    if (bn) {
      const g = bn.gamma[j] ?? 1;
      const mean = bn.movingMean[j] ?? 0;
      const variance = bn.movingVariance[j] ?? 1;
      s = ((s - mean) / Math.sqrt(variance + bn.epsilon)) * g + (bn.beta[j] ?? 0);
    }
    y[j] = relu && s < 0 ? 0 : s;
  }
  return y;
}

/**
 * Predicted ratings for aligned (user, movie) pairs of dense indices. Not clipped to the rating scale.
 * @param users dense user indices, length n
 * @param movies dense movie indices, length n
 * @returns Float32Array of length n
 * @throws RangeError when the arrays differ in length or an index is out of range
 */
export function predictReference(weights: ModelWeights, users: Int32Array, movies: Int32Array): Float32Array {
  if (users.length !== movies.length) {
    throw new RangeError(
      `users and movies must have the same length (got ${users.length} and ${movies.length})`,
    );
  }
  const { dim } = weights;
  const out = new Float32Array(users.length);
  const x = new Float32Array(2 * dim);
  for (let p = 0; p < users.length; p++) {
    const u = users[p] ?? -1;
    const m = movies[p] ?? -1;
    if (u < 0 || u >= weights.numUsers)
      throw new RangeError(`user index ${u} out of range [0, ${weights.numUsers})`);
    if (m < 0 || m >= weights.numMovies)
      throw new RangeError(`movie index ${m} out of range [0, ${weights.numMovies})`);
    const eu = weights.userEmb.subarray(u * dim, (u + 1) * dim);
    const em = weights.movieEmb.subarray(m * dim, (m + 1) * dim);
    x.set(eu, 0);
    x.set(em, dim);
    let h: Float32Array = x;
    for (const layer of weights.hidden) h = dense(layer, h, true);
    let r =
      (dense(weights.out, h, false)[0] ?? 0) +
      weights.mu +
      (weights.userBias[u] ?? 0) +
      (weights.movieBias[m] ?? 0);
    if (weights.arch === 'hybrid') {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += (eu[i] ?? 0) * (em[i] ?? 0);
      r += dot;
    }
    out[p] = r;
  }
  return out;
}
