/**
 * Summary statistics of a loaded rating data set, for `marquee data stats` and reports: counts, density, rating
 * histogram, mean, ratings-per-user and per-movie quantiles, time span, and what the loader repaired.
 */
import type { LoadReport } from './load/options.ts';
import type { RatingScale, RatingsTable } from './types.ts';

/** Quantiles of a distribution of counts (linear interpolation between order statistics, as numpy's default). */
export interface Quantiles {
  min: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  max: number;
}

/** One histogram bin: ratings in [from, to] (from === to for each value of a stepped scale). */
export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface DataStats {
  format: string;
  path: string;
  ratings: number;
  users: number;
  movies: number;
  /** ratings / (users × movies), in [0, 1]. */
  density: number;
  scale: RatingScale;
  meanRating: number;
  histogram: HistogramBin[];
  ratingsPerUser: Quantiles;
  ratingsPerMovie: Quantiles;
  /** First and last rating time (ISO-8601, UTC) and whole days between; null when the data has no timestamps. */
  timeSpan: { first: string; last: string; days: number } | null;
  duplicatesResolved: number;
  skippedInvalid: number;
  hasMovieInfo: boolean;
  hasUserInfo: boolean;
}

/** Bins of a continuous scale (step 0 or too many steps). */
const CONTINUOUS_BINS = 10;
const MAX_STEP_BINS = 101;

/** Computes the statistics of `table` (count ≥ 1); `report` supplies the loader's repair counts. */
export function computeStats(table: RatingsTable, report: LoadReport): DataStats {
  const { count, ratings, timestamps, scale } = table;
  const users = table.userIds.length;
  const movies = table.movieIds.length;
  let sum = 0;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < count; i++) {
    sum += ratings[i]!;
    const t = timestamps[i]!;
    if (t === 0) continue;
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return {
    format: table.source.format,
    path: table.source.path,
    ratings: count,
    users,
    movies,
    density: count / (users * movies),
    scale,
    meanRating: sum / count,
    histogram: histogram(ratings, count, scale),
    ratingsPerUser: quantiles(countsPer(table.users, count, users)),
    ratingsPerMovie: quantiles(countsPer(table.movies, count, movies)),
    timeSpan:
      first === Infinity
        ? null
        : {
            first: new Date(first * 1000).toISOString(),
            last: new Date(last * 1000).toISOString(),
            days: Math.floor((last - first) / 86400),
          },
    duplicatesResolved: report.duplicatesResolved,
    skippedInvalid: report.skippedInvalid,
    hasMovieInfo: table.movieInfo !== undefined,
    hasUserInfo: table.userInfo !== undefined,
  };
}

/** Number of rows per dense index (length `size`). */
export function countsPer(index: Int32Array, count: number, size: number): Int32Array {
  const out = new Int32Array(size);
  for (let i = 0; i < count; i++) out[index[i]!]!++;
  return out;
}

/** Quantiles of `values` (length ≥ 1; not modified). */
export function quantiles(values: Int32Array): Quantiles {
  const sorted = values.slice().sort();
  const at = (q: number): number => {
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  };
  return { min: at(0), p10: at(0.1), p25: at(0.25), p50: at(0.5), p75: at(0.75), p90: at(0.9), max: at(1) };
}

/** One bin per value of a stepped scale; otherwise CONTINUOUS_BINS equal-width bins over the observed range. */
export function histogram(ratings: Float32Array, count: number, scale: RatingScale): HistogramBin[] {
  const steps = scale.step > 0 ? Math.round((scale.max - scale.min) / scale.step) + 1 : Infinity;
  if (steps <= MAX_STEP_BINS) {
    const counts = new Float64Array(steps);
    for (let i = 0; i < count; i++) {
      const k = Math.round((ratings[i]! - scale.min) / scale.step);
      counts[Math.min(steps - 1, Math.max(0, k))]!++;
    }
    return Array.from(counts, (c, k) => {
      const v = round6(scale.min + k * scale.step);
      return { from: v, to: v, count: c };
    });
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < count; i++) {
    lo = Math.min(lo, ratings[i]!);
    hi = Math.max(hi, ratings[i]!);
  }
  const width = (hi - lo) / CONTINUOUS_BINS || 1;
  const counts = new Float64Array(CONTINUOUS_BINS);
  for (let i = 0; i < count; i++) {
    counts[Math.min(CONTINUOUS_BINS - 1, Math.floor((ratings[i]! - lo) / width))]!++;
  }
  return Array.from(counts, (c, k) => ({
    from: round6(lo + k * width),
    to: round6(k === CONTINUOUS_BINS - 1 ? hi : lo + (k + 1) * width),
    count: c,
  }));
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
