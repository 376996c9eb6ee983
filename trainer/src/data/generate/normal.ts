/**
 * The standard normal CDF and the exact expected value of a rounded, clipped, noisy rating. Both run once per
 * generated rating, so they are closed-form (no series that grows with |z|).
 */

const SQRT_2PI = 2.5066282746310002;

/**
 * Standard normal CDF Φ(z), double precision (absolute error < 1e-14): Hart's algorithm 5666 as given by
 * G. West, "Better approximations to cumulative normal functions" (Wilmott, 2005) — a rational approximation
 * for |z| < 7.07 and a continued fraction beyond.
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z);
  let tail: number;
  if (x > 37) {
    tail = 0;
  } else {
    const e = Math.exp((-x * x) / 2);
    if (x < 7.07106781186547) {
      let num = 3.52624965998911e-2 * x + 0.700383064443688;
      num = num * x + 6.37396220353165;
      num = num * x + 33.912866078383;
      num = num * x + 112.079291497871;
      num = num * x + 221.213596169931;
      num = num * x + 220.206867912376;
      let den = 8.83883476483184e-2 * x + 1.75566716318264;
      den = den * x + 16.064177579207;
      den = den * x + 86.7807322029461;
      den = den * x + 296.564248779674;
      den = den * x + 637.333633378831;
      den = den * x + 793.826512519948;
      den = den * x + 440.413735824752;
      tail = (e * num) / den;
    } else {
      let cf = x + 0.65;
      cf = x + 4 / cf;
      cf = x + 3 / cf;
      cf = x + 2 / cf;
      cf = x + 1 / cf;
      tail = e / cf / SQRT_2PI;
    }
  }
  return z > 0 ? 1 - tail : tail;
}

/** erf(x) = 2Φ(x√2) − 1, for callers that think in terms of the error function. */
export function erf(x: number): number {
  return 2 * normalCdf(x * Math.SQRT2) - 1;
}

/**
 * E[clip(round(x + ε), lo, hi)] for ε ~ N(0, sigma²) and integer lo < hi: the exact conditional expectation of
 * the observed rating given the latent score `x`. Since the rating is ≥ k+1 exactly when x + ε ≥ k + ½,
 * E = lo + Σ_{k=lo}^{hi-1} Φ((x − k − ½) / sigma).
 * @param x latent score (rating units).
 * @param sigma noise standard deviation (> 0).
 */
export function expectedRoundedRating(x: number, sigma: number, lo = 1, hi = 5): number {
  let e = lo;
  for (let k = lo; k < hi; k++) e += normalCdf((x - k - 0.5) / sigma);
  return e;
}

/** The observed rating for latent score `x` and one noise draw: clip(round(x + noise), lo, hi). */
export function roundedRating(x: number, noise: number, lo = 1, hi = 5): number {
  // Math.round rounds halves up, matching "rating ≥ k+1 iff x + ε ≥ k + ½" above (ties have probability 0).
  const r = Math.round(x + noise);
  return r < lo ? lo : r > hi ? hi : r;
}
