import { describe, expect, it } from 'vitest';
import { predictReference } from '../../model/reference.ts';
import type { DenseWeights, ModelWeights } from '../../model/weights.ts';
import { foldBatchNorm } from '../../model/fold-batch-norm.ts';
import { precomputeMovieSide } from './movie-side.ts';
import { randomWeights } from '../../../../tools/random-weights.ts';

/** x·W + b, then batch norm written out as in the model contract (float64). */
function unfolded(layer: DenseWeights, x: Float32Array): number[] {
  const out: number[] = [];
  for (let j = 0; j < layer.outSize; j++) {
    let s = layer.b[j] ?? 0;
    for (let i = 0; i < layer.inSize; i++) s += (x[i] ?? 0) * (layer.W[i * layer.outSize + j] ?? 0);
    const bn = layer.bn;
    if (bn) {
      const normalised = (s - (bn.movingMean[j] ?? 0)) / Math.sqrt((bn.movingVariance[j] ?? 0) + bn.epsilon);
      s = normalised * (bn.gamma[j] ?? 0) + (bn.beta[j] ?? 0);
    }
    out.push(s);
  }
  return out;
}

function affine(layer: DenseWeights, x: Float32Array): number[] {
  return unfolded({ ...layer, bn: undefined }, x);
}

/** A float64 forward pass over the precomputed movie side, mirroring the serving graph node by node. */
function forwardFromMovieSide(w: ModelWeights, u: number, m: number): number {
  const side = precomputeMovieSide(w);
  const h1 = side.hidden1;
  let h = new Float32Array(h1);
  for (let j = 0; j < h1; j++) {
    let s = side.moviePre[m * h1 + j] ?? 0;
    for (let i = 0; i < w.dim; i++) s += (w.userEmb[u * w.dim + i] ?? 0) * (side.userW1[i * h1 + j] ?? 0);
    h[j] = s;
  }
  for (const layer of side.foldedLayers)
    h = Float32Array.from(
      affine(
        layer,
        h.map((v) => Math.max(v, 0)),
      ),
    );
  let r = (h[0] ?? 0) + (side.movieBiasWithMu[m] ?? 0) + (w.userBias[u] ?? 0);
  if (w.arch === 'hybrid') {
    for (let i = 0; i < w.dim; i++) r += (w.userEmb[u * w.dim + i] ?? 0) * (w.movieEmb[m * w.dim + i] ?? 0);
  }
  return r;
}

describe('foldBatchNorm', () => {
  const w = randomWeights({ arch: 'dcf', numUsers: 3, numMovies: 3, dim: 8, hidden: [12, 6], seed: 7 });

  it('gives the same outputs as dense + batch norm for random inputs', () => {
    for (const layer of w.hidden) {
      expect(layer.bn).toBeDefined();
      const folded = foldBatchNorm(layer);
      expect(folded.bn).toBeUndefined();
      for (let trial = 0; trial < 20; trial++) {
        const x = Float32Array.from({ length: layer.inSize }, (_, i) => Math.sin(trial * 31 + i * 7));
        const want = unfolded(layer, x);
        const got = affine(folded, x);
        got.forEach((v, j) => expect(v).toBeCloseTo(want[j] ?? NaN, 5));
      }
    }
  });

  it('copies a layer without batch norm unchanged (and does not alias it)', () => {
    const folded = foldBatchNorm(w.out);
    expect(Array.from(folded.W)).toEqual(Array.from(w.out.W));
    expect(Array.from(folded.b)).toEqual(Array.from(w.out.b));
    expect(folded.W).not.toBe(w.out.W);
  });
});

describe('precomputeMovieSide', () => {
  for (const arch of ['dcf', 'hybrid'] as const) {
    it(`reproduces predictReference when composed as the serving graph does (${arch})`, () => {
      const w = randomWeights({ arch, numUsers: 6, numMovies: 9, dim: 8, hidden: [16, 8, 4], seed: 11 });
      const users = Int32Array.from({ length: 54 }, (_, k) => k % 6);
      const movies = Int32Array.from({ length: 54 }, (_, k) => Math.floor(k / 6));
      const want = predictReference(w, users, movies);
      want.forEach((r, k) =>
        expect(forwardFromMovieSide(w, users[k] ?? 0, movies[k] ?? 0)).toBeCloseTo(r, 5),
      );
    });
  }

  it('handles a model without hidden layers (the first layer is the output layer)', () => {
    const w = randomWeights({ arch: 'dcf', numUsers: 2, numMovies: 4, dim: 4, hidden: [], seed: 3 });
    const side = precomputeMovieSide(w);
    expect(side.hidden1).toBe(1);
    expect(side.foldedLayers).toEqual([]);
    const want = predictReference(w, Int32Array.from([1, 0]), Int32Array.from([3, 2]));
    expect(forwardFromMovieSide(w, 1, 3)).toBeCloseTo(want[0] ?? NaN, 5);
    expect(forwardFromMovieSide(w, 0, 2)).toBeCloseTo(want[1] ?? NaN, 5);
  });

  it('has the documented shapes', () => {
    const w = randomWeights({ arch: 'dcf', numUsers: 2, numMovies: 5, dim: 4, hidden: [6, 3], seed: 5 });
    const side = precomputeMovieSide(w);
    expect(side.moviePre).toHaveLength(5 * 6);
    expect(side.userW1).toHaveLength(4 * 6);
    expect(side.movieBiasWithMu).toHaveLength(5);
    expect(side.movieBiasWithMu[2]).toBeCloseTo(w.mu + (w.movieBias[2] ?? NaN), 6);
    expect(side.foldedLayers.map((l) => [l.inSize, l.outSize])).toEqual([
      [6, 3],
      [3, 1],
    ]);
  });
});
