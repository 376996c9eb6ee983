/**
 * Seeded random numbers for initialisation, shuffling and dropout. Built on the shared mulberry32 generator (shared/src/kernels/prng.ts) so
 * every random choice in Marquee is reproducible from (seed, purpose).
 */
import { createRng, fillNormal, type Rng } from '../../../shared/src/kernels/prng.ts';

export { fillNormal, type Rng };

/** Stream numbers (see createRng) for the model's purposes, apart from the splits' streams. */
export const MODEL_STREAM = { init: 101, shuffle: 102, dropout: 103, negatives: 104 } as const;

/**
 * A generator for one purpose, optionally one epoch: the same (seed, purpose, epoch) always gives the same
 * sequence, so a resumed run shuffles and drops out exactly like an uninterrupted one.
 */
export function modelRng(seed: number, purpose: keyof typeof MODEL_STREAM, epoch = 0): Rng {
  // Epochs get their own streams far from the other purposes' numbers.
  return createRng(seed, MODEL_STREAM[purpose] + 1000 * epoch);
}

/** Shuffles `a` in place (Fisher–Yates). */
export function shuffleInPlace(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * Fills an inverted-dropout mask: each entry is 0 with probability `rate`, else 1 / (1 - rate). The mask needs
 * ~B × hidden draws per step, so it runs its own inlined mulberry32 stream seeded from `rng` (one draw per call)
 * and takes two entries per 32-bit draw (16 bits each); the rate is thereby quantised to 1/65536.
 */
export function fillDropoutMask(out: Float32Array, rate: number, rng: Rng): void {
  const keep = 1 / (1 - rate);
  const threshold = Math.round(rate * 65536);
  const n = out.length;
  let state = rng.nextUint32() | 0;
  for (let i = 0; i < n; i += 2) {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = (t ^ (t >>> 14)) >>> 0;
    out[i] = (r & 0xffff) < threshold ? 0 : keep;
    if (i + 1 < n) out[i + 1] = r >>> 16 < threshold ? 0 : keep;
  }
}
