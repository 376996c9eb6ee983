/** Scoring kernels and statistics shared by the trainer and the edge Worker (web-standard TypeScript only). */
export { topK } from './top-k.ts';
export type { TopK, TopKExclusion } from './top-k.ts';
export { dot, matVec, l2NormalizeRows } from './vectors.ts';
export { median } from './stats.ts';
