/**
 * Chooses a model's two-stage plan (shared/src/kernels/two-stage.ts) on validation ratings: every pair of a
 * candidate count C and a rating weight from the grids is scored by NDCG@k of the validation movies rated at least
 * the relevance threshold, ranked over every movie the user did not rate in training — the evaluation protocol,
 * on rows the model was not fitted to. Each sampled user is retrieved and rated once, at the largest C; smaller
 * C are prefixes of that list, so the whole grid costs one preference scan and max(C) ratings per user.
 */
import { createRng, partialShuffle } from '../../../shared/src/kernels/prng.ts';
import {
  blendCandidates,
  retrieveCandidates,
  type TwoStagePlan,
} from '../../../shared/src/kernels/two-stage.ts';
import type { RatingsTable } from '../data/types.ts';
import { Ranker } from '../model/ranker.ts';
import { prepareScorer } from '../model/scoring.ts';
import type { ModelWeights } from '../model/weights.ts';
import { listMetrics } from './ranking-metrics.ts';
import { itemsOf, sortedHas, userItems } from './user-items.ts';

export const CANDIDATE_GRID: readonly number[] = [10, 20, 50, 100, 200, 400];
export const RATING_WEIGHT_GRID: readonly number[] = [0, 0.25, 0.5, 1, 2, 4];

/** PRNG stream of the validation user sample. */
const SAMPLE_STREAM = 12;

export interface PlanChoice {
  plan: TwoStagePlan;
  /** NDCG@k of the chosen plan on the validation rows. */
  ndcg: number;
  /** Every plan tried, with its NDCG@k. */
  grid: { candidates: number; ratingWeight: number; ndcg: number }[];
  /** Validation users ranked. */
  users: number;
}

export interface ChoosePlanOptions {
  k?: number;
  maxUsers?: number;
  seed?: number;
  relevantThreshold?: number;
  candidates?: readonly number[];
  ratingWeights?: readonly number[];
}

/**
 * @param trainRows rows the model was fitted to (excluded from each user's candidates)
 * @param validationRows rows held out from fitting
 * @returns undefined when the model has no preference head or no validation user has a relevant rating
 */
export function choosePlan(
  weights: ModelWeights,
  table: RatingsTable,
  trainRows: Int32Array,
  validationRows: Int32Array,
  options: ChoosePlanOptions = {},
): PlanChoice | undefined {
  if (weights.pref === undefined) return undefined;
  const k = options.k ?? 10;
  const maxUsers = options.maxUsers ?? 1000;
  const threshold = options.relevantThreshold ?? 4;
  const grid = (options.candidates ?? CANDIDATE_GRID).filter((c) => c <= weights.numMovies);
  if (grid.length === 0) grid.push(weights.numMovies);
  const betas = options.ratingWeights ?? RATING_WEIGHT_GRID;
  const seen = userItems(table, trainRows);
  const relevant = userItems(table, validationRows, (r) => r >= threshold);
  const eligible: number[] = [];
  for (let u = 0; u < table.userIds.length; u++) {
    const own = itemsOf(seen, u);
    if (itemsOf(relevant, u).some((m) => !sortedHas(own, m))) eligible.push(u);
  }
  if (eligible.length === 0) return undefined;
  let users = Int32Array.from(eligible);
  if (users.length > maxUsers) {
    partialShuffle(users, 0, users.length, maxUsers, createRng(options.seed ?? 42, SAMPLE_STREAM));
    users = users.slice(0, maxUsers);
  }
  const ranker = new Ranker(prepareScorer(weights), 'preference');
  const cMax = Math.max(...grid);
  const sums = new Float64Array(grid.length * betas.length);
  const isRelevant = new Uint8Array(weights.numMovies);
  for (const u of users) {
    const own = itemsOf(seen, u);
    const rel = itemsOf(relevant, u);
    let numRelevant = 0;
    for (const m of rel) {
      if (isRelevant[m] === 0 && !sortedHas(own, m)) {
        isRelevant[m] = 1;
        numRelevant++;
      }
    }
    const all = retrieveCandidates(ranker.preference(u, own), cMax, own);
    const ratings = ranker.ratingsOf(u, all.indices);
    grid.forEach((c, gi) => {
      const n = Math.min(c, all.indices.length);
      const prefix = { indices: all.indices.subarray(0, n), scores: all.scores.subarray(0, n) };
      betas.forEach((beta, bi) => {
        const top = blendCandidates(prefix, ratings.subarray(0, n), beta, k);
        const at = gi * betas.length + bi;
        sums[at] = sums[at]! + listMetrics(top.movies, isRelevant, numRelevant, k).ndcg;
      });
    });
    for (const m of rel) isRelevant[m] = 0;
  }
  const tried = grid.flatMap((candidates, gi) =>
    betas.map((ratingWeight, bi) => ({
      candidates,
      ratingWeight,
      ndcg: sums[gi * betas.length + bi]! / users.length,
    })),
  );
  // Best NDCG; ties go to the smaller C (cheaper at the edge), then the smaller weight (listed first).
  let best = tried[0]!;
  for (const t of tried) if (t.ndcg > best.ndcg + 1e-12) best = t;
  return {
    plan: { candidates: best.candidates, ratingWeight: best.ratingWeight },
    ndcg: best.ndcg,
    grid: tried,
    users: users.length,
  };
}
