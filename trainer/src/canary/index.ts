/** The canary judge: online comparison of the canary and stable arms from the events bucket. */
export { decide, DECISIONS, DEFAULT_THRESHOLDS } from './decide.ts';
export type { Decision, GuardCheck, JudgeThresholds, Missing, QualityCheck, Verdict } from './decide.ts';
export { keysInWindow, readNdjson } from './event-files.ts';
export type { InvalidLines, ReadLines } from './event-files.ts';
export { formatReport } from './format.ts';
export { applyDecision, ChannelsChanged, judgeCanary, pointersAfter } from './judge.ts';
export type { JudgeReport, JudgeRequest } from './judge.ts';
export { offlineRows, OFFLINE_KEYS } from './offline.ts';
export { tallyOnline, ARM_NAMES } from './online.ts';
export type { ArmName, Arms, OnlineTally } from './online.ts';
export { tallyServing } from './serving.ts';
export type { ServingTally } from './serving.ts';
export { lowerRateTest, normalCdf } from './z-test.ts';
export type { ProportionTest } from './z-test.ts';
