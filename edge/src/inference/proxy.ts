/**
 * The cheap part of a rating, computed for every movie in plain JS: b_movie, plus e_user·e_movie for the hybrid
 * architecture (one matVec over the raw embeddings). The full rating is this proxy plus g(user, movie) =
 * mu + b_user + MLP(...), and the pruned ranking bounds g's spread to skip movies that cannot make the top-N.
 */
import { matVec } from '../../../shared/src/kernels/vectors.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';

/**
 * Proxy score per movie; NaN for movies that are excluded or lack every genre of `genreMask` (0 = no filter).
 * @param exclude dense movie indices, any order
 * @returns Float32Array [numMovies]
 */
export function proxyScores(
  catalog: MovieCatalog,
  arch: 'dcf' | 'hybrid',
  vec: Float32Array,
  genreMask = 0,
  exclude: Int32Array = new Int32Array(0),
): Float32Array {
  const { numMovies, dim, tables, genres } = catalog;
  const out = arch === 'hybrid' ? matVec(tables.emb, numMovies, dim, vec) : new Float32Array(numMovies);
  for (let m = 0; m < numMovies; m++) {
    out[m] =
      genreMask !== 0 && ((genres[m] as number) & genreMask) === 0
        ? NaN
        : (out[m] as number) + (tables.bias[m] as number);
  }
  for (const m of exclude) if (m >= 0 && m < numMovies) out[m] = NaN;
  return out;
}
