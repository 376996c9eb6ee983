/**
 * Implicit feedback in the user representation (the idea of SVD++): which movies a user chose to rate says much
 * about their taste, whatever the ratings. Each user's embedding is e_u + α · mean(e_m over the movies u rated in
 * training), where only e_u is free; the mean is recomputed from the current movie embeddings at the start of each
 * epoch (a stop-gradient, O(training ratings × dim) per epoch). The L2 prior then pulls e_u towards zero, i.e. a
 * user with few ratings towards "the average of what they watch" instead of towards the average user.
 *
 * The exported weights hold the sum (loop.ts folds it in), so ModelWeights and every consumer are unchanged.
 */
import type { RatingsTable } from '../data/types.ts';
import type { ModelWeights } from '../model/weights.ts';

/** `--implicit auto`'s weight without declared genre preferences. */
export const AUTO_IMPLICIT = 1;

/** Whether any user of `table` declared a favourite or disliked genre (users.csv favoriteGenres / dislikedGenre). */
export function hasDeclaredPreferences(table: RatingsTable): boolean {
  const info = table.userInfo;
  if (info === undefined) return false;
  return info.likedGenres.some((m) => m !== 0) || info.dislikedGenres.some((m) => m !== 0);
}

/**
 * The implicit-feedback weight α a run uses. `auto` is AUTO_IMPLICIT, or 0 when the side features include users'
 * declared genre preferences: both tell the model a user's taste, and with the declared ones the implicit part adds
 * more noise than information (docs/experiments/rating-accuracy.md: standard preset 0.8929 → 0.8914 test RMSE with α 1 → 0; on a
 * MovieLens-100K-shaped set without declared preferences α 1 beats 0, 0.9463 vs 0.9493).
 */
export function resolveImplicit(
  implicit: number | 'auto',
  sideFeatures: boolean,
  table: RatingsTable,
): { alpha: number; why: string } {
  if (implicit !== 'auto') return { alpha: implicit, why: 'set' };
  return sideFeatures && hasDeclaredPreferences(table)
    ? { alpha: 0, why: 'auto: off, users declare genre preferences' }
    : { alpha: AUTO_IMPLICIT, why: 'auto' };
}

/**
 * Writes α · mean(movieEmb[m] for the training rows of u) into `out` ([numUsers, dim]); 0 for users without rows.
 * @param perUser training rows per user (the counts of model/cold-rows.ts)
 */
export function implicitOffsets(
  w: ModelWeights,
  users: Int32Array,
  movies: Int32Array,
  rows: Int32Array,
  perUser: Int32Array,
  alpha: number,
  out: Float32Array,
): void {
  const d = w.dim;
  const acc = new Float64Array(w.numUsers * d);
  const emb = w.movieEmb;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const uo = users[r]! * d;
    const mo = movies[r]! * d;
    for (let k = 0; k < d; k++) acc[uo + k]! += emb[mo + k]!;
  }
  for (let u = 0; u < w.numUsers; u++) {
    const n = perUser[u]!;
    const scale = n > 0 ? alpha / n : 0;
    for (let k = 0; k < d; k++) out[u * d + k] = acc[u * d + k]! * scale;
  }
}
