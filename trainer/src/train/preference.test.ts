import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradient functions autodiff needs
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, fillNormal } from '../../../shared/src/kernels/prng.ts';
import { selectBackend } from '../model/backend.ts';
import { PreferenceLoss, type PreferenceBatch } from './preference.ts';

function randomBatch(B: number, S: number, d: number, seed: number, hit: boolean): PreferenceBatch {
  const rng = createRng(seed, 1);
  const normal = (n: number, std: number) => {
    const a = new Float32Array(n);
    fillNormal(a, std, rng);
    return a;
  };
  const movieIds = Int32Array.from({ length: B }, () => rng.below(50));
  const negativeIds = Int32Array.from({ length: S }, () => 50 + rng.below(50));
  // An accidental hit: a sampled movie that is row 0's own movie must not count as a negative.
  if (hit) negativeIds[1] = movieIds[0]!;
  return {
    B,
    S,
    dim: d,
    users: normal(B * d, 0.7),
    movies: normal(B * d, 0.7),
    movieIds,
    negatives: normal(S * d, 0.7),
    negativeIds,
    posBias: normal(B, 0.5),
    negBias: normal(S, 0.5),
    negCorrection: normal(S, 1),
  };
}

/** The loss written with stock tfjs ops; tf.grads gives the reference gradients. */
function autodiff(batch: PreferenceBatch, weight: number) {
  const { B, S, dim: d } = batch;
  const mask = new Float32Array(B * S);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < S; j++) {
      mask[i * S + j] =
        batch.negativeIds[j] === batch.movieIds[i] ? -1e9 : (batch.negCorrection[j] as number);
    }
  }
  const f = (
    q: tf.Tensor,
    movies: tf.Tensor,
    negatives: tf.Tensor,
    posBias: tf.Tensor,
    negBias: tf.Tensor,
  ) => {
    const pos = tf.add(tf.sum(tf.mul(q, movies), 1), posBias).reshape([B, 1]);
    const neg = tf.add(
      tf.add(tf.matMul(q as tf.Tensor2D, negatives as tf.Tensor2D, false, true), negBias),
      mask.length ? tf.tensor2d(mask, [B, S]) : 0,
    );
    const all = tf.concat([pos, neg], 1);
    const lse = tf.logSumExp(all, 1);
    return tf.mul(tf.mean(tf.sub(lse, pos.reshape([B]))), weight) as tf.Scalar;
  };
  const inputs = [
    tf.tensor2d(batch.users, [B, d]),
    tf.tensor2d(batch.movies, [B, d]),
    tf.tensor2d(batch.negatives, [S, d]),
    tf.tensor1d(batch.posBias),
    tf.tensor1d(batch.negBias),
  ];
  const { value, grads } = tf.valueAndGrads(f)(inputs);
  return { loss: value.dataSync()[0]!, grads: grads.map((g) => g.dataSync() as Float32Array) };
}

function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('PreferenceLoss (sampled softmax of the preference head)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  for (const [B, S, d, hit] of [
    [5, 7, 4, false],
    [16, 9, 8, true],
    [3, 1, 2, false],
  ] as const) {
    it(`matches tfjs autodiff: loss and every gradient (B ${B}, S ${S}, dim ${d}${hit ? ', accidental hit' : ''})`, () => {
      const batch = randomBatch(B, S, d, B * 100 + S, hit);
      const weight = 0.37;
      const ref = autodiff(batch, weight);
      const got = new PreferenceLoss(B + 2, S + 3, d).run(batch, weight);
      expect(got.loss).toBeCloseTo(ref.loss, 5);
      expect(got.loss).toBeGreaterThan(0);
      expectClose(got.dUsers.subarray(0, B * d), ref.grads[0]!, 1e-5);
      expectClose(got.dMovies.subarray(0, B * d), ref.grads[1]!, 1e-5);
      expectClose(got.dNegatives.subarray(0, S * d), ref.grads[2]!, 1e-5);
      expectClose(got.dPosBias.subarray(0, B), ref.grads[3]!, 1e-5);
      expectClose(got.dNegBias.subarray(0, S), ref.grads[4]!, 1e-5);
    });
  }

  it('a sampled movie equal to the chosen one gets no gradient from that row', () => {
    const batch = randomBatch(1, 3, 4, 9, false);
    batch.negativeIds[2] = batch.movieIds[0]!;
    const g = new PreferenceLoss(1, 3, 4).run(batch, 1);
    expect(g.dNegBias[2]).toBe(0);
    expect(Array.from(g.dNegatives.subarray(8, 12))).toEqual([0, 0, 0, 0]);
    expect(g.dNegBias[0]).toBeGreaterThan(0);
  });

  it('refuses a batch larger than its buffers', () => {
    const batch = randomBatch(4, 3, 2, 1, false);
    expect(() => new PreferenceLoss(3, 3, 2).run(batch, 1)).toThrow(/exceeds/);
  });
});
