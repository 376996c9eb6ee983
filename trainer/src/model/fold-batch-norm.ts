/**
 * Batch-norm folding: at inference batch norm is an affine map per output unit, so it merges into the dense
 * layer before it. With s = gamma / sqrt(movingVariance + epsilon):
 *   bn(x·W + b) = x·(W·diag(s)) + ((b - movingMean)·s + beta)
 */
import type { DenseWeights } from './weights.ts';

/**
 * The same dense layer with its batch norm folded in (or an unchanged copy when it has none). Arithmetic is in
 * float64 and rounded once to float32.
 * @returns a new layer without `bn`; W is [inSize, outSize] row-major, b is [outSize]
 */
export function foldBatchNorm(layer: DenseWeights): DenseWeights {
  const { inSize, outSize, bn } = layer;
  if (bn === undefined) return { inSize, outSize, W: layer.W.slice(), b: layer.b.slice() };
  const scale = new Float64Array(outSize);
  const b = new Float32Array(outSize);
  for (let j = 0; j < outSize; j++) {
    const s = (bn.gamma[j] ?? 1) / Math.sqrt((bn.movingVariance[j] ?? 1) + bn.epsilon);
    scale[j] = s;
    b[j] = ((layer.b[j] ?? 0) - (bn.movingMean[j] ?? 0)) * s + (bn.beta[j] ?? 0);
  }
  const W = new Float32Array(inSize * outSize);
  for (let i = 0; i < inSize; i++) {
    for (let j = 0; j < outSize; j++) W[i * outSize + j] = (layer.W[i * outSize + j] ?? 0) * (scale[j] ?? 1);
  }
  return { inSize, outSize, W, b };
}
