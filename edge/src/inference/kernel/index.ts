export { createMlpKernel, type MlpKernel } from './mlp-kernel.ts';
export { mlpWeightsFromOnnx, type DenseLayer, type MlpWeights } from './mlp-weights.ts';
export { readOnnx, type OnnxContents } from './onnx-reader.ts';
