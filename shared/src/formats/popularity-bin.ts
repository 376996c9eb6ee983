/**
 * popularity.bin: cold-start rankings. Sections: `overall` i32 [M] every movie index, most rated in training
 * first; `genre_offsets` u32 [G+1] and `genre_movies` i32 [nnz]: for genre g (GENRES order), the movies of that
 * genre in the same order, at genre_movies[genre_offsets[g] .. genre_offsets[g+1]).
 */
import { ArtifactError } from '../errors.ts';
import { assertIndices, assertOffsets } from './checks.ts';
import { expectDim, openContainer, writeContainer } from './container.ts';

export const POPULARITY_BIN = 'popularity.bin';
export const POPULARITY_MAGIC = 'MQPO';

/** Popularity rankings of dense movie indices. */
export interface PopularityTables {
  /** [M] a permutation of 0..M-1, most popular first. */
  overall: Int32Array;
  /** [G+1] CSR offsets into genreMovies. */
  genreOffsets: Uint32Array;
  /** Per-genre rankings, concatenated. */
  genreMovies: Int32Array;
}

function assertPermutation(overall: Int32Array): void {
  assertIndices(POPULARITY_BIN, 'overall', overall, overall.length);
  const seen = new Uint8Array(overall.length);
  for (let i = 0; i < overall.length; i++) {
    const m = overall[i] as number;
    if (seen[m]) throw new ArtifactError(POPULARITY_BIN, `overall: movie ${m} appears twice (at ${i})`);
    seen[m] = 1;
  }
}

/**
 * Serializes the rankings.
 * @throws ArtifactError when `overall` is not a permutation or the genre CSR is inconsistent
 */
export function writePopularityBin(t: PopularityTables): Uint8Array {
  assertPermutation(t.overall);
  assertOffsets(POPULARITY_BIN, 'genre_offsets', t.genreOffsets, t.genreMovies.length);
  assertIndices(POPULARITY_BIN, 'genre_movies', t.genreMovies, t.overall.length);
  return writeContainer(POPULARITY_BIN, POPULARITY_MAGIC, [
    { name: 'overall', dtype: 'i32', dims: [t.overall.length], data: t.overall },
    { name: 'genre_offsets', dtype: 'u32', dims: [t.genreOffsets.length], data: t.genreOffsets },
    { name: 'genre_movies', dtype: 'i32', dims: [t.genreMovies.length], data: t.genreMovies },
  ]);
}

/**
 * Parses popularity.bin held in memory.
 * @param numMovies checked against the ranking length when given
 * @throws ArtifactError naming popularity.bin
 */
export function readPopularityBin(bytes: Uint8Array, numMovies?: number): PopularityTables {
  const c = openContainer(POPULARITY_BIN, POPULARITY_MAGIC, bytes);
  const overall = c.get('overall', 'i32', 1).data;
  if (numMovies !== undefined) expectDim(c.header, 'overall length (movies)', overall.length, numMovies);
  const genreOffsets = c.get('genre_offsets', 'u32', 1).data;
  const genreMovies = c.get('genre_movies', 'i32', 1).data;
  if (genreOffsets.length < 1) throw new ArtifactError(POPULARITY_BIN, 'genre_offsets must not be empty');
  assertPermutation(overall);
  assertOffsets(POPULARITY_BIN, 'genre_offsets', genreOffsets, genreMovies.length);
  assertIndices(POPULARITY_BIN, 'genre_movies', genreMovies, overall.length);
  return { overall, genreOffsets, genreMovies };
}

/**
 * The ranking of genre `g` (an index into GENRES), as a view; empty for a genre the file does not cover.
 */
export function genreRanking(t: PopularityTables, g: number): Int32Array {
  if (!Number.isInteger(g) || g < 0 || g + 1 >= t.genreOffsets.length) return new Int32Array(0);
  return t.genreMovies.subarray(t.genreOffsets[g] as number, t.genreOffsets[g + 1] as number);
}
