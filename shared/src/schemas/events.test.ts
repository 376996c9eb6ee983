import { describe, expect, it } from 'vitest';
import {
  EventsBatchSchema,
  LATENCY_BOUNDS_MS,
  StoredEventSchema,
  eventsKey,
  histogramQuantile,
  latencyBucket,
} from './events.ts';

describe('events contract', () => {
  it('accepts each event type and rejects bad fields', () => {
    const ok = EventsBatchSchema.safeParse({
      events: [
        { type: 'impression', user: 1, movies: [3, 4], modelVersion: 'v20261206-010203', channel: 'canary' },
        { type: 'click', user: 1, movie: 3 },
        { type: 'watch', user: 1, movie: 4, at: '2026-12-06T10:00:00Z' },
        { type: 'rating', user: 1, movie: 4, value: 4.5 },
      ],
    });
    expect(ok.success, JSON.stringify(ok.error?.issues)).toBe(true);
    for (const bad of [
      { type: 'click', user: 1.5, movie: 3 },
      { type: 'click', user: -1, movie: 3 },
      { type: 'rating', user: 1, movie: 3 },
      { type: 'impression', user: 1, movies: [], modelVersion: 'v20261206-010203', channel: 'stable' },
      { type: 'impression', user: 1, movies: [1], modelVersion: 'v1', channel: 'beta' },
      { type: 'purchase', user: 1, movie: 3 },
      { type: 'click', user: 1, movie: 3, extra: true },
    ]) {
      expect(EventsBatchSchema.safeParse({ events: [bad] }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(EventsBatchSchema.safeParse({ events: [] }).success).toBe(false);
  });

  it('stored events carry the receive time and the arm', () => {
    const base = { type: 'click', user: 2, movie: 9 };
    const arm = { version: 'v20261206-010203', channel: 'stable' };
    expect(
      StoredEventSchema.safeParse({ ...base, schema: 1, received: '2026-12-06T10:00:00.000Z', arm }).success,
    ).toBe(true);
    expect(StoredEventSchema.safeParse({ ...base, schema: 1, arm }).success).toBe(false);
  });

  it('latency histogram buckets and quantiles', () => {
    expect(latencyBucket(0.5)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(1.01)).toBe(1);
    expect(latencyBucket(1e6)).toBe(LATENCY_BOUNDS_MS.length);
    const counts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    expect(histogramQuantile(counts, 0.99)).toBeNaN();
    counts[latencyBucket(2)] = 98;
    counts[latencyBucket(40)] = 2;
    expect(histogramQuantile(counts, 0.5)).toBe(2);
    expect(histogramQuantile(counts, 0.99)).toBe(50);
  });

  it('keys partition by UTC date and hour', () => {
    expect(eventsKey('events/', new Date('2026-12-06T07:08:09.123Z'), 'ab12')).toBe(
      'events/2026-12-06/07/2026-12-06T07-08-09-123Z-ab12.ndjson',
    );
  });
});
