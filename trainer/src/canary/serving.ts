/**
 * Serving figures of each arm from the Worker's MetricsRollup lines: requests, 5xx and the latency histogram summed
 * over isolates and the routes both arms serve (COMPARED_ROUTES), then the error rate (5xx / requests) and p99 read from the summed histogram (the upper
 * bound of the bucket holding it, so p99 moves in bucket steps: 8 → 12 → 20 ms ...).
 */
import {
  histogramQuantile,
  LATENCY_BOUNDS_MS,
  type MetricsRollup,
} from '../../../shared/src/schemas/events.ts';
import type { ArmName, Arms } from './online.ts';

/**
 * The routes compared: those that answer a user with that user's version, so both arms serve them. Similar movies,
 * cold start and /v1/models are always answered by stable; counting them would compare stable's cheap routes with
 * the canary's per-user ones.
 */
export const COMPARED_ROUTES: ReadonlySet<string> = new Set([
  '/v1/users/:userId/recommendations',
  '/v1/predict',
]);

/** One arm's serving figures over the window. */
export interface ServingTally {
  requests: number;
  status4xx: number;
  status5xx: number;
  /** Summed histogram over LATENCY_BOUNDS_MS (+ overflow). */
  latencyMs: number[];
  /** 5xx / requests (NaN without requests). */
  errorRate: number;
  /** ms; NaN without requests, Infinity in the overflow bucket. */
  p99Ms: number;
  /** Rollup lines summed. */
  rollups: number;
}

const emptyTally = (): ServingTally => ({
  requests: 0,
  status4xx: 0,
  status5xx: 0,
  latencyMs: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
  errorRate: NaN,
  p99Ms: NaN,
  rollups: 0,
});

/**
 * Sums the rollups of each arm on COMPARED_ROUTES whose window overlaps [since, until].
 */
export function tallyServing(
  rollups: readonly MetricsRollup[],
  arms: Arms,
  since: Date,
  until: Date,
): Record<ArmName, ServingTally> {
  const tally = { stable: emptyTally(), canary: emptyTally() };
  for (const r of rollups) {
    if (Date.parse(r.to) < since.getTime() || Date.parse(r.from) > until.getTime()) continue;
    const arm: ArmName | undefined =
      r.channel === 'stable' && r.version === arms.stable
        ? 'stable'
        : r.channel === 'canary' && r.version === arms.canary
          ? 'canary'
          : undefined;
    if (arm === undefined || !COMPARED_ROUTES.has(r.route)) continue;
    const t = tally[arm];
    t.rollups++;
    t.requests += r.requests;
    t.status4xx += r.status4xx;
    t.status5xx += r.status5xx;
    r.latencyMs.forEach((c, i) => (t.latencyMs[i] = (t.latencyMs[i] ?? 0) + c));
  }
  for (const t of Object.values(tally)) {
    t.errorRate = t.requests > 0 ? t.status5xx / t.requests : NaN;
    t.p99Ms = histogramQuantile(t.latencyMs, 0.99);
  }
  return tally;
}
