/**
 * Assembles what `marquee evaluate` records: flat metric keys for metrics.json (`test.*` for the model,
 * `baselines.<name>.*` for each baseline) and the evaluation.json document with residual tables for reports.
 */
import type { EvaluationResult } from './types.ts';
import { flattenMetrics } from './evaluate.ts';

/** Contents of RUNDIR/evaluation.json. */
export interface EvaluationDocument {
  /** ISO time of the evaluation. */
  createdAt: string;
  split: string;
  /** Test ratings evaluated. */
  testRatings: number;
  k: number;
  /** How the ranked users were chosen, e.g. "1000 of 5400 test users (seeded sample, seed 42)". */
  rankedUsers: string;
  notes: string[];
  /** The model first, then each baseline. */
  models: EvaluationResult[];
}

/**
 * Flat metrics of the model (`test.*`) and the baselines (`baselines.<name>.*`).
 * @param model the deep model's result
 */
export function evaluationMetrics(
  model: EvaluationResult,
  baselines: readonly EvaluationResult[],
): Record<string, number> {
  const out = flattenMetrics(model, 'test');
  for (const b of baselines) Object.assign(out, flattenMetrics(b, `baselines.${b.model}`));
  return out;
}

/** One line describing the ranked users of a result. */
export function describeRankedUsers(result: EvaluationResult): string {
  const r = result.ranking;
  if (r.users === 0)
    return `no test user has a rating >= ${r.relevantThreshold}: ranking metrics are undefined`;
  return r.sampled
    ? `${r.users} of ${r.eligibleUsers} test users with a rating >= ${r.relevantThreshold} (seeded sample, seed ${r.seed}; --max-users to change)`
    : `all ${r.users} test users with a rating >= ${r.relevantThreshold}`;
}

/** Builds the evaluation.json document. */
export function evaluationDocument(
  results: readonly EvaluationResult[],
  split: string,
  notes: readonly string[],
  now: Date = new Date(),
): EvaluationDocument {
  const first = results[0];
  return {
    createdAt: now.toISOString(),
    split,
    testRatings: first?.accuracy.count ?? 0,
    k: first?.ranking.k ?? 0,
    rankedUsers: first ? describeRankedUsers(first) : '',
    notes: [...notes],
    models: [...results],
  };
}
