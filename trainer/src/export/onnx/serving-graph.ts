/**
 * The serving graph ("model.onnx"; docs/artifacts.md, "model.onnx"): user vectors come in as inputs, movie-side tables are
 * initializers, and each (user, movie) pair is scored as
 *   rating = (mu + b_movie) + b_user + MLP(e_user ⊕ e_movie) (+ e_user·e_movie for hybrid)
 * with batch norm folded, dropout gone and the movie half of the first layer precomputed.
 */
import { UsageError } from '../../../../shared/src/errors.ts';
import type { Arch, ModelWeights } from '../../model/weights.ts';
import { floatTensor, ifNode, int64Tensor, node, tensorValueInfo } from './graph-helpers.ts';
import { precomputeMovieSide, type MovieSide } from './movie-side.ts';
import {
  DataType,
  encodeModel,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './proto.ts';

/** Opsets the graph is written for: ReduceSum takes axes as an input from 13; the contract caps it at 17. */
export const MIN_OPSET = 13;
export const MAX_OPSET = 17;
/** IR version 8 covers opsets up to 17 and is read by onnxruntime 1.30 (node and web). */
export const IR_VERSION = 8;

export interface ServingOnnxOptions {
  /** ONNX default-domain opset, MIN_OPSET..MAX_OPSET (default MAX_OPSET). */
  opset?: number;
  /**
   * Whether calls with one user (U = 1) skip the per-pair gathers of the user side (default true; see
   * {@link buildServingGraph}). false builds the plain graph that always gathers, so trainer/bench/onnx.ts can time both.
   */
  singleUserBranch?: boolean;
}

/** What the graph builder needs besides the movie-side tables. */
export interface ServingGraphSpec {
  arch: Arch;
  dim: number;
  numMovies: number;
  /** [numMovies, dim]; read for hybrid only. */
  movieEmb: Float32Array;
  /** See {@link ServingOnnxOptions.singleUserBranch} (default true). */
  singleUserBranch?: boolean;
}

/** [U, ...] user-side values and the per-pair names they are gathered into (axis 0, by pair_user). */
function userSideValues(spec: ServingGraphSpec, h1: number): { from: string; to: string; dims: number[] }[] {
  const values = [
    { from: 'user_hidden', to: 'pair_user_hidden', dims: [h1] },
    { from: 'user_bias', to: 'pair_user_bias', dims: [] },
  ];
  if (spec.arch === 'hybrid') values.push({ from: 'user_vec', to: 'pair_user_vec', dims: [spec.dim] });
  return values;
}

/**
 * The user side per pair. Plain: one Gather by pair_user per value, [B, ...]. With the single-user branch, an If
 * on U = 1 passes the [1, ...] rows through instead and the Add/Mul that consume them broadcast: top-N calls
 * (U = 1) then skip writing and re-reading B copies of the user's [H1] hidden row, a third of the graph's time
 * outside the dense layers (trainer/bench/onnx.ts). Valid pair_user values are all 0 when U = 1, so both paths give the
 * same numbers; the branch just does not read pair_user (an out-of-range index goes unnoticed instead of failing).
 */
function userSideNodes(
  spec: ServingGraphSpec,
  h1: number,
): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  const values = userSideValues(spec, h1);
  const gathers = values.map((v) => node('Gather', [v.from, 'pair_user'], [v.to], { axis: 0 }));
  if (spec.singleUserBranch === false) return { nodes: gathers, initializers: [] };
  const branch = (name: string, rows: number | string, nodes: OnnxNode[]): OnnxGraph => ({
    name,
    node: nodes,
    initializer: [],
    input: [],
    output: nodes.map((n, k) =>
      tensorValueInfo(n.output[0] ?? '', DataType.FLOAT, [rows, ...(values[k]?.dims ?? [])]),
    ),
  });
  const passThrough = values.map((v) => node('Identity', [v.from], [`one_${v.to}`]));
  const gathered = values.map((v) => node('Gather', [v.from, 'pair_user'], [`all_${v.to}`], { axis: 0 }));
  return {
    nodes: [
      node('Shape', ['user_vec'], ['user_vec_shape']),
      node('Gather', ['user_vec_shape', 'zero'], ['num_users'], { axis: 0 }),
      node('Equal', ['num_users', 'one'], ['single_user']),
      ifNode(
        'single_user',
        values.map((v) => v.to),
        branch('single_user', 1, passThrough),
        branch('gathered', 'B', gathered),
      ),
    ],
    initializers: [int64Tensor('zero', [], [0]), int64Tensor('one', [], [1])],
  };
}

/** The contract's per-pair e_user·e_movie term (hybrid). */
function dotNodes(): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  return {
    nodes: [
      node('Gather', ['movie_emb', 'pair_movie'], ['pair_movie_emb'], { axis: 0 }),
      node('Mul', ['pair_user_vec', 'pair_movie_emb'], ['pair_product']),
      node('ReduceSum', ['pair_product', 'dot_axes'], ['pair_dot'], { keepdims: 0 }),
    ],
    initializers: [int64Tensor('dot_axes', [1], [1])],
  };
}

/**
 * The ONNX graph (without model header) for the given movie-side tables.
 * Inputs: user_vec f32 [U, dim], user_bias f32 [U], pair_user i64 [B], pair_movie i64 [B]; output rating f32 [B].
 * Dense layers are Gemm nodes (weights [in, out]): MatMul + Add measured the same, since onnxruntime fuses it into
 * Gemm, and a transposed layout ([out, in] with transB) was slower.
 */
export function buildServingGraph(side: MovieSide, spec: ServingGraphSpec): OnnxGraph {
  const { dim, numMovies } = spec;
  const h1 = side.hidden1;
  const initializers: OnnxTensor[] = [
    floatTensor('movie_pre', [numMovies, h1], side.moviePre),
    floatTensor('movie_bias', [numMovies], side.movieBiasWithMu),
    floatTensor('user_w1', [dim, h1], side.userW1),
  ];
  const userSide = userSideNodes(spec, h1);
  initializers.push(...userSide.initializers);
  const nodes: OnnxNode[] = [
    node('MatMul', ['user_vec', 'user_w1'], ['user_hidden']),
    ...userSide.nodes,
    node('Gather', ['movie_pre', 'pair_movie'], ['pair_movie_pre'], { axis: 0 }),
    node('Add', ['pair_movie_pre', 'pair_user_hidden'], ['layer0_linear']),
  ];
  let h = 'layer0_linear';
  side.foldedLayers.forEach((layer, k) => {
    nodes.push(node('Relu', [h], [`layer${k}`]));
    const name = `layer${k + 1}`;
    initializers.push(floatTensor(`${name}_w`, [layer.inSize, layer.outSize], layer.W));
    initializers.push(floatTensor(`${name}_b`, [layer.outSize], layer.b));
    nodes.push(node('Gemm', [`layer${k}`, `${name}_w`, `${name}_b`], [`${name}_linear`]));
    h = `${name}_linear`;
  });
  // The last layer's output is [B, 1]; flatten it to the contract's [B].
  initializers.push(int64Tensor('flat_shape', [1], [-1]));
  nodes.push(
    node('Reshape', [h, 'flat_shape'], ['mlp']),
    node('Gather', ['movie_bias', 'pair_movie'], ['pair_movie_bias'], { axis: 0 }),
    node('Add', ['mlp', 'pair_user_bias'], ['mlp_user']),
  );
  if (spec.arch === 'hybrid') {
    initializers.push(floatTensor('movie_emb', [numMovies, dim], spec.movieEmb));
    const dot = dotNodes();
    initializers.push(...dot.initializers);
    nodes.push(
      ...dot.nodes,
      node('Add', ['mlp_user', 'pair_movie_bias'], ['biased']),
      node('Add', ['biased', 'pair_dot'], ['rating']),
    );
  } else {
    nodes.push(node('Add', ['mlp_user', 'pair_movie_bias'], ['rating']));
  }
  return {
    name: `marquee_${spec.arch}_serving`,
    node: nodes,
    initializer: initializers,
    input: [
      tensorValueInfo('user_vec', DataType.FLOAT, ['U', dim]),
      tensorValueInfo('user_bias', DataType.FLOAT, ['U']),
      tensorValueInfo('pair_user', DataType.INT64, ['B']),
      tensorValueInfo('pair_movie', DataType.INT64, ['B']),
    ],
    output: [tensorValueInfo('rating', DataType.FLOAT, ['B'])],
  };
}

/**
 * The serving model as ONNX bytes (model.onnx of a version).
 * @throws UsageError when options.opset is outside MIN_OPSET..MAX_OPSET
 * @throws ArtifactError when the weights are inconsistent (names the field)
 */
export function buildServingOnnx(weights: ModelWeights, options: ServingOnnxOptions = {}): Uint8Array {
  const opset = options.opset ?? MAX_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new UsageError(`opset: expected an integer from ${MIN_OPSET} to ${MAX_OPSET} (got ${opset})`);
  }
  const side = precomputeMovieSide(weights);
  const model: OnnxModel = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'marquee',
    producerVersion: 'serving-graph 2',
    docString: 'Marquee serving graph: rating[b] for pairs (user_vec[pair_user[b]], movie pair_movie[b]).',
    graph: buildServingGraph(side, { ...weights, singleUserBranch: options.singleUserBranch ?? true }),
    metadataProps: [
      { key: 'marquee.arch', value: weights.arch },
      { key: 'marquee.dim', value: String(weights.dim) },
      { key: 'marquee.num_movies', value: String(weights.numMovies) },
      { key: 'marquee.hidden1', value: String(side.hidden1) },
    ],
  };
  return encodeModel(model);
}
