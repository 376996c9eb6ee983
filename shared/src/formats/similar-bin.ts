/**
 * similar.bin: precomputed nearest movies. Sections: `indices` i32 [M, K] and `scores` f32 [M, K]: row m holds
 * the K movies with the highest cosine similarity to m (m itself excluded), best first, ties by lower index.
 */
import { ArtifactError } from '../errors.ts';
import { assertFinite, assertIndices } from './checks.ts';
import { expectDim, openContainer, writeContainer } from './container.ts';

export const SIMILAR_BIN = 'similar.bin';
export const SIMILAR_MAGIC = 'MQSI';

/** Top-K neighbours per movie; matrices row-major [numMovies, k]. */
export interface SimilarTables {
  numMovies: number;
  k: number;
  indices: Int32Array;
  scores: Float32Array;
}

/**
 * Serializes the neighbour tables.
 * @throws ArtifactError when a length mismatches, an index is out of range or a score is not finite
 */
export function writeSimilarBin(t: SimilarTables): Uint8Array {
  assertIndices(SIMILAR_BIN, 'indices', t.indices, t.numMovies);
  assertFinite(SIMILAR_BIN, 'scores', t.scores);
  return writeContainer(SIMILAR_BIN, SIMILAR_MAGIC, [
    { name: 'indices', dtype: 'i32', dims: [t.numMovies, t.k], data: t.indices },
    { name: 'scores', dtype: 'f32', dims: [t.numMovies, t.k], data: t.scores },
  ]);
}

/**
 * Parses similar.bin held in memory.
 * @param numMovies checked against the row count when given
 * @throws ArtifactError naming similar.bin
 */
export function readSimilarBin(bytes: Uint8Array, numMovies?: number): SimilarTables {
  const c = openContainer(SIMILAR_BIN, SIMILAR_MAGIC, bytes);
  const indices = c.get('indices', 'i32', 2);
  const scores = c.get('scores', 'f32', 2);
  const [m, k] = indices.info.dims as [number, number];
  if (numMovies !== undefined) expectDim(c.header, 'indices rows (movies)', m, numMovies);
  expectDim(c.header, 'scores rows', scores.info.dims[0] as number, m);
  expectDim(c.header, 'scores columns (k)', scores.info.dims[1] as number, k);
  if (k >= m && m > 0)
    throw new ArtifactError(SIMILAR_BIN, `k = ${k} must be below the number of movies (${m})`);
  assertIndices(SIMILAR_BIN, 'indices', indices.data, m);
  assertFinite(SIMILAR_BIN, 'scores', scores.data);
  return { numMovies: m, k, indices: indices.data, scores: scores.data };
}

/** Row `movie` of the tables: its K neighbours and their cosine similarities (views). */
export function neighboursOf(t: SimilarTables, movie: number): { indices: Int32Array; scores: Float32Array } {
  const at = movie * t.k;
  return { indices: t.indices.subarray(at, at + t.k), scores: t.scores.subarray(at, at + t.k) };
}
