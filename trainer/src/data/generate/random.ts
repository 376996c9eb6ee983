/**
 * Seeded pseudo-random numbers for the synthetic generator. Every entity (a user, a movie, one user's ratings)
 * draws from its own substream keyed by (seed, stream, index), so output does not depend on chunk sizes or on
 * the order entities are processed in, and the same seed gives byte-identical files.
 */

/** Finalizer of MurmurHash3: a bijective 32-bit mix with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

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
 * Small fast PRNG (sfc32, Chris Doty-Humphrey's "small fast chaotic" generator; passes PractRand to 2^41+ bytes).
 * A class because it is real mutable state; all methods are cheap enough for the per-rating inner loop.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Spare normal deviate from the polar method (NaN when none is cached). */
  private spare = Number.NaN;

  /** Seeds from up to three 32-bit words, e.g. (seed, Stream.users, userIndex). */
  constructor(seed: number, stream = 0, index = 0) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.a = fmix32(lo ^ 0x9e3779b9);
    this.b = fmix32(hi ^ fmix32(stream + 0x7f4a7c15));
    this.c = fmix32(index ^ fmix32(this.a + 0x632be5ab));
    this.d = 1;
    // The first outputs of sfc32 still reflect the seed words; warm the state up.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in (0, 1): never exactly 0 or 1, so `Math.log(rng.uniform())` is always finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Uniform integer in [0, n) for n ≤ 2^32 (the bias of the multiply-shift method is below 2^-32 · n). */
  int(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }

  /** Standard normal deviate (Marsaglia's polar method; every second call is served from a cached spare). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(this.uniform());
  }

  /** Index drawn with probability proportional to `weights[i]` (linear scan; for short lists only). */
  pick(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i] ?? 0;
    let r = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

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
    const x = rng.uniform() * this.size;
    const i = Math.min(Math.floor(x), this.size - 1);
    return x - i < this.prob[i]! ? i : this.alias[i]!;
  }
}
