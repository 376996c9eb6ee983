/**
 * Ranking evaluation: for each test user with a relevant test rating, score every movie, drop the movies the
 * user rated in training, take the top k with the shared `topK` kernel and compare with the user's relevant
 * test movies.
 */
import { topK } from '../../../shared/src/kernels/top-k.ts';
import { createRng, partialShuffle } from '../../../shared/src/kernels/prng.ts';
import type { RatingsTable, Split } from '../data/types.ts';
import { listMetrics } from './ranking-metrics.ts';
import type { RankingMetrics, RatingModel } from './types.ts';
import { itemsOf, sortedHas, userItems } from './user-items.ts';

/** PRNG stream of the user sample (distinct from the split streams). */
const SAMPLE_STREAM = 11;

export interface RankingOptions {
  k: number;
  maxUsers: number;
  seed: number;
  relevantThreshold: number;
}

/**
 * Mean top-k metrics over the (sampled) test users who have at least one relevant test rating.
 * Relevant test movies the user also rated in training cannot be recommended and are not counted.
 * @throws RangeError on a bad k or maxUsers
 */
export function evaluateRanking(
  model: RatingModel,
  table: RatingsTable,
  split: Split,
  options: RankingOptions,
): RankingMetrics {
  const { k, maxUsers, seed, relevantThreshold } = options;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number >= 1 (got ${k})`);
  if (!(maxUsers >= 1)) throw new RangeError(`maxUsers must be >= 1 (got ${maxUsers})`);
  const numMovies = table.movieIds.length;
  const seen = userItems(table, split.train);
  const relevant = userItems(table, split.test, (r) => r >= relevantThreshold);

  const eligible: number[] = [];
  for (let u = 0; u < table.userIds.length; u++) {
    const rel = itemsOf(relevant, u);
    const own = itemsOf(seen, u);
    if (rel.some((m) => !sortedHas(own, m))) eligible.push(u);
  }
  let users = Int32Array.from(eligible);
  const sampled = users.length > maxUsers;
  if (sampled) {
    partialShuffle(users, 0, users.length, maxUsers, createRng(seed, SAMPLE_STREAM));
    // Ascending order keeps the per-user work in a cache-friendly order; the sample itself is already fixed.
    users = users.slice(0, maxUsers).sort();
  }

  const scores = new Float32Array(numMovies);
  const isRelevant = new Uint8Array(numMovies);
  const recommended = new Uint8Array(numMovies);
  const sum = { precision: 0, recall: 0, ndcg: 0, ap: 0, hit: 0 };
  let candidates = 0;
  for (const u of users) {
    const own = itemsOf(seen, u);
    let numRelevant = 0;
    const rel = itemsOf(relevant, u);
    for (const m of rel) {
      if (isRelevant[m] === 0 && !sortedHas(own, m)) {
        isRelevant[m] = 1;
        numRelevant++;
      }
    }
    let top: Int32Array;
    if (model.rank) {
      top = model.rank(u, k, own);
    } else {
      model.scoreAll(u, scores);
      top = topK(scores, k, { sorted: own }).indices;
    }
    const metrics = listMetrics(top, isRelevant, numRelevant, k);
    sum.precision += metrics.precision;
    sum.recall += metrics.recall;
    sum.ndcg += metrics.ndcg;
    sum.ap += metrics.ap;
    sum.hit += metrics.hit;
    for (const m of top) recommended[m] = 1;
    for (const m of rel) isRelevant[m] = 0;
    candidates += numMovies - countDistinct(own);
  }
  const n = users.length;
  let covered = 0;
  for (let m = 0; m < numMovies; m++) covered += recommended[m] as number;
  return {
    k,
    precision: sum.precision / n,
    recall: sum.recall / n,
    ndcg: sum.ndcg / n,
    map: sum.ap / n,
    hit: sum.hit / n,
    coverage: n > 0 ? covered / numMovies : NaN,
    users: n,
    eligibleUsers: eligible.length,
    sampled,
    seed,
    relevantThreshold,
    meanCandidates: n > 0 ? candidates / n : NaN,
  };
}

function countDistinct(sorted: Int32Array): number {
  let c = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) c++;
  return c;
}
