import { describe, expect, it } from 'vitest';
import type { RatingsTable, Split } from '../data/types.ts';
import type { RatingRow } from './gather.ts';
import type { PipelineRecord } from './record.ts';
import { stableData, unseenHoldout } from './stable-data.ts';

// Users 10, 20; movies 7, 8, 9. The base rated (10,7), (10,8), (20,7); then four rating events, the third a
// re-rating of a base pair and the fourth of the first event's pair. The table is what the loader keeps: the
// latest rating of each pair.
const base: RatingsTable = {
  users: Int32Array.of(0, 0, 1),
  movies: Int32Array.of(0, 1, 0),
  ratings: Float32Array.of(4, 3, 5),
  timestamps: Uint32Array.of(100, 200, 300),
  count: 3,
  userIds: Int32Array.of(10, 20),
  movieIds: Int32Array.of(7, 8),
  scale: { min: 0.5, max: 5, step: 0.5 },
  source: { format: 'test', path: 'base' },
};
const events: RatingRow[] = [
  [10, 9, 3.5, 1000],
  [20, 9, 2, 2000],
  [10, 8, 1, 3000],
  [10, 9, 5, 4000],
];
const table: RatingsTable = {
  users: Int32Array.of(0, 1, 0, 1, 0),
  movies: Int32Array.of(0, 0, 2, 2, 1),
  ratings: Float32Array.of(4, 5, 5, 2, 1),
  timestamps: Uint32Array.of(100, 300, 4000, 2000, 3000),
  count: 5,
  userIds: Int32Array.of(10, 20),
  movieIds: Int32Array.of(7, 8, 9),
  scale: { min: 0.5, max: 5, step: 0.5 },
  source: { format: 'test', path: 'merged' },
};
const split: Split = {
  train: Int32Array.of(0, 1),
  test: Int32Array.of(2, 3, 4),
  coldUsers: 0,
  coldMovies: 0,
  description: 'last 1 per user',
};
const current = { base, baseFingerprint: 'B', eventRatings: events };

const record = (patch: Partial<PipelineRecord> & { eventRatings: number; base: string }): PipelineRecord => ({
  schema: 1,
  id: 'run-1',
  inputsKey: 'k',
  started: '2026-03-01T00:00:00.000Z',
  owner: 'test',
  phase: 'done',
  decision: 'published-stable',
  reasons: [],
  data: {
    base: 'data',
    format: 'movielens-csv',
    fingerprint: 'f',
    baseFingerprint: patch.base,
    eventRatings: patch.eventRatings,
    gathered: null,
  },
  channelsBefore: null,
  train: { args: [], runDir: 'runs/1/model' },
  version: 'v1',
  ...patch,
});
const refitAll = {
  model: 'refit-all' as const,
  runDir: 'runs/1/served',
  ratings: 4,
  holdoutRatings: 2,
  epochs: 3,
  seconds: 1,
};

describe('which holdout ratings the stable never trained on', () => {
  it('a stable refit on every rating: later events of pairs it never saw rated', () => {
    // It saw the first event: the second is new; the third re-rates a base pair, the fourth the first event's.
    const stable = stableData('v1', [record({ eventRatings: 1, base: 'B', published: refitAll })], current);
    expect(stable).toMatchObject({ kind: 'every-rating', since: 2000 }); // the first rating it never saw
    const unseen = unseenHoldout(table, split, stable);
    expect(Array.from(unseen.rows)).toEqual([3]);
    expect(unseen.note).toBe(
      'the 1 holdout ratings gathered after stable v1 was trained on every rating up to then',
    );
    // Trained before any event: every pair first rated by an event is new to it.
    const earlier = stableData('v1', [record({ eventRatings: 0, base: 'B', published: refitAll })], current);
    expect(Array.from(unseenHoldout(table, split, earlier).rows)).toEqual([2, 3]);
  });

  it('a stable trained without its holdout: every holdout row; otherwise none, saying why', () => {
    const without = stableData('v1', [record({ eventRatings: 1, base: 'B' })], current);
    expect(without).toEqual({ kind: 'without-holdout', version: 'v1', since: 2000 });
    expect(stableData('v1', [record({ eventRatings: 4, base: 'B' })], current)).toMatchObject({
      since: undefined,
    });
    expect(Array.from(unseenHoldout(table, split, without).rows)).toEqual([2, 3, 4]);

    const changed = stableData('v1', [record({ eventRatings: 1, base: 'A', published: refitAll })], current);
    expect(changed).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/base ratings changed/) });
    expect(unseenHoldout(table, split, changed).rows).toHaveLength(0);

    const refused = record({ eventRatings: 0, base: 'B', decision: 'refused' });
    expect(stableData('v1', [refused], current)).toEqual({
      kind: 'unknown',
      version: 'v1',
      reason: 'no pipeline run record published v1',
    });
  });
});
