/** ONNX export of the serving graph. Runtime sessions (onnxruntime-node/web) live in ort-sessions.ts, not here. */
export { foldBatchNorm } from '../../model/fold-batch-norm.ts';
export { precomputeMovieHalf, precomputeMovieSide, type MovieSide } from './movie-side.ts';
export {
  buildServingGraph,
  buildServingOnnx,
  IR_VERSION,
  MAX_OPSET,
  MIN_OPSET,
  type ServingGraphSpec,
  type ServingOnnxOptions,
} from './serving-graph.ts';
export { decodeModel, encodeModel, type OnnxModel } from './proto.ts';
export { servingInputs, type ServingInputs } from './serving-inputs.ts';
export { validateWeights } from './validate-weights.ts';
