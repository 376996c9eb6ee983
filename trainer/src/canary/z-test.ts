/**
 * The one-sided two-proportion z-test the judge uses to ask "is the canary's rate lower than the stable's?".
 *
 * With x₁ of n₁ (canary) and x₂ of n₂ (stable), pooled p = (x₁ + x₂) / (n₁ + n₂) and
 * z = (x₁/n₁ − x₂/n₂) / √(p (1 − p) (1/n₁ + 1/n₂)); the p-value of H₁ "canary lower" is Φ(z). The normal
 * approximation wants roughly n·p ≥ 5 on both arms, which the judge's minimum samples give for click rates of a
 * few percent. Observations are treated as independent; several impressions of one user are not, so the test is
 * somewhat optimistic with heavy users.
 */

/** The result of one test. */
export interface ProportionTest {
  canary: { successes: number; trials: number; rate: number };
  stable: { successes: number; trials: number; rate: number };
  /** canary rate − stable rate. */
  difference: number;
  z: number;
  /** P(Z ≤ z) under H₀ (equal rates): small when the canary is lower. */
  pValue: number;
}

/** Coefficients of Numerical Recipes' erfc fit, lowest power first. */
const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** erfc(x) by Numerical Recipes' Chebyshev fit (fractional error below 1.2e-7 everywhere). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = ERFC_COEFFICIENTS.length - 1; i >= 0; i--) poly = poly * t + (ERFC_COEFFICIENTS[i] as number);
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** The standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * One-sided test of "the canary's rate is lower than the stable's".
 * When both arms have all-zero or all-one outcomes there is no variance and no evidence: z = 0, p-value 0.5.
 * @throws RangeError when a count is negative or exceeds its trials, or an arm has no trials
 */
export function lowerRateTest(
  canary: { successes: number; trials: number },
  stable: { successes: number; trials: number },
): ProportionTest {
  for (const [name, arm] of [
    ['canary', canary],
    ['stable', stable],
  ] as const) {
    if (!(arm.trials > 0) || arm.successes < 0 || arm.successes > arm.trials) {
      throw new RangeError(
        `lowerRateTest: ${name} needs 0 <= successes <= trials and trials > 0 (got ${arm.successes} of ${arm.trials})`,
      );
    }
  }
  const p1 = canary.successes / canary.trials;
  const p2 = stable.successes / stable.trials;
  const pooled = (canary.successes + stable.successes) / (canary.trials + stable.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / canary.trials + 1 / stable.trials));
  const z = se > 0 ? (p1 - p2) / se : 0;
  return {
    canary: { ...canary, rate: p1 },
    stable: { ...stable, rate: p2 },
    difference: p1 - p2,
    z,
    pValue: se > 0 ? normalCdf(z) : 0.5,
  };
}
