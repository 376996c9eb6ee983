export { foldBatchNorm } from './fold.ts';
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
export { validateWeights } from './validate-weights.ts';
