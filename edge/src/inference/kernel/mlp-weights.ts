/**
 * The serving MLP's weights as the wasm kernel needs them, taken from model.onnx's initializers (the graph the
 * trainer exports: README, "ONNX export"). The graph computes, per (user, movie) pair,
 *   h = relu(movie_pre[m] + user_vec·user_w1), then h = relu(h·W_k + b_k) for each layer k but the last,
 *   rating = h·W_last + b_last + user_bias + movie_bias[m] (+ user_vec·movie_emb[m] for hybrid)
 * with layer k's weights in the initializers `layer{k}_w` [in, out] and `layer{k}_b` [out], k = 1, 2, …
 */
import { ArtifactError } from '../../../../shared/src/errors.ts';
import type { OnnxContents } from './onnx-reader.ts';

/** One dense layer after the first: y = x·W + b. */
export interface DenseLayer {
  inSize: number;
  outSize: number;
  /** [inSize, outSize] row-major. */
  W: Float32Array;
  /** [outSize]. */
  b: Float32Array;
}

/** Everything the kernel computes with (float32, row-major). */
export interface MlpWeights {
  arch: 'dcf' | 'hybrid';
  dim: number;
  numMovies: number;
  /** Width H1 of the first dense layer. */
  hidden1: number;
  /** [numMovies, H1]: the movie half of the first layer, its bias (and folded batch norm) included. */
  moviePre: Float32Array;
  /** [numMovies]: mu + b_movie. */
  movieBias: Float32Array;
  /** [dim, H1]: the user half of the first layer. */
  userW1: Float32Array;
  /** The layers after the first; ReLU follows every one but the last, whose outSize is 1. */
  layers: DenseLayer[];
  /** [numMovies, dim] raw movie embeddings (hybrid only). */
  movieEmb: Float32Array | undefined;
}

/** What the manifest says the model is. */
export interface ExpectedModel {
  arch: 'dcf' | 'hybrid';
  dim: number;
  numMovies: number;
}

/**
 * Takes the MLP's weights out of a serving graph's contents and checks their shapes against each other and the
 * manifest, and the graph's node types against the layer count (one Gemm and one Relu per layer after the first).
 * @throws ArtifactError naming the initializer when something is missing or of the wrong shape, or when the graph
 *   has no layer after the first (a model without hidden layers, which the kernel does not serve)
 */
export function mlpWeightsFromOnnx(file: string, onnx: OnnxContents, expected: ExpectedModel): MlpWeights {
  const { dim, numMovies, arch } = expected;
  const get = (name: string, rank: number): { dims: number[]; data: Float32Array } => {
    const t = onnx.floats.get(name);
    if (t === undefined) throw new ArtifactError(file, `has no float initializer "${name}"`);
    if (t.dims.length !== rank) {
      throw new ArtifactError(
        file,
        `initializer ${name}: expected rank ${rank} (got [${t.dims.join(', ')}])`,
      );
    }
    return t;
  };
  const shape = (name: string, dims: number[], want: number[]): void => {
    if (dims.some((d, k) => d !== want[k])) {
      throw new ArtifactError(
        file,
        `initializer ${name}: expected shape [${want.join(', ')}] (got [${dims.join(', ')}])`,
      );
    }
  };
  const pre = get('movie_pre', 2);
  const hidden1 = pre.dims[1] as number;
  shape('movie_pre', pre.dims, [numMovies, hidden1]);
  const bias = get('movie_bias', 1);
  shape('movie_bias', bias.dims, [numMovies]);
  const w1 = get('user_w1', 2);
  shape('user_w1', w1.dims, [dim, hidden1]);
  const layers: DenseLayer[] = [];
  for (let k = 1, inSize = hidden1; onnx.floats.has(`layer${k}_w`); k++) {
    const w = get(`layer${k}_w`, 2);
    const outSize = w.dims[1] as number;
    shape(`layer${k}_w`, w.dims, [inSize, outSize]);
    const b = get(`layer${k}_b`, 1);
    shape(`layer${k}_b`, b.dims, [outSize]);
    layers.push({ inSize, outSize, W: w.data, b: b.data });
    inSize = outSize;
  }
  const last = layers[layers.length - 1];
  if (last === undefined) throw new ArtifactError(file, 'has no dense layer after the first (layer1_w)');
  if (last.outSize !== 1) {
    throw new ArtifactError(
      file,
      `the last layer must have 1 output (layer${layers.length}_w has ${last.outSize})`,
    );
  }
  const count = (op: string): number => onnx.opTypes.filter((t) => t === op).length;
  if (count('Gemm') !== layers.length || count('Relu') !== layers.length) {
    throw new ArtifactError(
      file,
      `expected ${layers.length} Gemm and ${layers.length} Relu nodes for ${layers.length} layers after the first ` +
        `(got ${count('Gemm')} and ${count('Relu')})`,
    );
  }
  let movieEmb: Float32Array | undefined;
  if (arch === 'hybrid') {
    const emb = get('movie_emb', 2);
    shape('movie_emb', emb.dims, [numMovies, dim]);
    movieEmb = emb.data;
  } else if (onnx.floats.has('movie_emb')) {
    throw new ArtifactError(file, 'has a movie_emb initializer (a hybrid graph) but the manifest says dcf');
  }
  return {
    arch,
    dim,
    numMovies,
    hidden1,
    moviePre: pre.data,
    movieBias: bias.data,
    userW1: w1.data,
    layers,
    movieEmb,
  };
}
