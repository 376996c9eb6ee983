/**
 * User segments: k-means (ml-kmeans, k-means++ seeding) on user embeddings, with k chosen by the mean silhouette
 * width. Silhouettes cost O(n² · dim), so they are measured on a seeded sample; k-means itself is fitted on a
 * (larger) seeded sample and every row is then assigned to its nearest centroid.
 */
import { kmeans } from 'ml-kmeans';
import { REPORT_STREAM, sampleIndices, takeRows, toRows } from './sample.ts';

/** A clustering of the rows of a matrix. */
export interface Clustering {
  k: number;
  /** Cluster of every row, in [0, k). */
  labels: Int32Array;
  /** [k, dim] row-major. */
  centroids: Float32Array;
}

/**
 * Mean silhouette width of a labelled set of points (Euclidean distance): for each point,
 * s = (b − a) / max(a, b) with a the mean distance to its own cluster and b the smallest mean distance to another
 * cluster; points alone in their cluster score 0. Ranges from −1 to 1; higher means tighter, better separated
 * clusters.
 * @param matrix [rows, dim] row-major
 * @param labels [rows], cluster ids in [0, k)
 * @returns NaN when fewer than 2 clusters are present
 * @throws RangeError when the shapes do not match or a label is out of range
 */
export function silhouetteScore(
  matrix: Float32Array,
  rows: number,
  dim: number,
  labels: Int32Array,
  k: number,
): number {
  if (matrix.length !== rows * dim || labels.length !== rows) {
    throw new RangeError(
      `silhouetteScore: expected a ${rows}×${dim} matrix and ${rows} labels (got ${matrix.length} and ${labels.length})`,
    );
  }
  const sizes = new Float64Array(k);
  labels.forEach((c) => {
    if (!(c >= 0 && c < k)) throw new RangeError(`silhouetteScore: label ${c} outside [0, ${k})`);
    sizes[c]!++;
  });
  if (sizes.filter((s) => s > 0).length < 2) return NaN;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    sums.fill(0);
    for (let j = 0; j < rows; j++) {
      if (j !== i)
        sums[labels[j] as number] = (sums[labels[j] as number] as number) + distance(matrix, dim, i, j);
    }
    const own = labels[i] as number;
    const ownSize = sizes[own] as number;
    if (ownSize <= 1) continue; // singleton: s = 0 by convention
    const a = (sums[own] as number) / (ownSize - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c !== own && (sizes[c] as number) > 0) b = Math.min(b, (sums[c] as number) / (sizes[c] as number));
    }
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / rows;
}

function distance(matrix: Float32Array, dim: number, i: number, j: number): number {
  let s = 0;
  for (let d = 0, a = i * dim, b = j * dim; d < dim; d++) {
    const x = (matrix[a + d] as number) - (matrix[b + d] as number);
    s += x * x;
  }
  return Math.sqrt(s);
}

/**
 * k-means with k-means++ seeding, deterministic for a given seed.
 * @throws RangeError when k is not in [1, rows]
 */
export function kmeansCluster(
  matrix: Float32Array,
  rows: number,
  dim: number,
  k: number,
  seed: number,
): Clustering {
  if (!Number.isSafeInteger(k) || k < 1 || k > rows) {
    throw new RangeError(`kmeansCluster: k must be a whole number in [1, ${rows}] (got ${k})`);
  }
  const result = kmeans(toRows(matrix, rows, dim), k, {
    seed,
    initialization: 'kmeans++',
    maxIterations: 100,
  });
  const centroids = new Float32Array(k * dim);
  result.centroids.forEach((c, i) => centroids.set(c, i * dim));
  return { k, labels: Int32Array.from(result.clusters), centroids };
}

/** Index of the nearest centroid (squared Euclidean distance) for every row of a [rows, dim] matrix. */
export function assignNearest(
  matrix: Float32Array,
  rows: number,
  dim: number,
  centroids: Float32Array,
): Int32Array {
  const k = centroids.length / dim;
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const x = (matrix[r * dim + d] as number) - (centroids[c * dim + d] as number);
        s += x * x;
      }
      if (s < bestD) {
        bestD = s;
        best = c;
      }
    }
    labels[r] = best;
  }
  return labels;
}

/** Options of `chooseClusters`. */
export interface ChooseKOptions {
  seed: number;
  /** Smallest k tried (default 2). */
  kMin?: number;
  /** Largest k tried (default 10; capped by the number of rows). */
  kMax?: number;
  /** Rows k-means is fitted on (default 5,000). */
  fitSample?: number;
  /** Rows the silhouette is measured on (default 1,000). */
  silhouetteSample?: number;
}

/** The chosen clustering plus the silhouette of every k tried. */
export interface ChosenClustering extends Clustering {
  scores: { k: number; silhouette: number }[];
  /** Rows the silhouettes were measured on. */
  silhouetteRows: number;
}

/**
 * Tries every k in [kMin, kMax], keeps the one with the highest mean silhouette (the smaller k on ties), and
 * assigns every row to its nearest centroid.
 * @throws RangeError when there are fewer than kMin + 1 rows or kMin < 2
 */
export function chooseClusters(
  matrix: Float32Array,
  rows: number,
  dim: number,
  options: ChooseKOptions,
): ChosenClustering {
  const kMin = options.kMin ?? 2;
  if (!Number.isSafeInteger(kMin) || kMin < 2 || rows <= kMin) {
    throw new RangeError(
      `chooseClusters: need kMin >= 2 and more than kMin rows (got kMin ${kMin}, ${rows} rows)`,
    );
  }
  const kMax = Math.min(options.kMax ?? 10, rows - 1);
  const fitRows = sampleIndices(rows, options.fitSample ?? 5000, options.seed, REPORT_STREAM.kmeans);
  const fitMatrix = takeRows(matrix, dim, fitRows);
  // The silhouette sample is drawn from the fitted rows, whose labels k-means already produced.
  const silPositions = sampleIndices(
    fitRows.length,
    options.silhouetteSample ?? 1000,
    options.seed,
    REPORT_STREAM.silhouette,
  );
  const silMatrix = takeRows(fitMatrix, dim, silPositions);
  let best: Clustering | undefined;
  let bestScore = -Infinity;
  const scores: { k: number; silhouette: number }[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const fit = kmeansCluster(fitMatrix, fitRows.length, dim, k, options.seed);
    const silLabels = silPositions.map((p) => fit.labels[p] as number);
    const silhouette = silhouetteScore(silMatrix, silPositions.length, dim, silLabels, k);
    scores.push({ k, silhouette });
    if (silhouette > bestScore || best === undefined) {
      best = fit;
      bestScore = Number.isNaN(silhouette) ? -Infinity : silhouette;
    }
  }
  const chosen = best as Clustering;
  return {
    ...chosen,
    labels: assignNearest(matrix, rows, dim, chosen.centroids),
    scores,
    silhouetteRows: silPositions.length,
  };
}
