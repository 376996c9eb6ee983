import { describe, expect, it } from 'vitest';
import { LATENCY_BOUNDS_MS, MetricsRollupSchema, latencyBucket } from '../../../shared/src/schemas/events.ts';
import { ServingMeter } from './serving-meter.ts';

const stable = { version: 'v1', channel: 'stable' as const };
const canary = { version: 'v2', channel: 'canary' as const };
const T0 = Date.parse('2026-12-06T10:00:00Z');

describe('ServingMeter', () => {
  it('counts requests, 4xx, 5xx and the latency histogram per version, channel and route', () => {
    const meter = new ServingMeter({ flushMs: 60_000, flushRequests: 1000 });
    const recs = '/v1/users/:userId/recommendations';
    meter.record(stable, recs, 200, 3, T0 + 10);
    meter.record(stable, recs, 404, 40, T0 + 20);
    meter.record(stable, recs, 503, 2000, T0 + 30);
    meter.record(canary, recs, 200, 0.5, T0 + 40);
    meter.record(stable, '/v1/predict', 200, 7, T0 + 50);
    const rollups = meter.take(T0 + 100);
    expect(rollups.map((r) => MetricsRollupSchema.safeParse(r).success)).toEqual([true, true, true]);
    const byKey = new Map(rollups.map((r) => [`${r.version} ${r.channel} ${r.route}`, r]));
    const s = byKey.get(`v1 stable ${recs}`)!;
    expect([s.requests, s.status4xx, s.status5xx, s.latencySumMs]).toEqual([3, 1, 1, 2043]);
    const expected = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    for (const ms of [3, 40, 2000]) expected[latencyBucket(ms)]!++;
    expect(s.latencyMs).toEqual(expected);
    expect(byKey.get(`v2 canary ${recs}`)?.requests).toBe(1);
    expect(byKey.get('v1 stable /v1/predict')?.requests).toBe(1);
    // The window opened when its first request began (10 ms in, 3 ms long) and closed at take.
    expect(s.from).toBe(new Date(T0 + 7).toISOString());
    expect(s.to).toBe(new Date(T0 + 100).toISOString());
  });

  it('is due after flushRequests responses or flushMs of wall time, never when empty', () => {
    const meter = new ServingMeter({ flushMs: 60_000, flushRequests: 3 });
    expect(meter.due(T0 + 10 ** 9)).toBe(false);
    meter.record(stable, '/r', 200, 1, T0);
    meter.record(stable, '/r', 200, 1, T0 + 1);
    expect(meter.due(T0 + 2)).toBe(false);
    expect(meter.due(T0 - 1 + 60_000)).toBe(true);
    meter.record(stable, '/r', 200, 1, T0 + 2);
    expect(meter.due(T0 + 3)).toBe(true);
    expect(meter.take(T0 + 3)[0]?.requests).toBe(3);
    expect(meter.take(T0 + 4)).toEqual([]);
    expect(meter.due(T0 + 10 ** 9)).toBe(false);
  });

  it('opens a new window with the first response after a take, not at the take', () => {
    const meter = new ServingMeter({ flushMs: 60_000, flushRequests: 1000 });
    meter.record(stable, '/r', 200, 0, T0);
    meter.take(T0 + 1);
    meter.record(stable, '/r', 200, 5, T0 + 3_600_000);
    expect(meter.due(T0 + 3_600_000)).toBe(false);
    expect(meter.take(T0 + 3_600_001)[0]?.from).toBe(new Date(T0 + 3_600_000 - 5).toISOString());
  });
});
