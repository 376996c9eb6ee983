/**
 * 2-D projections of embedding tables for the embedding map: PCA (ml-pca) with its explained variance, and UMAP
 * (umap-js) with a seeded random source so the map is the same on every run.
 */
import { PCA } from 'ml-pca';
import { UMAP } from 'umap-js';
import { createRng } from '../../../../shared/src/kernels/prng.ts';
import { REPORT_STREAM, toRows } from './sample.ts';

/** A 2-D projection: coordinates of row i at [2i, 2i + 1]. */
export interface Projection2d {
  coords: Float64Array;
}

/** PCA projection plus the share of variance each component explains. */
export interface PcaProjection extends Projection2d {
  /** Explained variance ratio of every principal component, descending; sums to 1. */
  explained: number[];
}

/**
 * Projects the rows of a [rows, dim] matrix on their first two principal components (centred, not scaled).
 * @throws RangeError when the matrix shape does not match or there are fewer than 2 rows or dims
 */
export function pcaProject(matrix: Float32Array, rows: number, dim: number): PcaProjection {
  if (rows < 2 || dim < 2)
    throw new RangeError(`pcaProject: need at least 2 rows and 2 dims (got ${rows}×${dim})`);
  const data = toRows(matrix, rows, dim);
  const pca = new PCA(data, { center: true, scale: false });
  const projected = pca.predict(data, { nComponents: 2 });
  const coords = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    coords[2 * r] = projected.get(r, 0);
    coords[2 * r + 1] = projected.get(r, 1);
  }
  return { coords, explained: pca.getExplainedVariance() };
}

/** Options of `umapProject`. */
export interface UmapOptions {
  seed: number;
  /** Neighbourhood size (default 15, lowered to rows − 1 for tiny inputs). */
  nNeighbors?: number;
  /** Optimisation epochs (default 200). */
  nEpochs?: number;
  /** Minimum distance between embedded points (default 0.1). */
  minDist?: number;
}

/**
 * Embeds the rows of a [rows, dim] matrix in 2-D with UMAP, seeded. Cost grows with rows × nNeighbors × nEpochs:
 * a few seconds for 2,000 rows.
 * @throws RangeError when the matrix shape does not match or there are fewer than 3 rows
 */
export function umapProject(
  matrix: Float32Array,
  rows: number,
  dim: number,
  options: UmapOptions,
): Projection2d {
  if (rows < 3) throw new RangeError(`umapProject: need at least 3 rows (got ${rows})`);
  const rng = createRng(options.seed, REPORT_STREAM.umap);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(options.nNeighbors ?? 15, rows - 1),
    nEpochs: options.nEpochs ?? 200,
    minDist: options.minDist ?? 0.1,
    random: () => rng.nextFloat(),
  });
  const embedding = umap.fit(toRows(matrix, rows, dim));
  const coords = new Float64Array(rows * 2);
  embedding.forEach((p, r) => {
    coords[2 * r] = p[0] as number;
    coords[2 * r + 1] = p[1] as number;
  });
  return { coords };
}
