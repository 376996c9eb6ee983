/**
 * The candidate, the stable version and the baselines on one holdout: the candidate run's test split (by default
 * `last:2`, each user's two newest ratings — where the newest events land).
 *
 * - Candidate and baselines: every holdout rating (the baselines are trained on the candidate's training rows);
 *   for a candidate warm-started from the stable, only the holdout ratings the stable never trained on (it starts
 *   from weights that learned the others).
 * - Candidate vs stable: the holdout ratings the stable never trained on (stable-data.ts) whose user and movie it
 *   knows (it cannot score others), each model ranking over its own catalogue with the user's training movies
 *   excluded.
 */
import { UsageError } from '../../../shared/src/errors.ts';
import type { RatingsTable, Split } from '../data/types.ts';
import { deepRatingModel } from '../evaluate/deep-model.ts';
import {
  evaluateModel,
  trainBaselines,
  type BaselineName,
  type EvaluationResult,
} from '../evaluate/index.ts';
import type { ModelWeights } from '../model/weights.ts';
import { planFromMetrics } from '../train/metrics.ts';
import type { StoredModel } from './model-files.ts';

/** RMSE and NDCG@k of one model on one set of holdout ratings. */
export interface Scores {
  rmse: number;
  ndcg: number;
  /** Holdout ratings scored. */
  ratings: number;
  /** Users ranked for NDCG. */
  rankedUsers: number;
}

/** The stable comparison, or why there is none. */
export type StableComparison =
  | {
      version: string;
      compared: true;
      /** Holdout ratings both models could score. */
      ratings: number;
      /** Holdout ratings left out: user or movie unknown to the stable model. */
      unknown: number;
      candidate: Scores;
      stable: Scores;
    }
  | { version: string | null; compared: false; reason: string };

export interface Comparison {
  holdout: {
    split: string;
    ratings: number;
    k: number;
    /** Holdout ratings the candidate and the baselines were judged on (all of them unless warm-started). */
    judged?: number;
    /** Which holdout ratings the stable never trained on, and why (stable-data.ts). */
    unseenByStable?: string;
  };
  candidate: Scores;
  baselines: Record<string, Scores>;
  stable: StableComparison;
}

/** Which holdout rows each comparison uses. */
export interface HoldoutScope {
  /** Holdout rows the stable never trained on (a subset of the split's test rows). */
  unseenByStable: Int32Array;
  /** One line saying which rows those are and why. */
  note: string;
  /** Judge the candidate and the baselines on `unseenByStable` too: the candidate started from the stable. */
  warm: boolean;
}

/** Options of the evaluations (those of `marquee evaluate`). */
export interface CompareOptions {
  k: number;
  maxUsers: number;
  seed: number;
  baselines: BaselineName[];
}

const scores = (r: EvaluationResult): Scores => ({
  rmse: r.accuracy.rmse,
  ndcg: r.ranking.ndcg,
  ratings: r.accuracy.count,
  rankedUsers: r.ranking.users,
});

/**
 * The rows of `table` re-indexed into a model's id space (`userIds`, `movieIds`), keeping rows whose user and
 * movie it knows; train and test rows of `split` map to the matching new rows.
 */
export function remapToModel(
  table: RatingsTable,
  split: Split,
  userIds: Int32Array,
  movieIds: Int32Array,
): { table: RatingsTable; split: Split; testRows: Int32Array } {
  const users = new Map<number, number>();
  const movies = new Map<number, number>();
  userIds.forEach((id, i) => users.set(id, i));
  movieIds.forEach((id, i) => movies.set(id, i));
  const newRow = new Int32Array(table.count).fill(-1);
  const u: number[] = [];
  const m: number[] = [];
  const r: number[] = [];
  const t: number[] = [];
  for (let row = 0; row < table.count; row++) {
    const du = users.get(table.userIds[table.users[row] as number] as number);
    const dm = movies.get(table.movieIds[table.movies[row] as number] as number);
    if (du === undefined || dm === undefined) continue;
    newRow[row] = u.length;
    u.push(du);
    m.push(dm);
    r.push(table.ratings[row] as number);
    t.push(table.timestamps[row] as number);
  }
  const keep = (rows: Int32Array) => Int32Array.from(Array.from(rows).filter((row) => newRow[row]! >= 0));
  const testRows = keep(split.test);
  const remapped: RatingsTable = {
    users: Int32Array.from(u),
    movies: Int32Array.from(m),
    ratings: Float32Array.from(r),
    timestamps: Uint32Array.from(t),
    count: u.length,
    userIds,
    movieIds,
    scale: table.scale,
    source: table.source,
  };
  return {
    table: remapped,
    split: {
      train: keep(split.train).map((row) => newRow[row] as number),
      test: testRows.map((row) => newRow[row] as number),
      coldUsers: 0,
      coldMovies: 0,
      description: `${split.description}; rows the stable model knows`,
    },
    testRows,
  };
}

/**
 * Evaluates the candidate, the baselines and (when given) the stable model on the candidate's holdout, each on the
 * rows `scope` allows (see the top of this file; without a scope, every holdout row).
 * @returns the comparison and the full results of the candidate and the baselines (for metrics.json)
 * @throws UsageError when a warm-started candidate has no holdout row to be judged on
 */
export function compareOnHoldout(
  candidate: { weights: ModelWeights; metrics: Record<string, unknown> },
  table: RatingsTable,
  split: Split,
  stable: StoredModel | { version: string | null; reason: string },
  options: CompareOptions,
  scope?: HoldoutScope,
): { comparison: Comparison; candidate: EvaluationResult; baselines: EvaluationResult[] } {
  const evalOptions = { k: options.k, maxUsers: options.maxUsers, seed: options.seed };
  const model = deepRatingModel(candidate.weights, 'model', { plan: planFromMetrics(candidate.metrics) });
  const judged = scope?.warm === true ? { ...split, test: scope.unseenByStable } : split;
  if (judged.test.length === 0) {
    throw new UsageError(
      `no holdout rating to judge the warm-started candidate on: ${scope?.note ?? 'the holdout is empty'}`,
    );
  }
  const full = evaluateModel(model, table, judged, evalOptions);
  const trained = trainBaselines(table, split, { seed: options.seed, names: options.baselines });
  const baselineResults = trained.models.map((b) => evaluateModel(b, table, judged, evalOptions));
  const unseen = scope?.unseenByStable ?? split.test;
  let stableComparison: StableComparison;
  if (!('weights' in stable)) {
    stableComparison = { version: stable.version, compared: false, reason: stable.reason };
  } else if (unseen.length === 0) {
    stableComparison = {
      version: stable.version,
      compared: false,
      reason: `no holdout rating the stable model ${stable.version} never trained on (${scope?.note ?? ''})`,
    };
  } else {
    const mapped = remapToModel(table, { ...split, test: unseen }, stable.userIds, stable.movieIds);
    if (mapped.testRows.length === 0) {
      stableComparison = {
        version: stable.version,
        compared: false,
        reason: `no holdout rating is of a user and movie the stable model ${stable.version} knows`,
      };
    } else {
      const stableModel = deepRatingModel(stable.weights, 'stable', {
        plan: planFromMetrics(stable.metrics),
      });
      stableComparison = {
        version: stable.version,
        compared: true,
        ratings: mapped.testRows.length,
        unknown: unseen.length - mapped.testRows.length,
        candidate: scores(evaluateModel(model, table, { ...split, test: mapped.testRows }, evalOptions)),
        stable: scores(evaluateModel(stableModel, mapped.table, mapped.split, evalOptions)),
      };
    }
  }
  return {
    comparison: {
      holdout: {
        split: split.description,
        ratings: split.test.length,
        k: options.k,
        judged: judged.test.length,
        ...(scope === undefined ? {} : { unseenByStable: scope.note }),
      },
      candidate: scores(full),
      baselines: Object.fromEntries(baselineResults.map((b) => [b.model, scores(b)])),
      stable: stableComparison,
    },
    candidate: full,
    baselines: baselineResults,
  };
}
