/**
 * Plain typed-array weights of a trained model: the contract between training (tfjs), evaluation, export (ONNX)
 * and the reference forward pass. All matrices are row-major float32.
 *
 * Forward pass (inference: dropout off, batch norm with running statistics):
 *   x = concat(userEmb[u], movieEmb[m])                       (2·dim)
 *   for each hidden layer: x = relu(bn(x · W + b))             (bn is identity when absent)
 *   mlp = x · out.W + out.b                                   (scalar)
 *   rating = mu + userBias[u] + movieBias[m] + mlp (+ dot(userEmb[u], movieEmb[m]) when arch = 'hybrid')
 */

export type Arch = 'dcf' | 'hybrid';

/** Batch-norm parameters of one layer, applied to the dense output before the ReLU. */
export interface BatchNormWeights {
  gamma: Float32Array;
  beta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  epsilon: number;
}

/** One dense layer: y = x · W + b with W of shape [inSize, outSize]. */
export interface DenseWeights {
  inSize: number;
  outSize: number;
  /** [inSize, outSize] row-major. */
  W: Float32Array;
  /** [outSize]. */
  b: Float32Array;
  /** Present when the layer has batch norm (hidden layers only). */
  bn?: BatchNormWeights;
}

/**
 * The preference head (what a user would choose, as opposed to how they would rate it):
 *   pref(u, m) = q_u · r_m + movieBias[m],   r_m = gate ⊙ e_m + movieEmb[m],   q_u = e_u + history · Σ r_j / (n + 10), j rated by u
 * on the same user embedding as the rating; the movie side is the rating's movie embedding, reweighted per
 * coordinate, plus a part of its own, so choosing and liking can differ without pulling the rating's embeddings
 * apart. Trained with a sampled-softmax retrieval loss (train/preference.ts). Only differences between movies for
 * one user matter.
 */
export interface PreferenceWeights {
  /** [dim] per-coordinate weight of the rating's movie embedding in r_m. */
  gate: Float32Array;
  /** [numMovies, dim] the preference-only part of r_m. */
  movieEmb: Float32Array;
  /** [numMovies] how often a movie is chosen regardless of the user (a learned log-popularity). */
  movieBias: Float32Array;
  /**
   * [1] weight h of the user's history in the preference's user vector: q_u = e_u + h · Σ r_j / (n + 10) over the
   * n movies u rated — what a user already chose says what they choose next (the idea of FISM and of SVD++'s
   * implicit part). At serving the history is the user's rated movies (the seen list), for cold start the given
   * movies. Fixed at 1 during training (not learned).
   */
  history: Float32Array;
}

/**
 * The preference movie table r = gate ⊙ movieEmb + pref.movieEmb ([numMovies, dim]): what the two-stage scan
 * multiplies user embeddings with (shared/src/kernels/two-stage.ts) and what a version publishes as `pref_emb`.
 */
export function preferenceMovieTable(w: ModelWeights): Float32Array {
  const pref = w.pref;
  if (pref === undefined) throw new RangeError('the model has no preference head');
  const d = w.dim;
  const out = new Float32Array(w.numMovies * d);
  for (let m = 0; m < w.numMovies; m++) {
    for (let k = 0; k < d; k++) {
      const at = m * d + k;
      out[at] = pref.gate[k]! * w.movieEmb[at]! + pref.movieEmb[at]!;
    }
  }
  return out;
}

export interface ModelWeights {
  arch: Arch;
  /** Embedding size. */
  dim: number;
  numUsers: number;
  numMovies: number;
  /** Global bias. */
  mu: number;
  /** [numUsers, dim]. */
  userEmb: Float32Array;
  /** [numMovies, dim]. */
  movieEmb: Float32Array;
  /** [numUsers]. */
  userBias: Float32Array;
  /** [numMovies]. */
  movieBias: Float32Array;
  /** Hidden layers, each dense -> batch norm (optional) -> ReLU. The first has inSize = 2·dim. */
  hidden: DenseWeights[];
  /** Output layer, outSize = 1. */
  out: DenseWeights;
  /** The preference head; absent when the model was trained on ratings alone (`--pref-weight 0`). */
  pref?: PreferenceWeights;
}
