/**
 * Assembles what `marquee evaluate` records: flat metric keys for metrics.json (`test.*` for the model,
 * `baselines.<name>.*` for each baseline) and the evaluation.json document with residual tables for reports.
 */
import type { ColdStartResult } from './cold-start.ts';
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
  /** The cold-start evaluation of the model, when it ran. */
  coldStart?: ColdStartResult;
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

/**
 * Flat metrics of a cold-start evaluation: for each number n of revealed ratings, the model's NDCG@k as
 * `test.coldstart.ndcg@<k>.n<n>` and popularity's as `baselines.popularity.coldstart.ndcg@<k>.n<n>`, and the
 * number of users measured as `test.coldstart.users`. Undefined values (no user measured) are left out.
 */
export function coldStartMetrics(result: ColdStartResult): Record<string, number> {
  const out: Record<string, number> = { 'test.coldstart.users': result.users };
  for (const row of result.rows) {
    const key = `coldstart.ndcg@${result.k}.n${row.revealed}`;
    if (Number.isFinite(row.ndcg)) out[`test.${key}`] = row.ndcg;
    if (Number.isFinite(row.popularityNdcg)) out[`baselines.popularity.${key}`] = row.popularityNdcg;
  }
  return out;
}

/** One line describing the users of a cold-start evaluation. */
export function describeColdStartUsers(result: ColdStartResult): string {
  const who = `test users with >= ${result.minRatings} rated movies and one rated >= ${result.relevantThreshold}`;
  if (result.users === 0) return `no ${who} (cold start not measured)`;
  return result.sampled
    ? `${result.users} of ${result.eligibleUsers} ${who} (seeded sample, seed ${result.seed}; --cold-start-users to change)`
    : `all ${result.users} ${who}` +
        (result.users < result.eligibleUsers
          ? ` (${result.eligibleUsers - result.users} skipped: all their relevant movies were revealed)`
          : '');
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
  coldStart?: ColdStartResult,
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
    ...(coldStart === undefined ? {} : { coldStart }),
  };
}
