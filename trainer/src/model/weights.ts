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
 * The preference head (what a user would choose, as opposed to how they would rate it): a score
 * pref(u, m) = Σ_k gate[k]·e_u[k]·e_m[k] + movieBias[m] on the same embeddings as the rating, trained with a
 * sampled-softmax retrieval loss (train/preference.ts). Only differences between movies for one user matter.
 */
export interface PreferenceWeights {
  /** [dim] per-coordinate weight of the user–movie product. */
  gate: Float32Array;
  /** [numMovies] how often a movie is chosen regardless of the user (a learned log-popularity). */
  movieBias: Float32Array;
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
