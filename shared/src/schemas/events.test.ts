import { describe, expect, it } from 'vitest';
import {
  EventsBatchSchema,
  LATENCY_BOUNDS_MS,
  StoredEventSchema,
  dropDuplicateEvents,
  eventIdentity,
  eventsKey,
  histogramQuantile,
  latencyBucket,
  type StoredEvent,
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

  it('takes an optional client id of 1 to 64 characters of [A-Za-z0-9_-], which a stored event keeps', () => {
    const click = (id: unknown) => ({ type: 'click', user: 1, movie: 3, id });
    for (const id of ['a', 'imp-9001_A', 'x'.repeat(64), '550e8400-e29b-41d4-a716-446655440000']) {
      expect(EventsBatchSchema.safeParse({ events: [click(id)] }).success, id).toBe(true);
    }
    for (const id of ['', 'x'.repeat(65), 'a b', 'é', 'a.b', 7, null]) {
      const r = EventsBatchSchema.safeParse({ events: [click(id)] });
      expect(r.success, JSON.stringify(id)).toBe(false);
    }
    const bad = EventsBatchSchema.safeParse({ events: [click('a/b')] });
    expect(bad.error?.issues[0]?.message).toBe('expected 1 to 64 characters of A-Z, a-z, 0-9, _ and -');
    const stored = StoredEventSchema.parse({
      type: 'rating',
      user: 1,
      movie: 3,
      value: 4,
      id: 'r-1',
      schema: 1,
      received: '2026-12-06T10:00:00.000Z',
      arm: { version: 'v20261206-010203', channel: 'stable' },
    });
    expect(stored.id).toBe('r-1');
  });

  it('drops redelivered events: by user and client id, else by the exact stored line', () => {
    const arm = { version: 'v20261206-010203', channel: 'stable' } as const;
    const at = (s: number) => `2026-12-06T10:00:0${s}.000Z`;
    const rating = (over: Partial<StoredEvent> & { received: string }): StoredEvent =>
      ({ type: 'rating', user: 1, movie: 3, value: 4, schema: 1, arm, ...over }) as StoredEvent;
    const events: StoredEvent[] = [
      rating({ received: at(0) }),
      rating({ received: at(0) }), // the same line again (a queue redelivery)
      rating({ received: at(0), value: 5 }), // another rating in the same request
      rating({ received: at(1) }), // the same rating resent later without an id: a new event
      rating({ received: at(2), id: 'r-1' }),
      rating({ received: at(3), id: 'r-1', value: 5 }), // resent with its id: the same event
      rating({ received: at(3), id: 'r-1', user: 2 }), // another user's id space
    ];
    const { events: kept, duplicates } = dropDuplicateEvents(events);
    expect(duplicates).toBe(2);
    expect(kept).toEqual([events[0], events[2], events[3], events[4], events[6]]);
    // Key order does not matter: the identity is of the values.
    const reordered = JSON.parse(
      JSON.stringify({ arm, schema: 1, received: at(0), value: 4, movie: 3, user: 1, type: 'rating' }),
    );
    expect(eventIdentity(reordered as StoredEvent)).toBe(eventIdentity(events[0]!));
    expect(eventIdentity(events[4]!)).toBe('id:1:r-1');
    // Identities seen by an earlier read count too.
    const seen = new Set([eventIdentity(events[0]!)]);
    expect(dropDuplicateEvents([events[0]!, events[2]!], seen)).toEqual({
      events: [events[2]],
      duplicates: 1,
    });
    expect(seen.size).toBe(2);
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
