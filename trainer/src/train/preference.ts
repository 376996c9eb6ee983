/**
 * The retrieval objective of the preference head (model/weights.ts PreferenceWeights): for every training rating
 * (u, m) of a batch, "u chose m" against S sampled movies shared by the whole batch (sampled softmax; each sampled
 * logit carries the sampling correction c_j = −log(S·Q(n_j)), so the sample stands for the whole catalogue). A
 * sampled movie equal to the row's own movie is masked out (an accidental hit).
 *
 *   pref(u, m) = u · r_m + p_m      (r_m: the movie's preference vector, model/weights.ts PreferenceWeights)
 *   loss = weight · (1/B) Σ_i [ logsumexp(pref(u_i, m_i), pref(u_i, n_1..S) + c) − pref(u_i, m_i) ]
 *
 * Cost per step: three [B, d]·[d, S]-sized matrix products in tfjs (plain matMuls: transposes are built in JS,
 * since a transposed matMul is ~10× slower on the wasm backend), plus O(B·S + B·d) in JS — O(batch × dim) for a
 * fixed S, whatever the catalogue size. The sampled rows' gradients go through the same sparse Adam as the batch's.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The inputs of one batch: gathered vectors as the model sees them (side features and implicit part included). */
export interface PreferenceBatch {
  /** Batch rows. */
  B: number;
  /** Sampled movies. */
  S: number;
  dim: number;
  /** [B, dim] user vectors. */
  users: Float32Array;
  /** [B, dim] chosen movies' preference vectors r. */
  movies: Float32Array;
  /** [B] the chosen movies' indices (for the accidental-hit mask). */
  movieIds: Int32Array;
  /** [S, dim] sampled movies' preference vectors r. */
  negatives: Float32Array;
  /** [S] the sampled movies' indices. */
  negativeIds: Int32Array;
  /** [B] p of the chosen movies. */
  posBias: Float32Array;
  /** [S] p of the sampled movies. */
  negBias: Float32Array;
  /**
   * [S] the sampling correction −log(S·Q(n_j)) added to each sampled movie's logit, Q the probability that one draw
   * is n_j: with it, the sum over the sample estimates the sum over the whole catalogue (Bengio & Senécal 2008;
   * the log-Q correction of Yi et al. 2019). Not part of the score, so it has no gradient.
   */
  negCorrection: Float32Array;
}

/** Gradients of weight · loss (the views are reused by the next call). */
export interface PreferenceGrads {
  loss: number;
  /** [B, dim] d/d users. */
  dUsers: Float32Array;
  /** [B, dim] d/d movies. */
  dMovies: Float32Array;
  /** [S, dim] d/d negatives. */
  dNegatives: Float32Array;
  /** [B] d/d posBias. */
  dPosBias: Float32Array;
  /** [S] d/d negBias. */
  dNegBias: Float32Array;
}

/** Reusable buffers for batches of at most `capacity` rows and `samples` sampled movies. */
export class PreferenceLoss {
  private readonly nT: Float32Array;
  private readonly gT: Float32Array;
  private readonly probs: Float32Array;
  private readonly gPos: Float32Array;
  private readonly out: PreferenceGrads;

  constructor(
    readonly capacity: number,
    readonly samples: number,
    readonly dim: number,
  ) {
    const d = dim;
    this.nT = new Float32Array(samples * d);
    this.gT = new Float32Array(samples * capacity);
    this.probs = new Float32Array(capacity * samples);
    this.gPos = new Float32Array(capacity);
    this.out = {
      loss: 0,
      dUsers: new Float32Array(capacity * d),
      dMovies: new Float32Array(capacity * d),
      dNegatives: new Float32Array(samples * d),
      dPosBias: new Float32Array(capacity),
      dNegBias: new Float32Array(samples),
    };
  }

  /**
   * Loss and gradients of `weight` × the mean sampled-softmax loss of the batch.
   * @throws RangeError when the batch exceeds the buffers
   */
  run(batch: PreferenceBatch, weight: number): PreferenceGrads {
    const { B, S, dim: d } = batch;
    if (B > this.capacity || S > this.samples || d !== this.dim) {
      throw new RangeError(
        `PreferenceLoss.run: batch ${B} × ${S} samples × ${d} dims exceeds ${this.capacity} × ${this.samples} × ${this.dim}`,
      );
    }
    const { users: q, movies, movieIds, negatives, negativeIds, posBias, negBias, negCorrection } = batch;
    const { nT, gT, probs, gPos } = this;
    const { dUsers, dMovies, dNegatives, dPosBias, dNegBias } = this.out;
    for (let j = 0; j < S; j++) for (let k = 0; k < d; k++) nT[k * S + j] = negatives[j * d + k]!;
    // Q is uploaded once and serves the forward product and dN = Gᵀ·Q.
    const Q = tf.tensor2d(q.subarray(0, B * d), [B, d]);
    const logits = tf.tidy(() => tf.matMul(Q, tf.tensor2d(nT.subarray(0, S * d), [d, S])));
    const scores = logits.dataSync() as Float32Array;
    logits.dispose();

    // Softmax over [positive, S samples] per row; G (probs, [B, S]) and its transpose gT are the gradients of the
    // weighted mean loss with respect to the sampled logits, gPos with respect to the positive one. One pass
    // computes the exponentials, a second scales them and writes both layouts and the sampled movies' bias grads.
    const scale = weight / B;
    let lossSum = 0;
    dNegBias.fill(0, 0, S);
    for (let i = 0; i < B; i++) {
      let pos = posBias[i]!;
      const qi = i * d;
      for (let k = 0; k < d; k++) pos += q[qi + k]! * movies[qi + k]!;
      const own = movieIds[i]!;
      const row = i * S;
      let max = pos;
      for (let j = 0; j < S; j++) {
        const s = negativeIds[j] === own ? -Infinity : scores[row + j]! + negBias[j]! + negCorrection[j]!;
        probs[row + j] = s;
        if (s > max) max = s;
      }
      const ePos = Math.exp(pos - max);
      let sum = ePos;
      for (let j = 0; j < S; j++) {
        const e = Math.exp(probs[row + j]! - max);
        probs[row + j] = e;
        sum += e;
      }
      lossSum += max + Math.log(sum) - pos;
      const inv = scale / sum;
      gPos[i] = ePos * inv - scale;
      for (let j = 0; j < S; j++) {
        const g = probs[row + j]! * inv;
        probs[row + j] = g;
        gT[j * B + i] = g;
        dNegBias[j] = dNegBias[j]! + g;
      }
    }
    const loss = (weight * lossSum) / B;

    // dQ = gPos_i · M_i + G · N;  dN = Gᵀ · Q.
    const [gn, gtq] = tf.tidy(() => {
      const G = tf.tensor2d(probs.subarray(0, B * S), [B, S]);
      const N = tf.tensor2d(negatives.subarray(0, S * d), [S, d]);
      const GT = tf.tensor2d(gT.subarray(0, S * B), [S, B]);
      return [tf.matMul(G, N), tf.matMul(GT, Q)];
    });
    Q.dispose();
    const gnData = gn.dataSync() as Float32Array;
    dNegatives.set((gtq.dataSync() as Float32Array).subarray(0, S * d));
    gn.dispose();
    gtq.dispose();

    for (let i = 0; i < B; i++) {
      const gp = gPos[i]!;
      dPosBias[i] = gp;
      for (let k = 0; k < d; k++) {
        const at = i * d + k;
        dUsers[at] = gp * movies[at]! + gnData[at]!;
        dMovies[at] = gp * q[at]!;
      }
    }
    this.out.loss = loss;
    return this.out;
  }
}
