/**
 * Users and movies without a training rating keep their random initial embedding, which would feed noise into
 * the MLP. Give them the mean embedding of the trained rows and a zero bias instead: their predictions become
 * "an average user/movie", which is the best guess without data.
 */
import type { ModelWeights } from './weights.ts';

/** How many training rows each user and movie has. */
export interface RowCounts {
  users: Int32Array;
  movies: Int32Array;
}

/** Counts training rows per user and movie. O(rows). */
export function countRows(
  users: Int32Array,
  movies: Int32Array,
  rows: Int32Array,
  numUsers: number,
  numMovies: number,
): RowCounts {
  const u = new Int32Array(numUsers);
  const m = new Int32Array(numMovies);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    u[users[r]!]!++;
    m[movies[r]!]!++;
  }
  return { users: u, movies: m };
}

function fillTable(emb: Float32Array, bias: Float32Array, counts: Int32Array, dim: number): number {
  const mean = new Float64Array(dim);
  let trained = 0;
  for (let r = 0; r < counts.length; r++) {
    if (counts[r]! === 0) continue;
    trained++;
    for (let k = 0; k < dim; k++) mean[k]! += emb[r * dim + k]!;
  }
  if (trained === 0) return 0;
  let filled = 0;
  for (let r = 0; r < counts.length; r++) {
    if (counts[r]! !== 0) continue;
    filled++;
    bias[r] = 0;
    for (let k = 0; k < dim; k++) emb[r * dim + k] = mean[k]! / trained;
  }
  return filled;
}

/**
 * Replaces, in place, the embedding of every user/movie with no training row by the mean trained embedding and
 * sets its bias to 0.
 * @returns how many users and movies were filled
 */
export function fillColdRows(w: ModelWeights, counts: RowCounts): { users: number; movies: number } {
  return {
    users: fillTable(w.userEmb, w.userBias, counts.users, w.dim),
    movies: fillTable(w.movieEmb, w.movieBias, counts.movies, w.dim),
  };
}
