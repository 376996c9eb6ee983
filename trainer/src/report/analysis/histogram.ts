/**
 * Histograms behind the distribution charts (residuals, biases) and the predicted-vs-actual heatmap. Bins are
 * computed here rather than by the charting library so the numbers are testable and the SVGs stay small.
 */

/** One bin of a histogram: [lo, hi) (the last bin includes hi). */
export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
}

/**
 * Counts `values` in `bins` equal-width bins over [min, max] (defaults: the finite range of the values). Values
 * outside the range and non-finite values are not counted.
 * @throws RangeError when bins is not a whole number ≥ 1 or max < min
 */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  range: { min?: number; max?: number } = {},
): HistogramBin[] {
  if (!Number.isSafeInteger(bins) || bins < 1) {
    throw new RangeError(`histogram: bins must be a whole number >= 1 (got ${bins})`);
  }
  let min = range.min ?? Infinity;
  let max = range.max ?? -Infinity;
  if (range.min === undefined || range.max === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      if (range.min === undefined && v < min) min = v;
      if (range.max === undefined && v > max) max = v;
    }
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) return []; // no finite values
  if (max < min) throw new RangeError(`histogram: max (${max}) must not be below min (${min})`);
  // A degenerate range (all values equal) still gets a bin of positive width.
  const width = max > min ? (max - min) / bins : 1;
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= min && v <= max)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  }
  return Array.from(counts, (count, b) => ({ lo: min + b * width, hi: min + (b + 1) * width, count }));
}

/** One cell of the predicted-vs-actual heatmap. */
export interface HeatmapCell {
  /** The true rating. */
  actual: number;
  /** Lower edge of the prediction bin. */
  predLo: number;
  /** Upper edge of the prediction bin. */
  predHi: number;
  count: number;
  /** count / number of ratings with this true rating: the distribution of predictions given the truth. */
  rowShare: number;
}

/**
 * Cross-tabulates predictions (binned over [min, max]) against true ratings (one row per distinct value).
 * Empty cells are omitted.
 * @throws RangeError when the arrays differ in length or the bins are invalid
 */
export function predictionHeatmap(
  predictions: Float32Array,
  truth: Float32Array,
  bins: number,
  range: { min: number; max: number },
): HeatmapCell[] {
  if (predictions.length !== truth.length) {
    throw new RangeError(
      `predictionHeatmap: predictions and truth differ in length (${predictions.length} vs ${truth.length})`,
    );
  }
  if (!Number.isSafeInteger(bins) || bins < 1 || !(range.max > range.min)) {
    throw new RangeError(
      `predictionHeatmap: expected bins >= 1 and max > min (got ${bins}, [${range.min}, ${range.max}])`,
    );
  }
  const width = (range.max - range.min) / bins;
  const rows = new Map<number, Float64Array>();
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    const p = Math.min(range.max, Math.max(range.min, predictions[i] as number));
    let row = rows.get(t);
    if (row === undefined) rows.set(t, (row = new Float64Array(bins)));
    row[Math.min(bins - 1, Math.floor((p - range.min) / width))]!++;
  }
  const cells: HeatmapCell[] = [];
  for (const actual of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(actual) as Float64Array;
    const total = row.reduce((s, c) => s + c, 0);
    row.forEach((count, b) => {
      if (count > 0) {
        const predLo = range.min + b * width;
        cells.push({ actual, predLo, predHi: predLo + width, count, rowShare: count / total });
      }
    });
  }
  return cells;
}
