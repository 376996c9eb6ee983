import { describe, expect, it } from 'vitest';
import { latencyBucket, type StoredEvent } from '../../../shared/src/schemas/events.ts';
import { decide, DEFAULT_THRESHOLDS } from './decide.ts';
import { tallyOnline, type OnlineTally } from './online.ts';
import { tallyServing, type ServingTally } from './serving.ts';
import { lowerRateTest, normalCdf } from './z-test.ts';

const arms = { stable: 'v-stable', canary: 'v-canary' };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const stamp = (s: number, channel: 'stable' | 'canary' = 'stable') => ({
  schema: 1 as const,
  received: at(s),
  arm: { version: arms[channel], channel },
});
const impression = (
  user: number,
  movies: number[],
  s: number,
  channel: 'stable' | 'canary',
): StoredEvent => ({
  type: 'impression',
  user,
  movies,
  modelVersion: arms[channel],
  channel,
  ...stamp(s, channel),
});

describe('tallyOnline', () => {
  it('counts an impression as clicked only by a later (or simultaneous) click of a listed movie', () => {
    const events: StoredEvent[] = [
      { type: 'click', user: 1, movie: 5, ...stamp(0) }, // before the list: not a click-through
      impression(1, [5, 6], 1, 'stable'),
      impression(2, [5, 6], 1, 'stable'),
      { type: 'click', user: 2, movie: 6, ...stamp(1) }, // same batch as the list
      { type: 'watch', user: 2, movie: 7, ...stamp(2) }, // not listed
      impression(3, [8], 1, 'canary'),
      { type: 'click', user: 4, movie: 8, ...stamp(2) }, // another user
    ];
    const t = tallyOnline(events, arms, 4);
    expect(t.stable).toMatchObject({ impressions: 2, clicked: 1, watched: 0 });
    expect(t.canary).toMatchObject({ impressions: 1, clicked: 0 });
  });

  it('gives a rating to the arm of the latest list that showed the movie, and to none after another version', () => {
    const other: StoredEvent = { ...impression(1, [9], 3, 'stable'), modelVersion: 'v-old' };
    const events: StoredEvent[] = [
      impression(1, [5, 9], 1, 'stable'),
      impression(1, [5], 2, 'canary'),
      other,
      { type: 'rating', user: 1, movie: 5, value: 4, ...stamp(4) },
      { type: 'rating', user: 1, movie: 9, value: 5, ...stamp(4) },
      { type: 'rating', user: 1, movie: 77, value: 5, ...stamp(4) }, // never shown
    ];
    const t = tallyOnline(events, arms, 4);
    expect(t.canary).toMatchObject({ ratings: 1, goodRatings: 1 });
    expect(t.stable).toMatchObject({ impressions: 1, ratings: 0 });
  });
});

describe('lowerRateTest', () => {
  it('matches the textbook z and one-sided p-value', () => {
    expect(normalCdf(-1.6448536)).toBeCloseTo(0.05, 6);
    const r = lowerRateTest({ successes: 20, trials: 400 }, { successes: 40, trials: 400 });
    expect(r.z).toBeCloseTo(-2.6846, 3);
    expect(r.pValue).toBeCloseTo(0.00363, 4);
    expect(lowerRateTest({ successes: 0, trials: 5 }, { successes: 0, trials: 9 }).pValue).toBe(0.5);
    expect(() => lowerRateTest({ successes: 3, trials: 2 }, { successes: 0, trials: 1 })).toThrow(RangeError);
  });
});

describe('decide', () => {
  const online = (o: Partial<OnlineTally>): OnlineTally => ({
    impressions: 500,
    clicked: 50,
    watched: 20,
    ratings: 10,
    goodRatings: 5,
    ...o,
  });
  const serving = (requests: number, errors = 0, ms = 4, clientErrors = 0): ServingTally =>
    tallyServing(
      [
        {
          schema: 1,
          type: 'metrics',
          from: at(0),
          to: at(60),
          version: 'v',
          channel: 'stable',
          route: '/v1/users/:userId/recommendations',
          requests,
          status4xx: clientErrors,
          status5xx: errors,
          latencyMs: Array.from({ length: 17 }, (_, i) => (i === latencyBucket(ms) ? requests : 0)),
          latencySumMs: 0,
        },
      ],
      { stable: 'v', canary: 'none' },
      new Date(at(0)),
      new Date(at(60)),
    ).stable;
  const both = { stable: serving(2000), canary: serving(2000) };

  it('steps through 10 → 25 → 50 and promotes when the next step is 100 %', () => {
    const o = { stable: online({}), canary: online({}) };
    expect(decide(10, o, both, DEFAULT_THRESHOLDS)).toMatchObject({
      decision: 'promote-step',
      nextPercent: 25,
    });
    expect(decide(25, o, both, DEFAULT_THRESHOLDS)).toMatchObject({
      decision: 'promote-step',
      nextPercent: 50,
    });
    expect(decide(50, o, both, DEFAULT_THRESHOLDS).decision).toBe('promote');
    // Steps ending below 100: the canary runs at the last step, then is promoted.
    const short = { ...DEFAULT_THRESHOLDS, steps: [10, 50] };
    expect(decide(10, o, both, short)).toMatchObject({ decision: 'promote-step', nextPercent: 50 });
    expect(decide(50, o, both, short).decision).toBe('promote');
  });

  it('rolls back on p99 beyond the tolerance, not on a rating test it could not run', () => {
    const o = { stable: online({}), canary: online({ goodRatings: 0 }) };
    const slow = { stable: serving(2000), canary: serving(2000, 0, 100) };
    const v = decide(10, o, slow, DEFAULT_THRESHOLDS);
    expect(v.decision).toBe('rollback');
    expect(v.reasons.join()).toMatch(/p99-latency guard: canary p99 100 ms > stable p99 5 ms/);
    expect(v.quality.find((q) => q.metric === 'rating-hit-rate')?.tested).toBe(false);
  });

  it('rolls back a canary answering more 4xx than stable (users its tables lack)', () => {
    const o = { stable: online({}), canary: online({}) };
    const lost = { stable: serving(2000, 0, 4, 20), canary: serving(2000, 0, 4, 200) };
    const v = decide(10, o, lost, DEFAULT_THRESHOLDS);
    expect(v.decision).toBe('rollback');
    expect(v.reasons.join()).toMatch(/client-error-rate guard: canary 4xx rate 10.00 % > stable 1.00 %/);
    // Within the tolerance (2 points by default) it passes.
    const close = { stable: serving(2000, 0, 4, 20), canary: serving(2000, 0, 4, 50) };
    expect(decide(10, o, close, DEFAULT_THRESHOLDS).decision).toBe('promote-step');
  });

  it('promotes a canary at 100 % without a stable arm to compare with', () => {
    const o = { stable: online({ impressions: 0, clicked: 0, watched: 0 }), canary: online({}) };
    const v = decide(100, o, { stable: serving(0), canary: serving(2000) }, DEFAULT_THRESHOLDS);
    expect(v.decision).toBe('promote');
  });
});
