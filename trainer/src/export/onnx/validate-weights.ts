/**
 * Consistency checks of ModelWeights before export: every array has the length its dimensions imply, layer
 * sizes chain, and the values that reach the serving graph are finite. A bad export would otherwise surface as
 * an opaque onnxruntime shape error (or NaN ratings) at the edge.
 */
import { ArtifactError } from '../../../../shared/src/errors.ts';
import type { DenseWeights, ModelWeights } from '../../model/weights.ts';

function positiveInt(source: string, field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ArtifactError(source, `${field}: expected a positive integer (got ${value})`);
  }
}

function array(source: string, field: string, a: Float32Array, length: number, what: string): void {
  if (!(a instanceof Float32Array)) {
    throw new ArtifactError(source, `${field}: expected a Float32Array (got ${typeof a})`);
  }
  if (a.length !== length) {
    throw new ArtifactError(source, `${field}: expected ${length} floats (${what}), got ${a.length}`);
  }
}

function finite(source: string, field: string, a: Float32Array): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new ArtifactError(source, `${field}[${i}]: expected a finite number (got ${a[i]})`);
    }
  }
}

function checkLayer(source: string, field: string, layer: DenseWeights, inSize: number): void {
  positiveInt(source, `${field}.outSize`, layer.outSize);
  if (layer.inSize !== inSize) {
    throw new ArtifactError(source, `${field}.inSize: expected ${inSize} (got ${layer.inSize})`);
  }
  const { outSize } = layer;
  array(source, `${field}.W`, layer.W, inSize * outSize, `inSize ${inSize} × outSize ${outSize}`);
  array(source, `${field}.b`, layer.b, outSize, 'outSize');
  finite(source, `${field}.W`, layer.W);
  finite(source, `${field}.b`, layer.b);
  const bn = layer.bn;
  if (bn === undefined) return;
  for (const key of ['gamma', 'beta', 'movingMean', 'movingVariance'] as const) {
    array(source, `${field}.bn.${key}`, bn[key], outSize, 'outSize');
    finite(source, `${field}.bn.${key}`, bn[key]);
  }
  if (!(bn.epsilon >= 0)) {
    throw new ArtifactError(source, `${field}.bn.epsilon: expected ≥ 0 (got ${bn.epsilon})`);
  }
  for (let j = 0; j < outSize; j++) {
    const v = bn.movingVariance[j] ?? 0;
    if (!(v + bn.epsilon > 0)) {
      throw new ArtifactError(
        source,
        `${field}.bn.movingVariance[${j}]: variance + epsilon must be > 0 (got ${v} + ${bn.epsilon})`,
      );
    }
  }
}

/**
 * Checks that weights are internally consistent and exportable.
 * @param source what to name in errors (e.g. the weights file of a run directory)
 * @throws ArtifactError naming the first inconsistent field, the expected and the actual value
 */
export function validateWeights(weights: ModelWeights, source = 'model weights'): void {
  if (weights.arch !== 'dcf' && weights.arch !== 'hybrid') {
    throw new ArtifactError(source, `arch: expected "dcf" or "hybrid" (got ${String(weights.arch)})`);
  }
  const { dim, numUsers, numMovies } = weights;
  positiveInt(source, 'dim', dim);
  positiveInt(source, 'numUsers', numUsers);
  positiveInt(source, 'numMovies', numMovies);
  if (!Number.isFinite(weights.mu)) {
    throw new ArtifactError(source, `mu: expected a finite number (got ${weights.mu})`);
  }
  array(source, 'userEmb', weights.userEmb, numUsers * dim, `numUsers ${numUsers} × dim ${dim}`);
  array(source, 'movieEmb', weights.movieEmb, numMovies * dim, `numMovies ${numMovies} × dim ${dim}`);
  array(source, 'userBias', weights.userBias, numUsers, 'numUsers');
  array(source, 'movieBias', weights.movieBias, numMovies, 'numMovies');
  finite(source, 'movieEmb', weights.movieEmb);
  finite(source, 'movieBias', weights.movieBias);
  let inSize = 2 * dim;
  weights.hidden.forEach((layer, k) => {
    checkLayer(source, `hidden[${k}]`, layer, inSize);
    inSize = layer.outSize;
  });
  checkLayer(source, 'out', weights.out, inSize);
  if (weights.out.outSize !== 1) {
    throw new ArtifactError(source, `out.outSize: expected 1 (got ${weights.out.outSize})`);
  }
}
