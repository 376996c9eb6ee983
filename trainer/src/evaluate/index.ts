/** Offline evaluation: metrics, residuals, the deep model adapter and the classical baselines. */
export { evaluateModel, flattenMetrics, EVALUATION_DEFAULTS } from './evaluate.ts';
export { deepRatingModel } from './deep-model.ts';
export { accuracy, clipToScale } from './accuracy.ts';
export { listMetrics } from './ranking-metrics.ts';
export type { ListMetrics } from './ranking-metrics.ts';
export { evaluateRanking } from './ranking.ts';
export { residualTables, DEFAULT_BUCKET_EDGES } from './residuals.ts';
export {
  evaluateColdStart,
  rateUserVectors,
  scorerRater,
  userVectorRanker,
  COLD_START_DEFAULTS,
} from './cold-start.ts';
export type { ColdStartOptions, ColdStartResult, ColdStartRow } from './cold-start.ts';
export { meanPercentile, popularityPercentiles, PopularityTally } from './popularity-bias.ts';
export { formatColdStartTable, formatResultsTable, formatResidualTable } from './format-table.ts';
export { trainBaselines, BASELINE_NAMES } from './baselines/index.ts';
export { externalTestSplit } from './external-test.ts';
export {
  coldStartMetrics,
  describeColdStartUsers,
  describeRankedUsers,
  evaluationDocument,
  evaluationMetrics,
} from './evaluation-report.ts';
export type { EvaluationDocument } from './evaluation-report.ts';
export { denseIndexOrThrow, recommendForUser, similarMovies } from './queries.ts';
export type { RankedMovie } from './queries.ts';
export type { ExternalTest } from './external-test.ts';
export type { BaselineName, BaselineOptions, TrainedBaselines } from './baselines/index.ts';
export type {
  AccuracyMetrics,
  EvaluationOptions,
  EvaluationResult,
  RankingMetrics,
  RatingModel,
  ResidualRow,
  ResidualTables,
} from './types.ts';
