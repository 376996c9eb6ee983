/**
 * A small seeded pseudo-random generator for splits: mulberry32 (Tommy Ettinger, public domain), a 32-bit
 * generator with one word of state. Its period (2^32) and quality are ample for shuffling rating rows; it is
 * not cryptographic. Same seed and stream → same sequence on every platform, which is what makes splits
 * reproducible.
 */
import { UsageError } from '../../../../shared/src/errors.ts';

/** A stream of uniformly distributed integers. Stateful: each call advances the stream. */
export interface Rng {
  /** Next uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Next uniform integer in [0, bound), exactly uniform (rejection sampling). Throws RangeError on a bad bound. */
  below(bound: number): number;
  /** Next uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number;
}

const TWO_32 = 4294967296;

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
 * Creates a mulberry32 generator.
 * @param seed whole number in [0, 2^32).
 * @param stream a small constant per purpose (random split, stratified split, hold-out ...) so that using the
 *   same seed for two purposes does not replay the same sequence in both.
 * @throws UsageError when the seed is out of range.
 */
export function createRng(seed: number, stream = 0): Rng {
  // Mixing the stream through a multiply keeps nearby (seed, stream) pairs far apart in the state space.
  let state = (checkSeed(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const below = (bound: number): number => {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_32) {
      throw new RangeError(`below: expected a whole bound from 1 to 2^32 (got ${bound}).`);
    }
    // Reject the top partial block of 2^32 so that `x % bound` is exactly uniform.
    const limit = TWO_32 - (TWO_32 % bound);
    let x = nextUint32();
    while (x >= limit) x = nextUint32();
    return x % bound;
  };
  return { nextUint32, below, nextFloat: () => nextUint32() / TWO_32 };
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

/** Stream numbers, one per purpose (see `createRng`). */
export const STREAM = { random: 1, user: 2, holdout: 3 } as const;
