/**
 * The movies with the highest and lowest learned bias. Movies with few training ratings are left out by default:
 * their biases stay near the initial value (regularisation) or overfit a handful of ratings, so they say little
 * about what the model learned.
 */

/** One ranked entry. */
export interface RankedBias {
  /** Dense index. */
  index: number;
  bias: number;
  /** Training ratings of this entry. */
  count: number;
}

/** The highest and lowest biases, best first / worst first. */
export interface BiasExtremes {
  highest: RankedBias[];
  lowest: RankedBias[];
  /** Training ratings an entry needed to be ranked. */
  minCount: number;
  /** Entries that qualified. */
  eligible: number;
}

/**
 * Ranks biases among entries with at least `minCount` training ratings (lowered to 1 when no entry has that many).
 * Ties go to the lower index.
 * @param biases [n]
 * @param counts [n] training ratings per entry
 * @param k entries wanted at each end
 * @throws RangeError when the lengths differ or k < 0
 */
export function biasExtremes(
  biases: Float32Array,
  counts: Int32Array,
  k: number,
  minCount = 10,
): BiasExtremes {
  if (biases.length !== counts.length) {
    throw new RangeError(`biasExtremes: ${biases.length} biases but ${counts.length} counts`);
  }
  if (!Number.isSafeInteger(k) || k < 0) throw new RangeError(`biasExtremes: k must be >= 0 (got ${k})`);
  let threshold = minCount;
  let eligible = indicesWithCount(counts, threshold);
  if (eligible.length === 0) {
    threshold = 1;
    eligible = indicesWithCount(counts, threshold);
  }
  const entry = (i: number): RankedBias => ({
    index: i,
    bias: biases[i] as number,
    count: counts[i] as number,
  });
  const ascending = eligible.sort((a, b) => (biases[a] as number) - (biases[b] as number) || a - b);
  const descending = [...eligible].sort((a, b) => (biases[b] as number) - (biases[a] as number) || a - b);
  return {
    highest: descending.slice(0, k).map(entry),
    lowest: ascending.slice(0, k).map(entry),
    minCount: threshold,
    eligible: eligible.length,
  };
}

function indicesWithCount(counts: Int32Array, min: number): number[] {
  const out: number[] = [];
  counts.forEach((c, i) => {
    if (c >= min) out.push(i);
  });
  return out;
}
