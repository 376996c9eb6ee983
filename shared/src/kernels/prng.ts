/**
 * Seeded pseudo-random numbers: every random choice in Marquee (splits, initialisation, sampling, the synthetic
 * generator, test fixtures) draws from here, so it is reproducible from its seed on every platform. Two
 * generators behind one interface, neither cryptographic:
 *
 * - mulberry32 (Tommy Ettinger, public domain): one 32-bit word of state, period 2^32; ample for shuffling
 *   rows and drawing fixtures. `createRng(seed, stream)` keys it by purpose.
 * - sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator; passes PractRand to 2^41+ bytes): four words
 *   of state, keyed by (seed, stream, index) so each generated entity has its own substream.
 *
 * The sequences are part of the contract: generated data sets and splits are byte-identical for a given seed,
 * so neither the generators nor the derived samplers may change what they return.
 */
import { UsageError } from '../errors.ts';

const TWO_32 = 4294967296;

/**
 * A stream of uniform 32-bit words and the samplers derived from them. A class because it is real mutable
 * state: each call advances the stream.
 */
export abstract class Rng {
  /** Spare normal deviate from the polar method (NaN when none is cached). */
  private spare = Number.NaN;

  /** Next uniform integer in [0, 2^32). */
  abstract nextUint32(): number;

  /** Next uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / TWO_32;
  }

  /** Next uniform float in (0, 1): never exactly 0 or 1, so `Math.log(rng.nextOpenFloat())` is always finite. */
  nextOpenFloat(): number {
    return (this.nextUint32() + 0.5) / TWO_32;
  }

  /**
   * Next uniform integer in [0, bound), exactly uniform (rejection sampling: may take more than one draw).
   * @throws RangeError when `bound` is not a whole number from 1 to 2^32.
   */
  below(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_32) {
      throw new RangeError(`below: expected a whole bound from 1 to 2^32 (got ${bound}).`);
    }
    // Reject the top partial block of 2^32 so that `x % bound` is exactly uniform.
    const limit = TWO_32 - (TWO_32 % bound);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % bound;
  }

  /**
   * Next integer in [0, n) for n ≤ 2^32 by multiply-shift: always exactly one draw, with a bias below n / 2^32
   * (use `below` where exact uniformity matters more than a fixed draw count).
   */
  belowFast(n: number): number {
    return Math.floor((this.nextUint32() / TWO_32) * n);
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
      u = 2 * this.nextOpenFloat() - 1;
      v = 2 * this.nextOpenFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(this.nextOpenFloat());
  }

  /** Index drawn with probability proportional to `weights[i]` (linear scan; for short lists only). */
  pick(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i] ?? 0;
    let r = this.nextOpenFloat() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

/** mulberry32 from a raw 32-bit state (any number; only its low 32 bits count). */
export class Mulberry32 extends Rng {
  private state: number;

  constructor(state: number) {
    super();
    this.state = state | 0;
  }

  override nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

/** Finalizer of MurmurHash3: a bijective 32-bit mix with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** sfc32 keyed by up to three words, e.g. (seed, stream, entity index). */
export class Sfc32 extends Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed a non-negative whole number; seeds above 2^32 use their high word too.
   * @param stream a purpose number, so one seed used for two purposes gives unrelated sequences.
   * @param index an entity number within the purpose (a user, a movie ...).
   */
  constructor(seed: number, stream = 0, index = 0) {
    super();
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_32) >>> 0;
    this.a = fmix32(lo ^ 0x9e3779b9);
    this.b = fmix32(hi ^ fmix32(stream + 0x7f4a7c15));
    this.c = fmix32(index ^ fmix32(this.a + 0x632be5ab));
    this.d = 1;
    // The first outputs of sfc32 still reflect the seed words; warm the state up.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  override nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
}

/**
 * Checks that `seed` is a whole number in [0, 2^32) and returns it.
 * @throws UsageError naming the seed, what was expected and what came.
 */
export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_32) {
    throw new UsageError(`seed: expected a whole number from 0 to ${TWO_32 - 1} (got ${seed}).`);
  }
  return seed;
}

/**
 * A mulberry32 generator for one purpose.
 * @param seed whole number in [0, 2^32).
 * @param stream a small constant per purpose (random split, hold-out, initialisation ...) so that using the
 *   same seed for two purposes does not replay the same sequence in both.
 * @throws UsageError when the seed is out of range.
 */
export function createRng(seed: number, stream = 0): Rng {
  // Mixing the stream through a multiply keeps nearby (seed, stream) pairs far apart in the state space.
  return new Mulberry32(checkSeed(seed) ^ Math.imul(stream + 1, 0x9e3779b9));
}

/**
 * Uniform floats in [0, 1) from mulberry32 started at `seed` (no stream mixing, no seed check): the compact
 * form for test fixtures and seeded synthetic weights.
 */
export function mulberry32(seed: number): () => number {
  const rng = new Mulberry32(seed);
  return () => rng.nextFloat();
}

/**
 * `n` floats drawn uniformly from [lo, hi) with `rand` (a source of uniforms in [0, 1), e.g. `mulberry32`).
 * @returns a new Float32Array of length n.
 */
export function randomFloats(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/**
 * Moves a uniformly random `k`-subset of `a[from, to)` to `a[from, from + k)` in place (the first `k` steps of a
 * Fisher–Yates shuffle). With `k = to - from` it is a full shuffle of the range.
 * @throws RangeError when the range or `k` does not fit the array.
 */
export function partialShuffle(a: Int32Array, from: number, to: number, k: number, rng: Rng): void {
  if (from < 0 || to > a.length || from > to || k < 0 || k > to - from) {
    throw new RangeError(`partialShuffle: bad range [${from}, ${to}) or k=${k} for length ${a.length}.`);
  }
  for (let i = from; i < from + k; i++) {
    const j = i + rng.below(to - i);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * Fills `out` with N(0, std²) samples by Box–Muller on pairs of draws (two samples per pair; an odd tail uses the
 * cosine half). Unlike `Rng.normal`, it consumes exactly two draws per pair, so sequences are easy to reproduce.
 */
export function fillNormal(out: Float32Array, std: number, rng: Rng): void {
  for (let i = 0; i < out.length; i += 2) {
    // 1 - u keeps the logarithm's argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * std;
    const t = 2 * Math.PI * rng.nextFloat();
    out[i] = r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(t);
  }
}
