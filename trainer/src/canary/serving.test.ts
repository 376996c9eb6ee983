import { describe, expect, it } from 'vitest';
import { LATENCY_BOUNDS_MS, latencyBucket, type MetricsRollup } from '../../../shared/src/schemas/events.ts';
import { COMPARED_ROUTES, tallyServing } from './serving.ts';

const rollup = (
  o: Partial<MetricsRollup> & Pick<MetricsRollup, 'route' | 'channel' | 'version'>,
): MetricsRollup => {
  const requests = o.requests ?? 100;
  const latencyMs = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  latencyMs[latencyBucket(4)] = requests;
  return {
    schema: 1,
    type: 'metrics',
    from: '2026-12-06T10:00:00.000Z',
    to: '2026-12-06T10:01:00.000Z',
    requests,
    status4xx: 0,
    status5xx: 0,
    latencyMs,
    latencySumMs: 4 * requests,
    ...o,
  };
};

describe('tallyServing', () => {
  const arms = { stable: 'v1', canary: 'v2' };
  const since = new Date('2026-12-06T09:00:00Z');
  const until = new Date('2026-12-06T11:00:00Z');

  it('compares only the routes both arms serve', () => {
    expect(COMPARED_ROUTES.has('/v1/users/:userId/recommendations')).toBe(true);
    const t = tallyServing(
      [
        rollup({
          route: '/v1/users/:userId/recommendations',
          channel: 'stable',
          version: 'v1',
          requests: 100,
        }),
        rollup({ route: '/v1/predict', channel: 'stable', version: 'v1', requests: 10, status5xx: 1 }),
        // Stable-only routes: left out, or stable's cheap answers would dilute its error rate and latency.
        rollup({ route: '/v1/movies/:movieId/similar', channel: 'stable', version: 'v1', requests: 5000 }),
        rollup({ route: '/v1/recommendations', channel: 'stable', version: 'v1', requests: 5000 }),
        rollup({
          route: '/v1/users/:userId/recommendations',
          channel: 'canary',
          version: 'v2',
          requests: 30,
        }),
        // Another version on the canary channel (a previous canary) is neither arm.
        rollup({
          route: '/v1/users/:userId/recommendations',
          channel: 'canary',
          version: 'v0',
          requests: 99,
        }),
      ],
      arms,
      since,
      until,
    );
    expect(t.stable.requests).toBe(110);
    expect(t.stable.errorRate).toBeCloseTo(1 / 110, 12);
    expect(t.stable.p99Ms).toBe(5);
    expect(t.canary.requests).toBe(30);
    expect(t.canary.rollups).toBe(1);
  });

  it('leaves out rollups outside the window', () => {
    const t = tallyServing(
      [rollup({ route: '/v1/predict', channel: 'stable', version: 'v1' })],
      arms,
      new Date('2026-12-06T12:00:00Z'),
      new Date('2026-12-06T13:00:00Z'),
    );
    expect(t.stable.requests).toBe(0);
    expect(t.stable.errorRate).toBeNaN();
  });
});
