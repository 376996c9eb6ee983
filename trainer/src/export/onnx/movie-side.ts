/**
 * Everything of the serving computation that depends only on the movie, computed once at export. The first
 * dense layer splits over the concatenated input x = e_user ⊕ e_movie:
 *   x·W1 + b1 = e_user·W1[:dim] + (e_movie·W1[dim:] + b1)
 * so the bracket is a per-movie table and a request only pays for e_user·W1[:dim] once per user.
 */
import type { DenseWeights, ModelWeights } from '../../model/weights.ts';
import { foldBatchNorm } from '../../model/fold-batch-norm.ts';
import { validateWeights } from './validate-weights.ts';

/** The movie-side tables and remaining layers of the serving computation (all float32, row-major). */
export interface MovieSide {
  /** Width H1 of the first dense layer (the output layer's 1 when the model has no hidden layers). */
  hidden1: number;
  /** [numMovies, H1]: e_movie·W1[dim:] + b1 with the first layer's batch norm folded in. */
  moviePre: Float32Array;
  /** [numMovies]: mu + b_movie. */
  movieBiasWithMu: Float32Array;
  /** [dim, H1]: the user rows of the folded first layer. */
  userW1: Float32Array;
  /**
   * The layers after the first (hidden[1..] then the output layer) with batch norm folded. ReLU follows the
   * first layer and each of these except the last; when this is empty the first layer is the output layer.
   */
  foldedLayers: DenseWeights[];
}

/** e_movie·W1[dim:] + b1 for every movie, accumulated in float64. W1 must already have batch norm folded. */
function movieHalf(weights: ModelWeights, folded: DenseWeights): Float32Array {
  const { dim, numMovies, movieEmb } = weights;
  const h1 = folded.outSize;
  // Column j of the movie rows, stored contiguously, turns each output into a dot product of two dense rows
  // summed in a local float64 (no scratch array to read and write per multiply-add).
  const columns = new Float32Array(h1 * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < h1; j++) columns[j * dim + i] = folded.W[(dim + i) * h1 + j] ?? 0;
  }
  const out = new Float32Array(numMovies * h1);
  for (let m = 0; m < numMovies; m++) {
    const e = movieEmb.subarray(m * dim, (m + 1) * dim);
    for (let j = 0; j < h1; j++) {
      let s = folded.b[j] ?? 0;
      const col = j * dim;
      for (let i = 0; i < dim; i++) s += (e[i] ?? 0) * (columns[col + i] ?? 0);
      out[m * h1 + j] = s;
    }
  }
  return out;
}

/**
 * All movie-side precomputation of the serving graph (see {@link MovieSide}); the ONNX export
 * (serving-graph.ts) and the trainer's fast scorer (model/scoring.ts) share it so they compute the same numbers.
 * @throws ArtifactError when the weights are inconsistent (see validateWeights)
 */
export function precomputeMovieSide(weights: ModelWeights): MovieSide {
  validateWeights(weights);
  const [first, ...rest] = [...weights.hidden, weights.out].map(foldBatchNorm);
  if (first === undefined) throw new Error('unreachable: the layer stack always holds the output layer');
  const movieBiasWithMu = new Float32Array(weights.numMovies);
  for (let m = 0; m < weights.numMovies; m++) {
    movieBiasWithMu[m] = weights.mu + (weights.movieBias[m] ?? 0);
  }
  return {
    hidden1: first.outSize,
    moviePre: movieHalf(weights, first),
    movieBiasWithMu,
    userW1: first.W.slice(0, weights.dim * first.outSize),
    foldedLayers: rest,
  };
}
