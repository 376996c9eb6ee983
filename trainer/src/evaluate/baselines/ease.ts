/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): a linear movie-to-movie model of
 * the binary user × movie matrix X of the training rows (a user rated a movie = 1, whatever the rating). With
 * G = XᵀX + λI and P = G⁻¹, the weights are B = I − P·diag(1/diag P), i.e. B_ij = −P_ij / P_jj and B_jj = 0:
 * the minimiser of ‖X − XB‖² + λ‖B‖² subject to diag(B) = 0. A user's scores are x_u·B, the sum of B's rows
 * over the user's training movies.
 *
 * λ is chosen on validation: ~10% of each user's training movies are held out (seeded), EASE is fitted on the
 * rest for each λ of a grid and scored by NDCG@k of the held-out movies rated ≥ 4 (the evaluation protocol),
 * then the chosen λ is refitted on every training row. The default grid is scaled to the data: multiples of
 * the mean number of ratings per movie, the order of XᵀX's diagonal.
 *
 * Cost: one dense movies × movies Float64 matrix (movies² × 8 bytes, reused by every fit) and ~movies³/2
 * multiply-adds per fit, one fit per λ plus the refit; above `maxMovies` the baseline is skipped.
 *
 * EASE has no rating model: predict() returns the popularity baseline's shrunk movie mean, so its RMSE
 * columns are popularity's and only its ranking columns measure EASE.
 */
import { createRng, partialShuffle, type Rng } from '../../../../shared/src/kernels/prng.ts';
import { topK } from '../../../../shared/src/kernels/top-k.ts';
import { listMetrics } from '../ranking-metrics.ts';
import type { RatingModel } from '../types.ts';
import { itemsOf, type UserItems } from '../user-items.ts';
import { popularityModel } from './popularity.ts';
import type { TrainData } from './train-data.ts';

/** PRNG streams of this baseline (distinct from the split, sampling and MF streams). */
const HOLDOUT_STREAM = 31;
const SAMPLE_STREAM = 32;

/**
 * Default λ grid, in multiples of the mean number of (fit) ratings per movie, the order of XᵀX's diagonal.
 * Steck's λ for MovieLens 20M, Netflix and the Million Song Data Set (500, 1000, 200) are roughly 0.25–1 ×
 * that mean after his preprocessing; on the synthetic small and standard presets the best were 4–8 ×. Steps
 * of 4× keep the search to four fits: validation NDCG@10 moved by ~1% within a factor of 2 of the best λ on
 * both presets.
 */
export const EASE_LAMBDA_FACTORS: readonly number[] = [0.25, 1, 4, 16];

export const EASE_DEFAULTS = {
  validationShare: 0.1,
  validationUsers: 500,
  k: 10,
  relevantThreshold: 4,
  /** 20,000² × 8 bytes = 3.2 GB. */
  maxMovies: 20_000,
  shrinkage: 10,
  seed: 42,
} as const;

export interface EaseOptions {
  /**
   * L2 penalties to choose from on the validation hold-out (default: EASE_LAMBDA_FACTORS × the mean number of
   * ratings per movie, rounded to two significant digits). A single value is used as is, without validation.
   */
  lambdas?: readonly number[];
  /** Share of each user's training movies held out to choose λ (default 0.1). */
  validationShare?: number;
  /** Users ranked per λ on the hold-out, a seeded sample (default 500). */
  validationUsers?: number;
  /** Cut-off of the validation NDCG (default 10). */
  k?: number;
  /** A held-out rating at least this high is relevant (default 4, as in evaluation). */
  relevantThreshold?: number;
  /** Above this many movies EASE is skipped: its matrix takes movies² × 8 bytes (default 20,000). */
  maxMovies?: number;
  /** Pseudo-count of predict()'s shrunk movie mean (default 10, as the popularity baseline). */
  shrinkage?: number;
  /** Seed of the hold-out and of the validation user sample (default 42). */
  seed?: number;
}

/** EASE as a RatingModel, with the λ it was fitted with. */
export interface EaseModel extends RatingModel {
  /** L2 penalty of the final fit. */
  readonly lambda: number;
  /** How λ was chosen, one line for the evaluation output: "ease: λ = 3200, the best NDCG@10 on ...". */
  readonly note: string;
}

/** Each user's distinct training movies (ascending), with the user's highest rating of each. */
export interface UserMovieSets extends UserItems {
  /** Aligned with `movies`. */
  ratings: Float32Array;
}

/**
 * Why EASE cannot run on this many movies, or undefined when it can.
 * @param maxMovies the limit (default EASE_DEFAULTS.maxMovies)
 */
export function easeSkipReason(
  numMovies: number,
  maxMovies: number = EASE_DEFAULTS.maxMovies,
): string | undefined {
  if (numMovies <= maxMovies) return undefined;
  const gb = (numMovies * numMovies * 8) / 1e9;
  return (
    `ease: skipped, ${numMovies} movies need a ${numMovies}² × 8-byte matrix (${gb.toFixed(1)} GB); ` +
    `the limit is ${maxMovies} movies (ease.maxMovies).`
  );
}

/**
 * Fits EASE on the training rows, choosing λ on a hold-out of them unless a single λ is given.
 * @throws RangeError when the data has more than `maxMovies` movies, or on an option out of range
 */
export function easeModel(data: TrainData, options: EaseOptions = {}): EaseModel {
  const o: ResolvedOptions = { ...EASE_DEFAULTS, ...options };
  checkOptions(o);
  const numMovies = data.numMovies;
  const skip = easeSkipReason(numMovies, o.maxMovies);
  if (skip !== undefined) throw new RangeError(skip);
  const sets = userMovieSets(data);
  const weights = allocateSquare(numMovies);
  const choice =
    o.lambdas?.length === 1
      ? { lambda: o.lambdas[0] as number, note: `ease: λ = ${o.lambdas[0]} (given).` }
      : chooseLambda(sets, numMovies, weights, o);
  easeWeights(sets, numMovies, choice.lambda, weights);
  const popularity = popularityModel(data, { shrinkage: o.shrinkage });
  const sums = new Float64Array(numMovies);
  return {
    name: 'ease',
    lambda: choice.lambda,
    note: choice.note,
    predict: popularity.predict,
    scoreAll: (user, out) => {
      sumRows(weights, numMovies, itemsOf(sets, user), sums);
      out.set(sums);
    },
  };
}

type ResolvedOptions = Required<Omit<EaseOptions, 'lambdas'>> & Pick<EaseOptions, 'lambdas'>;

function checkOptions(o: ResolvedOptions): void {
  if (o.lambdas !== undefined && (o.lambdas.length === 0 || !o.lambdas.every((l) => l > 0 && l < Infinity))) {
    throw new RangeError(
      `ease.lambdas: expected one or more finite numbers > 0 (got [${o.lambdas.join(', ')}])`,
    );
  }
  if (!(o.validationShare > 0 && o.validationShare < 1)) {
    throw new RangeError(`ease.validationShare: expected a number in (0, 1) (got ${o.validationShare})`);
  }
  if (!Number.isInteger(o.validationUsers) || o.validationUsers < 1) {
    throw new RangeError(`ease.validationUsers: expected a whole number >= 1 (got ${o.validationUsers})`);
  }
}

/**
 * Fits EASE on all but a hold-out of each user's movies for every λ of the grid, and picks the λ with the
 * best NDCG@k of the held-out relevant movies (the first of equals). `weights` is scratch space (movies²).
 */
function chooseLambda(
  sets: UserMovieSets,
  numMovies: number,
  weights: Float64Array,
  o: ResolvedOptions,
): { lambda: number; note: string } {
  const { fit, held } = holdOut(sets, o.validationShare, createRng(o.seed, HOLDOUT_STREAM));
  const grid = o.lambdas ?? defaultLambdas(fit.movies.length / numMovies);
  const users = validationUsers(held, o.relevantThreshold, o.validationUsers, o.seed);
  const share = `${Math.round(o.validationShare * 100)}%`;
  if (users.length === 0) {
    const lambda = grid[grid.length >> 1] as number;
    return {
      lambda,
      note:
        `ease: λ = ${lambda}, the middle of the grid: no user has a held-out rating >= ` +
        `${o.relevantThreshold} in a ${share} hold-out of the training movies to choose by.`,
    };
  }
  const ndcgs = grid.map((lambda) => {
    easeWeights(fit, numMovies, lambda, weights);
    return meanNdcg(weights, numMovies, fit, held, users, o);
  });
  let best = 0;
  for (let i = 1; i < ndcgs.length; i++) if ((ndcgs[i] as number) > (ndcgs[best] as number)) best = i;
  const lambda = grid[best] as number;
  const tried = grid.map((l, i) => `${l}: ${(ndcgs[i] as number).toFixed(4)}`).join(', ');
  const edge =
    Math.min(...grid) === lambda
      ? ', the smallest tried'
      : Math.max(...grid) === lambda
        ? ', the largest tried'
        : '';
  return {
    lambda,
    note:
      `ease: λ = ${lambda}${edge}, the best NDCG@${o.k} on a ${share} hold-out of the training movies ` +
      `(${users.length} users; ${tried}).`,
  };
}

/** λ grid for a mean of `perMovie` ratings per movie, two significant digits. */
function defaultLambdas(perMovie: number): number[] {
  const values = EASE_LAMBDA_FACTORS.map((f) => Math.max(1, Number((f * perMovie).toPrecision(2))));
  return [...new Set(values)];
}

/** The users with a relevant held-out movie, at most `max` of them (a seeded sample), ascending. */
function validationUsers(held: UserMovieSets, threshold: number, max: number, seed: number): Int32Array {
  const eligible: number[] = [];
  for (let u = 0; u + 1 < held.offsets.length; u++) {
    for (let p = held.offsets[u] as number; p < (held.offsets[u + 1] as number); p++) {
      if ((held.ratings[p] as number) >= threshold) {
        eligible.push(u);
        break;
      }
    }
  }
  const users = Int32Array.from(eligible);
  if (users.length <= max) return users;
  partialShuffle(users, 0, users.length, max, createRng(seed, SAMPLE_STREAM));
  return users.slice(0, max).sort();
}

/** Mean NDCG@k of the held-out relevant movies, each user ranked over every movie outside their fit set. */
function meanNdcg(
  weights: Float64Array,
  numMovies: number,
  fit: UserMovieSets,
  held: UserMovieSets,
  users: Int32Array,
  o: ResolvedOptions,
): number {
  const sums = new Float64Array(numMovies);
  const scores = new Float32Array(numMovies);
  const relevant = new Uint8Array(numMovies);
  let total = 0;
  for (const u of users) {
    const heldMovies = itemsOf(held, u);
    const from = held.offsets[u] as number;
    let numRelevant = 0;
    heldMovies.forEach((m, i) => {
      if ((held.ratings[from + i] as number) >= o.relevantThreshold) {
        relevant[m] = 1;
        numRelevant++;
      }
    });
    const own = itemsOf(fit, u);
    sumRows(weights, numMovies, own, sums);
    scores.set(sums);
    total += listMetrics(topK(scores, o.k, { sorted: own }).indices, relevant, numRelevant, o.k).ndcg;
    for (const m of heldMovies) relevant[m] = 0;
  }
  return total / users.length;
}

/**
 * The EASE weights B for penalty λ: B_ij = −P_ij / P_jj, B_jj = 0, with P = (XᵀX + λI)⁻¹ and X the binary
 * matrix of `sets` (each user's distinct movies, ascending).
 * @param out movies × movies scratch to fill (row-major; default a new array)
 * @returns `out`, row i holding the weights of movie i towards every movie
 * @throws RangeError when XᵀX + λI is not positive definite (only possible for λ <= 0)
 */
export function easeWeights(
  sets: UserItems,
  numMovies: number,
  lambda: number,
  out: Float64Array = allocateSquare(numMovies),
): Float64Array {
  const n = numMovies;
  gramLower(sets, n, out);
  for (let i = 0; i < n; i++) out[i * n + i] = (out[i * n + i] as number) + lambda;
  invertSpd(out, n);
  const scale = new Float64Array(n);
  for (let j = 0; j < n; j++) scale[j] = -1 / (out[j * n + j] as number);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[row + j] = (out[row + j] as number) * (scale[j] as number);
    out[row + i] = 0;
  }
  return out;
}

/** The lower triangle (with the diagonal) of XᵀX into `out`: co-occurrence counts of movie pairs. */
function gramLower(sets: UserItems, n: number, out: Float64Array): void {
  out.fill(0);
  const { offsets, movies } = sets;
  for (let u = 0; u + 1 < offsets.length; u++) {
    const from = offsets[u] as number;
    const to = offsets[u + 1] as number;
    for (let p = from; p < to; p++) {
      const row = (movies[p] as number) * n;
      // Movies are ascending, so q ≤ p is the lower triangle.
      for (let q = from; q <= p; q++) out[row + (movies[q] as number)]!++;
    }
  }
}

/** out = Σ of the rows `rows` of the row-major n × n matrix. */
function sumRows(matrix: Float64Array, n: number, rows: Int32Array, out: Float64Array): void {
  out.fill(0);
  for (const r of rows) {
    const row = r * n;
    for (let j = 0; j < n; j++) out[j] = (out[j] as number) + (matrix[row + j] as number);
  }
}

function allocateSquare(n: number): Float64Array {
  try {
    return new Float64Array(n * n);
  } catch (cause) {
    throw new RangeError(
      `ease: cannot allocate the ${n} × ${n} Float64 matrix (${((n * n * 8) / 1e9).toFixed(1)} GB)`,
      {
        cause,
      },
    );
  }
}

/**
 * Each user's distinct training movies in CSR form, ascending (duplicate ratings of a pair merged, keeping
 * the highest). O(ratings + users + movies): rows are bucketed by movie, then dealt to users in that order.
 */
export function userMovieSets(data: TrainData): UserMovieSets {
  const { users, movies, ratings, numUsers, numMovies } = data;
  const n = movies.length;
  // Start of each movie's rows, advanced as they are placed.
  const movieCursor = new Int32Array(numMovies + 1);
  for (let i = 0; i < n; i++) movieCursor[(movies[i] as number) + 1]!++;
  for (let m = 0; m < numMovies; m++)
    movieCursor[m + 1] = (movieCursor[m + 1] as number) + (movieCursor[m] as number);
  const byMovie = new Int32Array(n);
  for (let i = 0; i < n; i++) byMovie[movieCursor[movies[i] as number]!++] = i;

  const offsets = new Int32Array(numUsers + 1);
  for (let i = 0; i < n; i++) offsets[(users[i] as number) + 1]!++;
  for (let u = 0; u < numUsers; u++) offsets[u + 1] = (offsets[u + 1] as number) + (offsets[u] as number);
  const cursor = offsets.slice(0, numUsers);
  const sortedMovies = new Int32Array(n);
  const sortedRatings = new Float32Array(n);
  for (const i of byMovie) {
    const p = cursor[users[i] as number]!++;
    sortedMovies[p] = movies[i] as number;
    sortedRatings[p] = ratings[i] as number;
  }
  // Merge duplicates in place; `offsets` is rewritten behind the read cursor.
  let write = 0;
  for (let u = 0; u < numUsers; u++) {
    const from = offsets[u] as number;
    const to = offsets[u + 1] as number;
    offsets[u] = write;
    for (let p = from; p < to; p++) {
      if (write > (offsets[u] as number) && sortedMovies[write - 1] === sortedMovies[p]) {
        sortedRatings[write - 1] = Math.max(sortedRatings[write - 1] as number, sortedRatings[p] as number);
      } else {
        sortedMovies[write] = sortedMovies[p] as number;
        sortedRatings[write] = sortedRatings[p] as number;
        write++;
      }
    }
  }
  offsets[numUsers] = write;
  return { offsets, movies: sortedMovies.subarray(0, write), ratings: sortedRatings.subarray(0, write) };
}

/**
 * Splits each user's movies into a fit part and a held-out part of round(share × count) movies drawn with
 * `rng` (none when that would be all of them).
 */
function holdOut(sets: UserMovieSets, share: number, rng: Rng): { fit: UserMovieSets; held: UserMovieSets } {
  const { offsets } = sets;
  const positions = Int32Array.from({ length: sets.movies.length }, (_, p) => p);
  const isHeld = new Uint8Array(sets.movies.length);
  for (let u = 0; u + 1 < offsets.length; u++) {
    const from = offsets[u] as number;
    const to = offsets[u + 1] as number;
    const count = Math.round((to - from) * share);
    if (count === 0 || count === to - from) continue;
    partialShuffle(positions, from, to, count, rng);
    for (let p = from; p < from + count; p++) isHeld[positions[p] as number] = 1;
  }
  return { fit: selectEntries(sets, isHeld, 0), held: selectEntries(sets, isHeld, 1) };
}

/** The entries p of `sets` with flags[p] === want, in the same order. */
function selectEntries(sets: UserMovieSets, flags: Uint8Array, want: 0 | 1): UserMovieSets {
  const numUsers = sets.offsets.length - 1;
  const offsets = new Int32Array(numUsers + 1);
  let count = 0;
  for (const f of flags) if (f === want) count++;
  const movies = new Int32Array(count);
  const ratings = new Float32Array(count);
  let write = 0;
  for (let u = 0; u < numUsers; u++) {
    for (let p = sets.offsets[u] as number; p < (sets.offsets[u + 1] as number); p++) {
      if (flags[p] !== want) continue;
      movies[write] = sets.movies[p] as number;
      ratings[write] = sets.ratings[p] as number;
      write++;
    }
    offsets[u + 1] = write;
  }
  return { offsets, movies, ratings };
}

// -----------------------------------------------------------------------------------------------------------
// Dense symmetric positive-definite inversion, in place, over one row-major n × n Float64Array.
//
// Three passes of n³/6 multiply-adds each, all written as dot products of two contiguous row segments so the
// inner loops stream memory in order: (1) the Cholesky factor L of the lower triangle, G = LLᵀ; (2) T = L⁻ᵀ
// into the upper triangle (L's diagonal kept aside); (3) P = TᵀT into the lower triangle, then mirrored. The
// bulk of each pass runs 4 × 4 tiles of dot products (16 independent sums share 8 loads): n = 2,000 took
// 1.8–2.7 s here, against 9.3 s for the same passes row by row.
// -----------------------------------------------------------------------------------------------------------

const TILE = 4;

/**
 * Replaces the symmetric positive-definite matrix `a` (row-major n × n; only its lower triangle is read) by
 * its inverse (full, symmetric).
 * @throws RangeError when a pivot is not positive (the matrix is not positive definite)
 */
export function invertSpd(a: Float64Array, n: number): void {
  if (a.length !== n * n)
    throw new RangeError(`invertSpd: expected ${n} × ${n} = ${n * n} entries (got ${a.length})`);
  const diag = new Float64Array(n);
  const tile = new Float64Array(TILE * TILE);
  cholesky(a, n, diag, tile);
  invertFactor(a, n, diag, tile);
  multiplyFactor(a, n, tile);
  mirrorLower(a, n);
}

/** Pass 1: L into the lower triangle with the diagonal (also into `diag`): L_ij = (G_ij − L_i·L_j) / L_jj. */
function cholesky(a: Float64Array, n: number, diag: Float64Array, tile: Float64Array): void {
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const iEnd = Math.min(i0 + TILE, n);
    let jDone = 0;
    if (iEnd - i0 === TILE) {
      for (let j0 = 0; j0 + TILE <= i0; j0 += TILE) {
        dot4x4(a, i0 * n, j0 * n, n, 0, j0, tile);
        for (let jj = 0; jj < TILE; jj++) {
          const j = j0 + jj;
          for (let ii = 0; ii < TILE; ii++) {
            const rowI = (i0 + ii) * n;
            const s = (tile[ii * TILE + jj] as number) + dot(a, rowI, j * n, j0, j);
            a[rowI + j] = ((a[rowI + j] as number) - s) / (diag[j] as number);
          }
        }
        jDone = j0 + TILE;
      }
    }
    for (let i = i0; i < iEnd; i++) {
      const rowI = i * n;
      for (let j = jDone; j <= i; j++) {
        const v = (a[rowI + j] as number) - dot(a, rowI, j * n, 0, j);
        if (j < i) {
          a[rowI + j] = v / (diag[j] as number);
        } else if (v > 0) {
          a[rowI + i] = diag[i] = Math.sqrt(v);
        } else {
          throw new RangeError(`invertSpd: the matrix is not positive definite (pivot ${i} is ${v})`);
        }
      }
    }
  }
}

/**
 * Pass 2: T = L⁻ᵀ into the upper triangle with the diagonal (L's strict lower triangle is still read): T_jj =
 * 1 / L_jj and T_ji = −(Σ_{k=j}^{i−1} L_ik T_jk) / L_ii for i > j. Rows of T are independent of each other.
 */
function invertFactor(a: Float64Array, n: number, diag: Float64Array, tile: Float64Array): void {
  for (let j = 0; j < n; j++) a[j * n + j] = 1 / (diag[j] as number);
  const entry = (j: number, i: number): void => {
    a[j * n + i] = -dot(a, i * n, j * n, j, i) / (diag[i] as number);
  };
  for (let j0 = 0; j0 < n; j0 += TILE) {
    const jEnd = Math.min(j0 + TILE, n);
    // Columns inside the block's own diagonal tile, then full tiles, then what is left of the row.
    for (let j = j0; j < jEnd; j++) for (let i = j + 1; i < jEnd; i++) entry(j, i);
    let i0 = jEnd;
    if (jEnd - j0 === TILE) {
      const shared = j0 + TILE - 1; // every row of the block has T entries from here on
      for (; i0 + TILE <= n; i0 += TILE) {
        dot4x4(a, i0 * n, j0 * n, n, shared, i0, tile);
        for (let jj = 0; jj < TILE; jj++) {
          const rowJ = (j0 + jj) * n;
          // Within the tile, T_ji needs T_jk for i0 ≤ k < i, so columns go left to right.
          for (let ii = 0; ii < TILE; ii++) {
            const i = i0 + ii;
            const rowI = i * n;
            const s =
              (tile[ii * TILE + jj] as number) +
              dot(a, rowI, rowJ, j0 + jj, shared) +
              dot(a, rowI, rowJ, i0, i);
            a[rowJ + i] = -s / (diag[i] as number);
          }
        }
      }
    }
    for (let j = j0; j < jEnd; j++) for (let i = Math.max(i0, j + 1); i < n; i++) entry(j, i);
  }
}

/**
 * Pass 3: P = TᵀT into the lower triangle with the diagonal: P_ij = Σ_{k≥i} T_ik T_jk for i ≥ j. Computing
 * row i reads T only from column i on, and later rows only further right, so rows are filled in order and
 * P_ii overwrites T_ii once the rest of row i is done.
 */
function multiplyFactor(a: Float64Array, n: number, tile: Float64Array): void {
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const iEnd = Math.min(i0 + TILE, n);
    let jDone = 0;
    if (iEnd - i0 === TILE) {
      const shared = i0 + TILE - 1;
      for (let j0 = 0; j0 + TILE <= i0; j0 += TILE) {
        dot4x4(a, i0 * n, j0 * n, n, shared, n, tile);
        for (let ii = 0; ii < TILE; ii++) {
          const rowI = (i0 + ii) * n;
          for (let jj = 0; jj < TILE; jj++) {
            const rowJ = (j0 + jj) * n;
            a[rowI + j0 + jj] = (tile[ii * TILE + jj] as number) + dot(a, rowI, rowJ, i0 + ii, shared);
          }
        }
        jDone = j0 + TILE;
      }
    }
    for (let i = i0; i < iEnd; i++) {
      const rowI = i * n;
      for (let j = jDone; j < i; j++) a[rowI + j] = dot(a, rowI, j * n, i, n);
      a[rowI + i] = dot(a, rowI, rowI, i, n);
    }
  }
}

/** Copies the strict lower triangle onto the upper one, in blocks so both sides stay in cache. */
function mirrorLower(a: Float64Array, n: number): void {
  const block = 64;
  for (let i0 = 0; i0 < n; i0 += block) {
    const iEnd = Math.min(i0 + block, n);
    for (let j0 = 0; j0 <= i0; j0 += block) {
      for (let i = i0; i < iEnd; i++) {
        const jEnd = Math.min(j0 + block, i);
        for (let j = j0; j < jEnd; j++) a[j * n + i] = a[i * n + j] as number;
      }
    }
  }
}

/** Σ_{k ∈ [k0, k1)} a[x + k] · a[y + k], four partial sums so the additions overlap. */
function dot(a: Float64Array, x: number, y: number, k0: number, k1: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = k0;
  for (; k + 3 < k1; k += 4) {
    s0 += (a[x + k] as number) * (a[y + k] as number);
    s1 += (a[x + k + 1] as number) * (a[y + k + 1] as number);
    s2 += (a[x + k + 2] as number) * (a[y + k + 2] as number);
    s3 += (a[x + k + 3] as number) * (a[y + k + 3] as number);
  }
  for (; k < k1; k++) s0 += (a[x + k] as number) * (a[y + k] as number);
  return s0 + s1 + s2 + s3;
}

/**
 * The 16 dot products over [k0, k1) of rows x, x + n, x + 2n, x + 3n with rows y, y + n, y + 2n, y + 3n
 * (offsets of row starts), into out[4 · xi + yi].
 */
function dot4x4(
  a: Float64Array,
  x: number,
  y: number,
  n: number,
  k0: number,
  k1: number,
  out: Float64Array,
): void {
  const x0 = x;
  const x1 = x + n;
  const x2 = x + 2 * n;
  const x3 = x + 3 * n;
  const y0 = y;
  const y1 = y + n;
  const y2 = y + 2 * n;
  const y3 = y + 3 * n;
  // prettier-ignore
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0,
    c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  // prettier-ignore
  for (let k = k0; k < k1; k++) {
    const p0 = a[x0 + k]!, p1 = a[x1 + k]!, p2 = a[x2 + k]!, p3 = a[x3 + k]!;
    const q0 = a[y0 + k]!, q1 = a[y1 + k]!, q2 = a[y2 + k]!, q3 = a[y3 + k]!;
    c00 += p0 * q0; c01 += p0 * q1; c02 += p0 * q2; c03 += p0 * q3;
    c10 += p1 * q0; c11 += p1 * q1; c12 += p1 * q2; c13 += p1 * q3;
    c20 += p2 * q0; c21 += p2 * q1; c22 += p2 * q2; c23 += p2 * q3;
    c30 += p3 * q0; c31 += p3 * q1; c32 += p3 * q2; c33 += p3 * q3;
  }
  out[0] = c00;
  out[1] = c01;
  out[2] = c02;
  out[3] = c03;
  out[4] = c10;
  out[5] = c11;
  out[6] = c12;
  out[7] = c13;
  out[8] = c20;
  out[9] = c21;
  out[10] = c22;
  out[11] = c23;
  out[12] = c30;
  out[13] = c31;
  out[14] = c32;
  out[15] = c33;
}
