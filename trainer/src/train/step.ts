/**
 * One optimisation step of the deep CF model: gather the batch's embedding rows in JS, run the MLP forward and
 * backward in tfjs (MlpPass), then update the MLP densely and the embedding/bias tables sparsely with AdamW.
 * Embedding tables never enter the tfjs graph, so a step costs O(batch × (dim + MLP)) whatever the table sizes.
 *
 * Loss: mean squared error over the batch, (1/B)·Σ(pred − rating)², plus, with a preference head, its weighted
 * sampled-softmax loss (preference.ts) on the same gathered embeddings.
 */
import type { ModelWeights } from '../model/weights.ts';
import type { ModelConfig } from '../model/config.ts';
import { MlpPass, type MlpGrads } from '../model/mlp-pass.ts';
import { namedArrays } from '../model/param-arrays.ts';
import { fillDropoutMask, type Rng } from '../model/random.ts';
import { adamDense, adamStep, zeroMoments, type AdamConfig, type AdamStep, type Moments } from './adam.ts';
import { SparseRowGrads, type RowGradsSnapshot } from './sparse-grad.ts';
import type { RowCounts } from '../model/cold-rows.ts';
import { accumulateFeatureGrad, addFeatureRow, type FeatureSide } from './features.ts';
import { PreferenceLoss } from './preference.ts';

/** The retrieval objective trained jointly with the ratings (preference.ts); needs `weights.pref`. */
export interface PreferenceConfig {
  /** Weight of the sampled-softmax loss against the mean squared error. */
  weight: number;
  /** Movies sampled per step, shared by the batch. */
  negatives: number;
  /**
   * `uniform`: every movie alike; `mixed`: half the draws uniform, half the movie of a random row of the batch
   * (i.e. by popularity), the harder negatives. Either way the log-Q correction keeps the estimate unbiased.
   */
  sampling: PreferenceSampling;
}

export const PREFERENCE_SAMPLING = ['mixed', 'uniform'] as const;
export type PreferenceSampling = (typeof PREFERENCE_SAMPLING)[number];

/** Regularisation and optimiser settings of a step. */
export interface OptimizerConfig {
  adam: AdamConfig;
  /** Decoupled weight decay of the MLP kernels (W of every dense layer). */
  weightDecay: number;
  /** Decoupled weight decay of embedding rows, applied to the rows a batch touches. */
  embeddingDecay: number;
  /** Decoupled weight decay of user/movie biases, applied to the rows a batch touches. */
  biasDecay: number;
  /**
   * L2 penalty (a Gaussian prior) on every user's and movie's embedding, as in ALS matrix factorisation: the
   * summed loss Σ(pred − r)² gains λ·(Σ_u |e_u|² + Σ_m |e_m|²). Spread over a row's n training ratings (λ/n per
   * use), so rows with few ratings are held closer to zero relative to their data than busy ones.
   */
  l2: number;
  /** The same prior on the user and movie biases. */
  biasL2: number;
}

/** Everything the optimiser carries from step to step (saved with a checkpoint to resume exactly). */
export interface OptimizerState {
  /** Steps taken (Adam's t). */
  t: number;
  /** Moments per trainable array name (see namedArrays) plus "mu". */
  moments: Map<string, Moments>;
}

/** Fresh optimiser state for `w`: zero moments for every trainable array. */
export function newOptimizerState(w: ModelWeights): OptimizerState {
  const moments = new Map<string, Moments>();
  for (const a of namedArrays(w)) if (a.trainable) moments.set(a.name, zeroMoments(a.array.length));
  moments.set('mu', zeroMoments(1));
  return { t: 0, moments };
}

/** The columns a step reads: dense indices and ratings of every row of the table. */
export interface RatingColumns {
  users: Int32Array;
  movies: Int32Array;
  ratings: Float32Array;
}

/** Per-batch intermediate values, exposed for tests that compare against autodiff. */
export interface StepTrace {
  grads: MlpGrads;
  /** dLoss/dpred per row, [B]. */
  dPred: Float32Array;
  userGrads: RowGradsSnapshot;
  movieGrads: RowGradsSnapshot;
  muGrad: number;
}

/** Buffers of the preference loss's inputs and of its dense gradients. */
interface PreferenceParts {
  config: PreferenceConfig;
  loss: PreferenceLoss;
  users: Float32Array;
  movies: Float32Array;
  movieIds: Int32Array;
  negatives: Float32Array;
  negativeIds: Int32Array;
  posBias: Float32Array;
  negBias: Float32Array;
  negCorrection: Float32Array;
  /** [B, dim] / [S, dim] the chosen / sampled movies' embeddings as gathered (before the gate). */
  movieE: Float32Array;
  negativeE: Float32Array;
  /** Training ratings per movie and in all: the popularity half of `mixed` sampling draws ∝ these. */
  movieCounts: Int32Array;
  totalCount: number;
  /** Gradients of the touched preference rows (pref.movieEmb) and biases (pref.movieBias). */
  grads: SparseRowGrads;
  gateGrad: Float32Array;
  /** [dim] scratch: one movie's embedding gradient, handed to its side features. */
  eGrad: Float32Array;
}

/** Real state: reusable buffers sized for `capacity` rows per batch, and the tfjs pass. */
export class TrainStep {
  private readonly pass = new MlpPass();
  /** Gathered embeddings [B, 2·dim] as they are (for the hybrid dot product and its gradient). */
  private readonly x: Float32Array;
  /** The MLP input: `x` after input dropout (the same array when there is none). */
  private readonly xIn: Float32Array;
  private readonly xT: Float32Array;
  /** Input-dropout mask [B, 2·dim], when input dropout is on. */
  private readonly inMask: Float32Array | undefined;
  private readonly masks: Float32Array[];
  private readonly dPred: Float32Array;
  private readonly userGrads: SparseRowGrads;
  private readonly movieGrads: SparseRowGrads;
  private readonly muArr = new Float32Array(1);
  /**
   * Added to every gathered user embedding when set ([numUsers, dim]): the implicit-feedback part of the user
   * representation (see implicit.ts), recomputed by the loop each epoch. Gradients reach only the free part.
   */
  userOffset: Float32Array | undefined = undefined;
  /**
   * Side features added to every gathered user / movie embedding when set (see features.ts); their rows are
   * trained densely with AdamW (moments "features.user" / "features.movie"), without the L2 prior.
   */
  userFeatures: FeatureSide | undefined = undefined;
  movieFeatures: FeatureSide | undefined = undefined;
  /**
   * [numUsers, dim] Σ r over each user's training movies / (n + κ), refreshed by the loop each epoch (a
   * stop-gradient, like userOffset): the history part of the preference's user vector, times pref.history.
   */
  prefHistory: Float32Array | undefined = undefined;
  /** One row's embedding gradients [2·dim] (user, movie), handed to the feature rows. */
  private readonly rowGrad: Float32Array;
  /** 1 / training ratings per user and movie (the L2 prior is spread over a row's uses). */
  private readonly invUserCount: Float32Array;
  private readonly invMovieCount: Float32Array;
  private readonly muGradArr = new Float32Array(1);
  private readonly preference: PreferenceParts | undefined;

  constructor(
    readonly weights: ModelWeights,
    readonly config: ModelConfig,
    readonly optimizer: OptimizerConfig,
    readonly state: OptimizerState,
    readonly capacity: number,
    counts?: RowCounts,
    preference?: PreferenceConfig,
  ) {
    if ((optimizer.l2 > 0 || optimizer.biasL2 > 0) && counts === undefined) {
      throw new RangeError('TrainStep: the L2 prior needs the training-row counts per user and movie');
    }
    const inverse = (c: Int32Array) => Float32Array.from(c, (n) => (n > 0 ? 1 / n : 0));
    this.invUserCount = counts ? inverse(counts.users) : new Float32Array(0);
    this.invMovieCount = counts ? inverse(counts.movies) : new Float32Array(0);
    const inSize = 2 * weights.dim;
    this.x = new Float32Array(capacity * inSize);
    this.xT = new Float32Array(capacity * inSize);
    this.inMask = config.inputDropout > 0 ? new Float32Array(capacity * inSize) : undefined;
    this.xIn = this.inMask ? new Float32Array(capacity * inSize) : this.x;
    this.masks = config.dropout > 0 ? weights.hidden.map((l) => new Float32Array(capacity * l.outSize)) : [];
    this.dPred = new Float32Array(capacity);
    this.rowGrad = new Float32Array(2 * weights.dim);
    this.userGrads = new SparseRowGrads(weights.numUsers, weights.dim, capacity);
    const samples = preference ? preference.negatives : 0;
    this.movieGrads = new SparseRowGrads(weights.numMovies, weights.dim, capacity + samples);
    if (preference && preference.weight > 0) {
      if (weights.pref === undefined)
        throw new RangeError('TrainStep: the preference loss needs weights.pref');
      const d = weights.dim;
      this.preference = {
        config: preference,
        loss: new PreferenceLoss(capacity, samples, d),
        users: new Float32Array(capacity * d),
        movies: new Float32Array(capacity * d),
        movieIds: new Int32Array(capacity),
        negatives: new Float32Array(samples * d),
        negativeIds: new Int32Array(samples),
        posBias: new Float32Array(capacity),
        negBias: new Float32Array(samples),
        negCorrection: new Float32Array(samples),
        movieE: new Float32Array(capacity * d),
        negativeE: new Float32Array(samples * d),
        movieCounts: counts?.movies ?? new Int32Array(weights.numMovies).fill(1),
        totalCount: (counts?.movies ?? new Int32Array(weights.numMovies).fill(1)).reduce((a, b) => a + b, 0),
        grads: new SparseRowGrads(weights.numMovies, d, capacity + samples),
        gateGrad: new Float32Array(d),
        eGrad: new Float32Array(d),
      };
    }
  }

  /**
   * Trains on rows order[start, start + B).
   * @param lr learning rate of this step
   * @param dropoutRng source of the dropout masks (unused when dropout is 0)
   * @param trace when given, receives the intermediate gradients and the update is NOT applied
   * @param negativeRng source of the preference loss's sampled movies (required with a preference head)
   * @returns the batch's mean squared error (the data term, without priors; the preference loss is not included);
   *   when it or the preference loss is not finite, nothing is updated and the non-finite value is returned
   * @throws RangeError when B exceeds the capacity or the rows run past `order`
   */
  run(
    cols: RatingColumns,
    order: Int32Array,
    start: number,
    B: number,
    lr: number,
    dropoutRng: Rng,
    trace?: (t: StepTrace) => void,
    negativeRng?: Rng,
  ): number {
    if (B < 1 || B > this.capacity || start + B > order.length) {
      throw new RangeError(
        `TrainStep.run: batch [${start}, ${start + B}) does not fit capacity ${this.capacity}`,
      );
    }
    const w = this.weights;
    const d = w.dim;
    const inSize = 2 * d;
    const { x, xIn, xT, inMask } = this;
    const { users, movies, ratings } = cols;
    const { userEmb, movieEmb } = w;
    const { userOffset: offset, userFeatures, movieFeatures } = this;
    for (let i = 0; i < B; i++) {
      const row = order[start + i]!;
      const u = users[row]! * d;
      const m = movies[row]! * d;
      const base = i * inSize;
      for (let k = 0; k < d; k++) {
        x[base + k] = offset ? userEmb[u + k]! + offset[u + k]! : userEmb[u + k]!;
        x[base + d + k] = movieEmb[m + k]!;
      }
      if (userFeatures) addFeatureRow(userFeatures, users[row]!, x, base);
      if (movieFeatures) addFeatureRow(movieFeatures, movies[row]!, x, base + d);
    }
    if (inMask) {
      const n = B * inSize;
      fillDropoutMask(inMask.subarray(0, n), this.config.inputDropout, dropoutRng);
      for (let j = 0; j < n; j++) xIn[j] = x[j]! * inMask[j]!;
    }
    for (let k = 0; k < inSize; k++) {
      const o = k * B;
      for (let i = 0; i < B; i++) xT[o + i] = xIn[i * inSize + k]!;
    }
    let masks: Float32Array[] | undefined;
    if (this.masks.length > 0) {
      masks = this.masks.map((buf, l) => {
        const mask = buf.subarray(0, B * w.hidden[l]!.outSize);
        fillDropoutMask(mask, this.config.dropout, dropoutRng);
        return mask;
      });
    }
    const { out, stats } = this.pass.forward(
      w,
      xIn.subarray(0, B * inSize),
      xT.subarray(0, B * inSize),
      B,
      masks,
    );

    const hybrid = w.arch === 'hybrid';
    const dPred = this.dPred.subarray(0, B);
    let sse = 0;
    for (let i = 0; i < B; i++) {
      const row = order[start + i]!;
      let pred = w.mu + w.userBias[users[row]!]! + w.movieBias[movies[row]!]! + out[i]!;
      if (hybrid) {
        const base = i * inSize;
        let dot = 0;
        for (let k = 0; k < d; k++) dot += x[base + k]! * x[base + d + k]!;
        pred += dot;
      }
      const err = pred - ratings[row]!;
      sse += err * err;
      dPred[i] = (2 * err) / B;
    }
    const loss = sse / B;
    if (!Number.isFinite(loss)) {
      this.pass.backward(dPred); // frees the forward pass's tensors
      return loss;
    }
    const grads = this.pass.backward(dPred);
    const muGrad = this.accumulateTableGrads(cols, order, start, B, grads.dX, dPred);
    const prefLoss = this.preference ? this.accumulatePreference(cols, order, start, B, negativeRng) : 0;
    if (!Number.isFinite(prefLoss)) {
      this.userGrads.clear();
      this.movieGrads.clear();
      this.userFeatures?.grad.fill(0);
      this.movieFeatures?.grad.fill(0);
      this.preference?.grads.clear();
      return prefLoss;
    }
    if (trace) {
      trace({
        grads,
        dPred,
        userGrads: this.userGrads.snapshot(),
        movieGrads: this.movieGrads.snapshot(),
        muGrad,
      });
      this.userGrads.clear();
      this.movieGrads.clear();
      this.userFeatures?.grad.fill(0);
      this.movieFeatures?.grad.fill(0);
      this.preference?.grads.clear();
      return loss;
    }
    this.state.t += 1;
    const step = adamStep(this.optimizer.adam, lr, this.state.t);
    this.applyDense(step, grads, muGrad);
    this.applyPreference(step);
    this.updateMovingStats(stats);
    const { adam, embeddingDecay, biasDecay } = this.optimizer;
    const mom = (name: string) => this.state.moments.get(name)!;
    this.userGrads.applyAdam(
      adam,
      step,
      w.userEmb,
      mom('userEmb'),
      embeddingDecay,
      w.userBias,
      mom('userBias'),
      biasDecay,
    );
    this.movieGrads.applyAdam(
      adam,
      step,
      w.movieEmb,
      mom('movieEmb'),
      embeddingDecay,
      w.movieBias,
      mom('movieBias'),
      biasDecay,
    );
    this.applyFeatures(step, 'features.user', this.userFeatures);
    this.applyFeatures(step, 'features.movie', this.movieFeatures);
    return loss;
  }

  /**
   * Adds the preference loss's gradients (preference.ts) to the batch's gradients. A movie's preference vector is
   * r = gate ⊙ e + f (e its embedding as gathered, side features included; f its preference-only row), so dLoss/dr
   * reaches e (and its side features) through the gate, f directly, and the gate through e; the user rows get
   * dLoss/du. f and the preference biases are updated sparsely (prefGrads), the gate densely.
   * @returns the weighted preference loss
   */
  private accumulatePreference(
    cols: RatingColumns,
    order: Int32Array,
    start: number,
    B: number,
    rng: Rng | undefined,
  ): number {
    const p = this.preference!;
    const pref = this.weights.pref!;
    if (rng === undefined) throw new RangeError('TrainStep.run: the preference loss needs a negativeRng');
    const w = this.weights;
    const d = w.dim;
    const inSize = 2 * d;
    const S = p.config.negatives;
    const { x, movieFeatures, userFeatures } = this;
    const { gate } = pref;
    const fTable = pref.movieEmb;
    const hist = this.prefHistory;
    const h = pref.history[0]!;
    // Gathered movie embeddings (e) of the chosen and the sampled movies, and their preference vectors r.
    for (let i = 0; i < B; i++) {
      const m = cols.movies[order[start + i]!]!;
      p.movieIds[i] = m;
      p.posBias[i] = pref.movieBias[m]!;
      const base = i * inSize;
      const ho = cols.users[order[start + i]!]! * d;
      for (let k = 0; k < d; k++) {
        const e = x[base + d + k]!;
        p.users[i * d + k] = hist ? x[base + k]! + h * hist[ho + k]! : x[base + k]!;
        p.movieE[i * d + k] = e;
        p.movies[i * d + k] = gate[k]! * e + fTable[m * d + k]!;
      }
    }
    const M = w.numMovies;
    const mixed = p.config.sampling === 'mixed';
    for (let j = 0; j < S; j++) {
      const n = mixed && rng.below(2) === 1 ? cols.movies[order[start + rng.below(B)]!]! : rng.below(M);
      // The chance of one draw being n; a batch row's movie is drawn ∝ its training ratings.
      const q = mixed ? 0.5 / M + (0.5 * p.movieCounts[n]!) / p.totalCount : 1 / M;
      p.negCorrection[j] = -Math.log(S * q);
      p.negativeIds[j] = n;
      p.negBias[j] = pref.movieBias[n]!;
      p.negativeE.set(w.movieEmb.subarray(n * d, (n + 1) * d), j * d);
      if (movieFeatures) addFeatureRow(movieFeatures, n, p.negativeE, j * d);
      for (let k = 0; k < d; k++) {
        p.negatives[j * d + k] = gate[k]! * p.negativeE[j * d + k]! + fTable[n * d + k]!;
      }
    }
    const g = p.loss.run(
      {
        B,
        S,
        dim: d,
        users: p.users,
        movies: p.movies,
        movieIds: p.movieIds,
        negatives: p.negatives,
        negativeIds: p.negativeIds,
        posBias: p.posBias,
        negBias: p.negBias,
        negCorrection: p.negCorrection,
      },
      p.config.weight,
    );
    if (!Number.isFinite(g.loss)) return g.loss;
    const ug = this.userGrads;
    const mg = this.movieGrads;
    const pg = p.grads;
    const { gateGrad, eGrad } = p;
    gateGrad.fill(0);
    const movieSide = (m: number, dR: Float32Array, e: Float32Array, at: number, dBias: number): void => {
      const mo = mg.slot(m) * d;
      const ps = pg.slot(m);
      const po = ps * d;
      for (let k = 0; k < d; k++) {
        const dr = dR[at + k]!;
        const de = dr * gate[k]!;
        eGrad[k] = de;
        mg.grads[mo + k] = mg.grads[mo + k]! + de;
        pg.grads[po + k] = pg.grads[po + k]! + dr;
        gateGrad[k] = gateGrad[k]! + dr * e[at + k]!;
      }
      pg.biasGrads[ps] = pg.biasGrads[ps]! + dBias;
      if (movieFeatures) accumulateFeatureGrad(movieFeatures, m, eGrad, 0);
    };
    for (let i = 0; i < B; i++) {
      const u = cols.users[order[start + i]!]!;
      const uo = ug.slot(u) * d;
      for (let k = 0; k < d; k++) ug.grads[uo + k] = ug.grads[uo + k]! + g.dUsers[i * d + k]!;
      if (userFeatures) accumulateFeatureGrad(userFeatures, u, g.dUsers, i * d);
      movieSide(p.movieIds[i]!, g.dMovies, p.movieE, i * d, g.dPosBias[i]!);
    }
    for (let j = 0; j < S; j++)
      movieSide(p.negativeIds[j]!, g.dNegatives, p.negativeE, j * d, g.dNegBias[j]!);
    return g.loss;
  }

  /** Adam on the preference head: the gate densely, the touched preference rows and biases sparsely. */
  private applyPreference(step: AdamStep): void {
    const p = this.preference;
    const pref = this.weights.pref;
    if (p === undefined || pref === undefined) return;
    const mom = (name: string) => this.state.moments.get(name)!;
    adamDense(this.optimizer.adam, step, 0, pref.gate, mom('pref.gate'), p.gateGrad);
    p.grads.applyAdam(
      this.optimizer.adam,
      step,
      pref.movieEmb,
      mom('pref.movieEmb'),
      0,
      pref.movieBias,
      mom('pref.movieBias'),
      0,
    );
  }

  /** Dense AdamW (no decay) on a feature table, then clears its gradient. */
  private applyFeatures(step: AdamStep, name: string, side: FeatureSide | undefined): void {
    if (side === undefined) return;
    let mom = this.state.moments.get(name);
    if (mom === undefined || mom.m.length !== side.table.length) {
      mom = zeroMoments(side.table.length);
      this.state.moments.set(name, mom);
    }
    adamDense(this.optimizer.adam, step, 0, side.table, mom, side.grad);
    side.grad.fill(0);
  }

  /** Sums the per-row gradients of the embeddings (MLP input + hybrid dot) and biases; returns dLoss/dmu. */
  private accumulateTableGrads(
    cols: RatingColumns,
    order: Int32Array,
    start: number,
    B: number,
    dX: Float32Array,
    dPred: Float32Array,
  ): number {
    const w = this.weights;
    const d = w.dim;
    const inSize = 2 * d;
    const hybrid = w.arch === 'hybrid';
    const { x } = this;
    const ug = this.userGrads;
    const mg = this.movieGrads;
    // Per use of a row with n training ratings the prior's gradient is 2λ·p / (n·B): summed over an epoch of
    // mean-over-batch losses it equals the gradient of λ·|p|² / N, N the number of training ratings.
    const l2 = (2 * this.optimizer.l2) / B;
    const bl2 = (2 * this.optimizer.biasL2) / B;
    const { invUserCount, invMovieCount, userFeatures, movieFeatures, rowGrad } = this;
    const w2 = this.weights;
    let muGrad = 0;
    for (let i = 0; i < B; i++) {
      const row = order[start + i]!;
      const g = dPred[i]!;
      muGrad += g;
      const u = cols.users[row]!;
      const m = cols.movies[row]!;
      const us = ug.slot(u);
      const ms = mg.slot(m);
      const lu = l2 > 0 ? l2 * invUserCount[u]! : 0;
      const lm = l2 > 0 ? l2 * invMovieCount[m]! : 0;
      ug.biasGrads[us] = ug.biasGrads[us]! + g + (bl2 > 0 ? bl2 * invUserCount[u]! * w2.userBias[u]! : 0);
      mg.biasGrads[ms] = mg.biasGrads[ms]! + g + (bl2 > 0 ? bl2 * invMovieCount[m]! * w2.movieBias[m]! : 0);
      const base = i * inSize;
      const uo = us * d;
      const mo = ms * d;
      const uRow = u * d;
      const mRow = m * d;
      // d(e_u · e_m)/de_u = e_m and vice versa, with the embeddings as gathered (before this step's update).
      const gDot = hybrid ? g : 0;
      const mask = this.inMask;
      for (let k = 0; k < d; k++) {
        const eu = x[base + k]!;
        const em = x[base + d + k]!;
        // Input dropout: the MLP saw e·mask, so its gradient reaches e through the mask.
        const du = (mask ? dX[base + k]! * mask[base + k]! : dX[base + k]!) + gDot * em;
        const dm = (mask ? dX[base + d + k]! * mask[base + d + k]! : dX[base + d + k]!) + gDot * eu;
        // The prior holds the free rows (without implicit offsets and side features) near zero.
        ug.grads[uo + k] = ug.grads[uo + k]! + du + lu * w2.userEmb[uRow + k]!;
        mg.grads[mo + k] = mg.grads[mo + k]! + dm + lm * w2.movieEmb[mRow + k]!;
        rowGrad[k] = du;
        rowGrad[d + k] = dm;
      }
      if (userFeatures) accumulateFeatureGrad(userFeatures, u, rowGrad, 0);
      if (movieFeatures) accumulateFeatureGrad(movieFeatures, m, rowGrad, d);
    }
    return muGrad;
  }

  private applyDense(step: AdamStep, grads: MlpGrads, muGrad: number): void {
    const { adam, weightDecay } = this.optimizer;
    const w = this.weights;
    const mom = (name: string) => this.state.moments.get(name)!;
    w.hidden.forEach((layer, l) => {
      const g = grads.hidden[l]!;
      adamDense(adam, step, weightDecay, layer.W, mom(`hidden.${l}.W`), g.dW);
      if (layer.bn && g.dGamma && g.dBeta) {
        adamDense(adam, step, 0, layer.bn.gamma, mom(`hidden.${l}.gamma`), g.dGamma);
        adamDense(adam, step, 0, layer.bn.beta, mom(`hidden.${l}.beta`), g.dBeta);
      } else {
        adamDense(adam, step, 0, layer.b, mom(`hidden.${l}.b`), g.db);
      }
    });
    adamDense(adam, step, weightDecay, w.out.W, mom('out.W'), grads.out.dW);
    adamDense(adam, step, 0, w.out.b, mom('out.b'), grads.out.db);
    this.muArr[0] = w.mu;
    this.muGradArr[0] = muGrad;
    adamDense(adam, step, 0, this.muArr, mom('mu'), this.muGradArr);
    w.mu = this.muArr[0]!;
  }

  private updateMovingStats(stats: ({ mean: Float32Array; variance: Float32Array } | undefined)[]): void {
    const momentum = this.config.bnMomentum;
    this.weights.hidden.forEach((layer, l) => {
      const s = stats[l];
      if (!layer.bn || !s) return;
      const { movingMean, movingVariance } = layer.bn;
      for (let j = 0; j < layer.outSize; j++) {
        movingMean[j] = momentum * movingMean[j]! + (1 - momentum) * s.mean[j]!;
        movingVariance[j] = momentum * movingVariance[j]! + (1 - momentum) * s.variance[j]!;
      }
    });
  }

  /** Frees the tfjs tensors held by this step. */
  dispose(): void {
    this.pass.dispose();
  }
}
