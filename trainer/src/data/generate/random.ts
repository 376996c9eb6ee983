/**
 * Seeded pseudo-random numbers for the synthetic generator. Every entity (a user, a movie, one user's ratings)
 * draws from its own sfc32 substream keyed by (seed, stream, index) (`new Sfc32(seed, Stream.users, u)`, from
 * shared/src/kernels/prng.ts), so output does not depend on chunk sizes or on the order entities are processed
 * in, and the same seed gives byte-identical files.
 */
import type { Rng } from '../../../../shared/src/kernels/prng.ts';

/** Named substreams; a new stream gets a new number, never reuse one (it would correlate two draws). */
export const Stream = {
  users: 1,
  movies: 2,
  ratings: 3,
  titles: 4,
  popularity: 5,
  activity: 6,
} as const;

/**
 * Walker/Vose alias table: O(1) draws from a fixed discrete distribution.
 * @param weights non-negative weights, not all zero (length n ≥ 1).
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  readonly size: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i] ?? 0;
    if (n === 0 || !(total > 0)) throw new RangeError('AliasTable: expected positive weights.');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = ((weights[i] ?? 0) * n) / total;
      if (scaled[i]! < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns]!;
      const l = large[--nl]!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l]! < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    // Leftovers are 1 up to rounding error.
    while (nl > 0) this.prob[large[--nl]!] = 1;
    while (ns > 0) this.prob[small[--ns]!] = 1;
  }

  /** Draws an index in [0, size). */
  sample(rng: Rng): number {
    const x = rng.nextOpenFloat() * this.size;
    const i = Math.min(Math.floor(x), this.size - 1);
    return x - i < this.prob[i]! ? i : this.alias[i]!;
  }
}

/**
 * Draws `k` distinct indices with probability ∝ weights (sequentially, without replacement), e.g. a movie's
 * genres or a user's favourites.
 * @returns their bit mask (indices < 32)
 */
export function pickDistinctMask(rng: Rng, weights: readonly number[], k: number): number {
  const w = [...weights];
  let mask = 0;
  for (let j = 0; j < k; j++) {
    const i = rng.pick(w);
    mask |= 1 << i;
    w[i] = 0;
  }
  return mask >>> 0;
}
