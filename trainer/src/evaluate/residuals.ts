/**
 * Residuals (clipped prediction − truth) of the test ratings grouped by true rating, by user activity and by
 * movie popularity, to show where a model errs: e.g. shrinking extreme ratings towards the mean, or failing on
 * users and movies with few training ratings.
 */
import type { ResidualRow, ResidualTables } from './types.ts';

/** Default lower edges of the activity / popularity buckets (training ratings); a bucket "0" precedes them. */
export const DEFAULT_BUCKET_EDGES: readonly number[] = [1, 5, 10, 20, 50, 100, 200, 500, 1000];

/** Inputs of `residualTables`, all aligned with the test ratings. */
export interface ResidualInputs {
  /** Clipped predictions. */
  predictions: Float32Array;
  truth: Float32Array;
  /** Training ratings of each test rating's user. */
  userActivity: Int32Array;
  /** Training ratings of each test rating's movie. */
  moviePopularity: Int32Array;
}

/**
 * Builds the three residual tables. Empty buckets are omitted.
 * @param edges ascending lower bucket edges ≥ 1 (a "0" bucket is always first)
 * @throws RangeError when the inputs differ in length or the edges are not ascending and ≥ 1
 */
export function residualTables(
  inputs: ResidualInputs,
  edges: readonly number[] = DEFAULT_BUCKET_EDGES,
): ResidualTables {
  const n = inputs.truth.length;
  for (const [name, a] of Object.entries(inputs)) {
    if ((a as ArrayLike<number>).length !== n) {
      throw new RangeError(
        `residual input ${name} must have length ${n} (got ${(a as ArrayLike<number>).length})`,
      );
    }
  }
  edges.forEach((e, i) => {
    if (!Number.isInteger(e) || e < 1 || (i > 0 && e <= (edges[i - 1] as number))) {
      throw new RangeError(`bucket edges must be ascending whole numbers >= 1 (got ${edges.join(', ')})`);
    }
  });
  const bounds = [0, ...edges];
  const bucketOf = (count: number): number => {
    let b = 0;
    while (b + 1 < bounds.length && count >= (bounds[b + 1] as number)) b++;
    return b;
  };
  const countBuckets = bounds.map((lo, b) => {
    const next = bounds[b + 1];
    const hi = next === undefined ? Infinity : next - 1;
    const label = hi === Infinity ? `${lo}+` : lo === hi ? `${lo}` : `${lo}–${hi}`;
    return { label, lo, hi };
  });

  const ratingValues = [...new Set(inputs.truth)].sort((a, b) => a - b);
  const ratingIndex = new Map(ratingValues.map((v, i) => [v, i]));
  const byRating = new Accumulator(ratingValues.map((v) => ({ label: String(v), lo: v, hi: v })));
  const byUser = new Accumulator(countBuckets);
  const byMovie = new Accumulator(countBuckets);
  for (let i = 0; i < n; i++) {
    const t = inputs.truth[i] as number;
    const e = (inputs.predictions[i] as number) - t;
    byRating.add(ratingIndex.get(t) as number, e);
    byUser.add(bucketOf(inputs.userActivity[i] as number), e);
    byMovie.add(bucketOf(inputs.moviePopularity[i] as number), e);
  }
  return { byRating: byRating.rows(), byUserActivity: byUser.rows(), byMoviePopularity: byMovie.rows() };
}

/** Sums of residuals per bucket. A class because it is accumulating state. */
class Accumulator {
  private readonly count: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumAbs: Float64Array;
  private readonly sumSq: Float64Array;
  constructor(private readonly buckets: { label: string; lo: number; hi: number }[]) {
    this.count = new Float64Array(buckets.length);
    this.sum = new Float64Array(buckets.length);
    this.sumAbs = new Float64Array(buckets.length);
    this.sumSq = new Float64Array(buckets.length);
  }
  add(b: number, e: number): void {
    this.count[b]!++;
    this.sum[b] = (this.sum[b] as number) + e;
    this.sumAbs[b] = (this.sumAbs[b] as number) + Math.abs(e);
    this.sumSq[b] = (this.sumSq[b] as number) + e * e;
  }
  rows(): ResidualRow[] {
    const out: ResidualRow[] = [];
    this.buckets.forEach((bucket, b) => {
      const c = this.count[b] as number;
      if (c === 0) return;
      out.push({
        ...bucket,
        count: c,
        rmse: Math.sqrt((this.sumSq[b] as number) / c),
        mae: (this.sumAbs[b] as number) / c,
        bias: (this.sum[b] as number) / c,
      });
    });
    return out;
  }
}
