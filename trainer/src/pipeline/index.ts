/** The nightly pipeline: gather events, train, compare with stable and baselines, gate, publish, record. */
export { compareOnHoldout, remapToModel } from './compare.ts';
export type { Comparison, CompareOptions, HoldoutScope, Scores, StableComparison } from './compare.ts';
export { applyGate, DEFAULT_GATE } from './gate.ts';
export type { GateOptions, GateResult } from './gate.ts';
export { gatherRatings, keyTime, onScale, RATINGS_PREFIX } from './gather.ts';
export type { Gathered, RatingRow, RatingsDelta } from './gather.ts';
export {
  acquireLock,
  fileLockBackend,
  lockBackendFor,
  LockHeld,
  LOCK_KEY,
  s3LockBackend,
  storeLockBackend,
} from './lock.ts';
export type { HeldLock, LockBackend, LockInfo } from './lock.ts';
export { baseFingerprint, mergeRatings } from './merge-data.ts';
export type { MergedData } from './merge-data.ts';
export { loadModelFiles, MODEL_FILES_PREFIX, saveModelFiles } from './model-files.ts';
export type { StoredModel } from './model-files.ts';
export { readRecords, RUNS_PREFIX, writeRecord } from './record.ts';
export type { PipelineDecision, PipelineRecord } from './record.ts';
export { CandidateRefused, REFUSED_EXIT_CODE } from './refused.ts';
export { runPipeline } from './run-pipeline.ts';
export { servedModel } from './served-model.ts';
export { stableData, unseenHoldout } from './stable-data.ts';
export type { StableData } from './stable-data.ts';
export { warmStartPlan } from './warm-start-plan.ts';
export type { PipelineRequest, PipelineResult } from './run-pipeline.ts';
