/**
 * Builds the serving graph's inputs from dense (user, movie) pairs the way a caller with the user tables does:
 * the distinct users of the call become the rows of user_vec / user_bias and pair_user indexes those rows.
 */
import type { ModelWeights } from '../trainer/src/model/weights.ts';

/** Input arrays of the serving graph (names and shapes as in the serving contract). */
export interface ServingInputs {
  /** [U, dim] float32. */
  userVec: Float32Array;
  /** [U] float32. */
  userBias: Float32Array;
  /** [B] rows of userVec. */
  pairUser: BigInt64Array;
  /** [B] dense movie indices. */
  pairMovie: BigInt64Array;
  /** Number of distinct users U. */
  numUsers: number;
}

/**
 * Inputs scoring the aligned pairs (users[b], movies[b]).
 * @throws RangeError when the arrays differ in length or an index is out of range
 */
export function servingInputs(weights: ModelWeights, users: Int32Array, movies: Int32Array): ServingInputs {
  if (users.length !== movies.length) {
    throw new RangeError(
      `users and movies must have the same length (got ${users.length} and ${movies.length})`,
    );
  }
  const { dim } = weights;
  const rowOf = new Map<number, number>();
  const pairUser = new BigInt64Array(users.length);
  const pairMovie = new BigInt64Array(movies.length);
  for (let b = 0; b < users.length; b++) {
    const u = users[b] ?? -1;
    const m = movies[b] ?? -1;
    if (u < 0 || u >= weights.numUsers)
      throw new RangeError(`users[${b}] = ${u} out of range [0, ${weights.numUsers})`);
    if (m < 0 || m >= weights.numMovies) {
      throw new RangeError(`movies[${b}] = ${m} out of range [0, ${weights.numMovies})`);
    }
    let row = rowOf.get(u);
    if (row === undefined) {
      row = rowOf.size;
      rowOf.set(u, row);
    }
    pairUser[b] = BigInt(row);
    pairMovie[b] = BigInt(m);
  }
  const userVec = new Float32Array(rowOf.size * dim);
  const userBias = new Float32Array(rowOf.size);
  for (const [u, row] of rowOf) {
    userVec.set(weights.userEmb.subarray(u * dim, (u + 1) * dim), row * dim);
    userBias[row] = weights.userBias[u] ?? 0;
  }
  return { userVec, userBias, pairUser, pairMovie, numUsers: rowOf.size };
}
