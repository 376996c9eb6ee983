/**
 * Top-k metrics of one ranked list with binary relevance. Conventions (the common ones in recommender papers):
 * precision@k divides by k even when fewer than k movies could be ranked; recall@k divides by all relevant
 * movies; NDCG@k uses gain 1 and discount 1/log2(rank + 1) with the ideal list holding min(relevant, k) hits;
 * AP@k averages precision at each hit over min(relevant, k).
 */

/** Metrics of one user's list. */
export interface ListMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  ap: number;
  /** 1 when at least one relevant movie is in the list, else 0. */
  hit: number;
}

/**
 * @param ranked movie indices, best first, at most k of them
 * @param relevant relevant[m] !== 0 when movie m is relevant
 * @param numRelevant number of relevant movies (> 0)
 * @param k the cut-off (≥ 1)
 * @throws RangeError when k < 1, numRelevant < 1 or the list is longer than k
 */
export function listMetrics(
  ranked: ArrayLike<number>,
  relevant: Uint8Array,
  numRelevant: number,
  k: number,
): ListMetrics {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number >= 1 (got ${k})`);
  if (numRelevant < 1) throw new RangeError(`numRelevant must be >= 1 (got ${numRelevant})`);
  if (ranked.length > k) throw new RangeError(`ranked list is longer than k = ${k} (got ${ranked.length})`);
  let hits = 0;
  let dcg = 0;
  let apSum = 0;
  for (let i = 0; i < ranked.length; i++) {
    if (relevant[ranked[i] as number] === 0) continue;
    hits++;
    dcg += 1 / Math.log2(i + 2);
    apSum += hits / (i + 1);
  }
  const ideal = Math.min(numRelevant, k);
  let idcg = 0;
  for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
  return {
    precision: hits / k,
    recall: hits / numRelevant,
    ndcg: dcg / idcg,
    ap: apSum / ideal,
    hit: hits > 0 ? 1 : 0,
  };
}
