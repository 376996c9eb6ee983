export { servingModel, releaseServingModel } from './sessions.ts';
export type { ScoreRequest, ServingModel } from './serving-model.ts';
export { runtimeMemoryBytes } from './runtime.ts';
