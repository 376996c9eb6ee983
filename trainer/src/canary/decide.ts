/**
 * The canary decision from the two arms' figures: rollback, hold, promote-step or promote. Pure; the thresholds
 * are the judge's flags.
 *
 * 1. Guards, once both arms have `minRequests` requests: the canary's 5xx rate may exceed the stable's by at most
 *    `errorTolerance` (absolute, e.g. 0.01 = one percentage point), and its p99 latency may exceed the stable's by
 *    at most `latencyTolerance` (relative, 0.5 = +50 %), and its 4xx rate may exceed the stable's by at most
 *    `clientErrorTolerance` (absolute): both arms answer the same kind of requests from the same apps, so a
 *    canary answering more 404s (users or movies its tables lack) or 400s is broken, not unlucky. A failed guard
 *    is a rollback.
 * 2. Quality, once both arms have `minImpressions` impressions: click-through and watch-through, and the rating hit
 *    rate when both arms have `minRatings` attributed ratings, each by a one-sided two-proportion z-test of "canary
 *    lower". The family of tests is held at the stated confidence by Bonferroni: each test uses
 *    α = (1 − confidence) / (number of tests run). Any significant drop is a rollback.
 * 3. Otherwise, while an arm lacks requests or impressions: hold, saying how many are missing on which arm.
 * 4. Otherwise the canary moves to the next of `steps` above its percent. A next step of 100 % is promotion to
 *    stable (a canary at 100 % would leave no stable traffic to compare with), and so is passing at or above the
 *    last step. A canary already at 100 % is promoted without a comparison: there is nothing to compare with.
 */
import type { ArmName, OnlineTally } from './online.ts';
import type { ServingTally } from './serving.ts';
import { lowerRateTest, type ProportionTest } from './z-test.ts';

export const DECISIONS = ['none', 'hold', 'rollback', 'promote-step', 'promote'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The judge's thresholds (flags). */
export interface JudgeThresholds {
  /** Impressions each arm needs before quality is compared. */
  minImpressions: number;
  /** Requests each arm needs before the guards are checked. */
  minRequests: number;
  /** Attributed ratings each arm needs before the rating hit rate is tested. */
  minRatings: number;
  /** Confidence of the family of quality tests, in (0, 1). */
  confidence: number;
  /** Largest allowed canary 5xx rate − stable 5xx rate. */
  errorTolerance: number;
  /** Largest allowed canary 4xx rate − stable 4xx rate. */
  clientErrorTolerance: number;
  /** Largest allowed canary p99 / stable p99 − 1. */
  latencyTolerance: number;
  /** A rating at least this high is a hit. */
  goodRating: number;
  /** Canary percentages, increasing; 100 (or passing at the last) is promotion to stable. */
  steps: number[];
}

export const DEFAULT_THRESHOLDS: Readonly<JudgeThresholds> = Object.freeze({
  minImpressions: 200,
  minRequests: 1000,
  minRatings: 50,
  confidence: 0.95,
  errorTolerance: 0.01,
  clientErrorTolerance: 0.02,
  latencyTolerance: 0.5,
  goodRating: 4,
  steps: [10, 25, 50, 100],
});

export type QualityMetric = 'click-through' | 'watch-through' | 'rating-hit-rate';

/** One quality comparison. */
export interface QualityCheck {
  metric: QualityMetric;
  /** False when an arm lacked the sample; `test` is then absent. */
  tested: boolean;
  test?: ProportionTest;
  /** The per-test significance level used (after Bonferroni). */
  alpha?: number;
  worse: boolean;
  note: string;
}

/** One guard. */
export interface GuardCheck {
  guard: 'error-rate' | 'client-error-rate' | 'p99-latency';
  checked: boolean;
  stable: number;
  canary: number;
  /** The largest canary value that passes. */
  limit: number;
  failed: boolean;
  note: string;
}

/** What each arm still lacks. */
export interface Missing {
  impressions: number;
  requests: number;
}

/** The decision and everything behind it. */
export interface Verdict {
  decision: Decision;
  /** The canary percent after a promote-step; 100 for promote. */
  nextPercent?: number;
  reasons: string[];
  quality: QualityCheck[];
  guards: GuardCheck[];
  missing: Record<ArmName, Missing>;
}

const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)} %`;

function guardChecks(serving: Record<ArmName, ServingTally>, t: JudgeThresholds): GuardCheck[] {
  const { stable, canary } = serving;
  const enough = stable.requests >= t.minRequests && canary.requests >= t.minRequests;
  const errorLimit = stable.errorRate + t.errorTolerance;
  const latencyLimit = stable.p99Ms * (1 + t.latencyTolerance);
  const clientRate = (a: ServingTally): number => (a.requests > 0 ? a.status4xx / a.requests : NaN);
  const clientLimit = clientRate(stable) + t.clientErrorTolerance;
  const clientFailed = enough && clientRate(canary) > clientLimit;
  const errorFailed = enough && canary.errorRate > errorLimit;
  // Both in the overflow bucket (Infinity) cannot be told apart: not a failure.
  const latencyFailed = enough && canary.p99Ms > latencyLimit && !(stable.p99Ms === Infinity);
  return [
    {
      guard: 'error-rate',
      checked: enough,
      stable: stable.errorRate,
      canary: canary.errorRate,
      limit: errorLimit,
      failed: errorFailed,
      note: !enough
        ? 'not checked: too few requests'
        : `canary 5xx rate ${pct(canary.errorRate)} ${errorFailed ? '>' : '<='} stable ${pct(stable.errorRate)} + ` +
          `tolerance ${pct(t.errorTolerance)}`,
    },
    {
      guard: 'client-error-rate',
      checked: enough,
      stable: clientRate(stable),
      canary: clientRate(canary),
      limit: clientLimit,
      failed: clientFailed,
      note: !enough
        ? 'not checked: too few requests'
        : `canary 4xx rate ${pct(clientRate(canary))} ${clientFailed ? '>' : '<='} stable ` +
          `${pct(clientRate(stable))} + tolerance ${pct(t.clientErrorTolerance)}`,
    },
    {
      guard: 'p99-latency',
      checked: enough,
      stable: stable.p99Ms,
      canary: canary.p99Ms,
      limit: latencyLimit,
      failed: latencyFailed,
      note: !enough
        ? 'not checked: too few requests'
        : `canary p99 ${canary.p99Ms} ms ${latencyFailed ? '>' : '<='} stable p99 ${stable.p99Ms} ms × ` +
          `${(1 + t.latencyTolerance).toFixed(2)}`,
    },
  ];
}

function qualityChecks(online: Record<ArmName, OnlineTally>, t: JudgeThresholds): QualityCheck[] {
  const { stable, canary } = online;
  const enoughImpressions = stable.impressions >= t.minImpressions && canary.impressions >= t.minImpressions;
  const enoughRatings = stable.ratings >= t.minRatings && canary.ratings >= t.minRatings;
  const plans: {
    metric: QualityMetric;
    ok: boolean;
    why: string;
    pick: (o: OnlineTally) => [number, number];
  }[] = [
    {
      metric: 'click-through',
      ok: enoughImpressions,
      why: `needs ${t.minImpressions} impressions per arm`,
      pick: (o) => [o.clicked, o.impressions],
    },
    {
      metric: 'watch-through',
      ok: enoughImpressions,
      why: `needs ${t.minImpressions} impressions per arm`,
      pick: (o) => [o.watched, o.impressions],
    },
    {
      metric: 'rating-hit-rate',
      ok: enoughRatings,
      why: `needs ${t.minRatings} ratings of shown movies per arm`,
      pick: (o) => [o.goodRatings, o.ratings],
    },
  ];
  const run = plans.filter((p) => p.ok).length;
  const alpha = run > 0 ? (1 - t.confidence) / run : undefined;
  return plans.map((p) => {
    if (!p.ok || alpha === undefined) {
      return { metric: p.metric, tested: false, worse: false, note: `not tested: ${p.why}` };
    }
    const [cs, cn] = p.pick(canary);
    const [ss, sn] = p.pick(stable);
    const test = lowerRateTest({ successes: cs, trials: cn }, { successes: ss, trials: sn });
    const worse = test.pValue < alpha;
    return {
      metric: p.metric,
      tested: true,
      test,
      alpha,
      worse,
      note:
        `canary ${pct(test.canary.rate)} vs stable ${pct(test.stable.rate)}: z = ${test.z.toFixed(2)}, ` +
        `p = ${test.pValue.toPrecision(3)} ${worse ? '<' : '>='} α = ${alpha.toPrecision(3)}` +
        (worse ? ' (significantly lower)' : ''),
    };
  });
}

/**
 * Decides what to do with a canary at `percent` %.
 * @throws RangeError when `steps` is empty
 */
export function decide(
  percent: number,
  online: Record<ArmName, OnlineTally>,
  serving: Record<ArmName, ServingTally>,
  t: JudgeThresholds,
): Verdict {
  const last = t.steps.at(-1);
  if (last === undefined) throw new RangeError('decide: steps must not be empty');
  const guards = guardChecks(serving, t);
  const quality = qualityChecks(online, t);
  const missing = {
    stable: {
      impressions: Math.max(0, t.minImpressions - online.stable.impressions),
      requests: Math.max(0, t.minRequests - serving.stable.requests),
    },
    canary: {
      impressions: Math.max(0, t.minImpressions - online.canary.impressions),
      requests: Math.max(0, t.minRequests - serving.canary.requests),
    },
  };
  const base = { quality, guards, missing };
  const failures = [
    ...guards.filter((g) => g.failed).map((g) => `${g.guard} guard: ${g.note}`),
    ...quality.filter((q) => q.worse).map((q) => `${q.metric}: ${q.note}`),
  ];
  if (failures.length > 0) return { decision: 'rollback', reasons: failures, ...base };
  if (percent >= 100) {
    return {
      decision: 'promote',
      nextPercent: 100,
      reasons: ['the canary already serves 100 % of users: there is no stable traffic to compare with'],
      ...base,
    };
  }
  const short: string[] = [];
  for (const arm of ['stable', 'canary'] as const) {
    const m = missing[arm];
    const parts = [
      ...(m.impressions > 0 ? [`${m.impressions} more impressions`] : []),
      ...(m.requests > 0 ? [`${m.requests} more requests`] : []),
    ];
    if (parts.length > 0) short.push(`${arm} needs ${parts.join(' and ')}`);
  }
  if (short.length > 0) return { decision: 'hold', reasons: short, ...base };
  const passed = [
    'no guard failed and no quality metric is significantly lower',
    ...quality.filter((q) => !q.tested).map((q) => `${q.metric} ${q.note}`),
  ];
  const next = t.steps.find((s) => s > percent);
  if (next === undefined || next >= 100) {
    return {
      decision: 'promote',
      nextPercent: 100,
      reasons: [
        ...passed,
        next === undefined
          ? `the canary is at ${percent} %, at or past the last step (${last} %): it becomes stable`
          : `the next step is ${next} %: the canary becomes stable`,
      ],
      ...base,
    };
  }
  return {
    decision: 'promote-step',
    nextPercent: next,
    reasons: [...passed, `next step: ${percent} % -> ${next} %`],
    ...base,
  };
}
