import { describe, expect, it } from 'vitest';
import { erf, expectedRoundedRating, normalCdf, roundedRating } from './normal.ts';
import { Sfc32 } from '../../../../shared/src/kernels/prng.ts';

/** Reference Φ from the all-positive series erf(x) = 2/√π e^{−x²} Σ 2^n x^{2n+1} / (2n+1)!! (no cancellation). */
function referenceCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  let term = x;
  let sum = x;
  for (let n = 1; n < 1000 && term > 1e-18 * sum; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  const e = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  return 0.5 * (1 + Math.sign(z) * e);
}

describe('normalCdf', () => {
  it('matches a high-precision series to 1e-14 over [-8, 8]', () => {
    for (let z = -8; z <= 8; z += 0.0137)
      expect(Math.abs(normalCdf(z) - referenceCdf(z))).toBeLessThan(1e-14);
  });

  it('has the textbook values and tails', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-10)).toBeGreaterThan(0); // the continued-fraction tail is not flushed to zero
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
  });
});

describe('expectedRoundedRating', () => {
  it('equals the direct sum Σ k · P(rating = k)', () => {
    const sigma = 0.9;
    for (const x of [-1, 0.7, 1, 2.49, 3, 3.5, 4.2, 5, 6.5]) {
      let direct = 0;
      for (let k = 1; k <= 5; k++) {
        const lo = k === 1 ? 0 : normalCdf((k - 0.5 - x) / sigma);
        const hi = k === 5 ? 1 : normalCdf((k + 0.5 - x) / sigma);
        direct += k * (hi - lo);
      }
      expect(expectedRoundedRating(x, sigma)).toBeCloseTo(direct, 12);
    }
  });

  it('is the mean of simulated rounded, clipped ratings', () => {
    const rng = new Sfc32(9);
    const sigma = 0.85;
    for (const x of [1.2, 3.4, 4.9]) {
      let sum = 0;
      const n = 100_000;
      for (let i = 0; i < n; i++) sum += roundedRating(x, sigma * rng.normal());
      expect(Math.abs(sum / n - expectedRoundedRating(x, sigma))).toBeLessThan(0.01);
    }
  });

  it('tends to the clipped bounds far outside the scale', () => {
    expect(expectedRoundedRating(-20, 0.8)).toBe(1);
    expect(expectedRoundedRating(30, 0.8)).toBe(5);
    expect(roundedRating(7.3, 0)).toBe(5);
    expect(roundedRating(-2, 0.4)).toBe(1);
    expect(roundedRating(3.5, 0)).toBe(4);
  });
});
