/**
 * ONNX export of the serving graph. Running it in Node (onnxruntime-node/web sessions and their input feeds) is
 * tooling for the parity test and `trainer/bench/onnx.ts`: tools/ort-sessions.ts, tools/serving-inputs.ts.
 */
export { foldBatchNorm } from '../../model/fold-batch-norm.ts';
export { precomputeMovieSide, type MovieSide } from './movie-side.ts';
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
export { validateWeights } from './validate-weights.ts';
