/**
 * Which of tonight's holdout ratings the stable model never trained on: the only ones it can be compared on fairly,
 * and the only ones a candidate warm-started from it can be judged on (it starts from weights that learned the
 * others).
 *
 * - A stable the pipeline published refit on every rating (record `published.model` "refit-all") trained on the
 *   base ratings of its run plus the first `eventRatings` gathered rating rows; so, when the base is unchanged,
 *   the holdout rows it never saw are those that came from later rating rows (matched on user, movie, value and
 *   time, as merge-data.ts appends them) of a (user, movie) pair it never saw rated: a re-rating of a movie it
 *   trained on is not new to it.
 * - A stable published without its holdout (the candidate itself, or by an earlier pipeline) saw its own training
 *   side only. With data that only grow and a split taking the newest ratings, each of tonight's holdout rows is
 *   new or was in its holdout (compare.ts): all of them count.
 * - Otherwise (another base, or no record of the stable's run) nothing can be told.
 */
import type { RatingsTable, Split } from '../data/types.ts';
import type { RatingRow } from './gather.ts';
import type { PipelineRecord } from './record.ts';

/** What the stable model trained on, as far as the run records tell. */
export type StableData =
  | {
      kind: 'without-holdout';
      version: string;
      /** Unix seconds of the earliest rating gathered after its run (undefined: none came). */
      since: number | undefined;
    }
  | {
      kind: 'every-rating';
      version: string;
      since: number | undefined;
      /** `user:movie:value:time` of the rating rows gathered after its run, of pairs it never saw rated. */
      newer: Set<string>;
    }
  | { kind: 'unknown'; version: string; reason: string };

const rowKey = (user: number, movie: number, value: number, time: number) =>
  `${user}:${movie}:${Math.fround(value)}:${time}`;

/**
 * What the stable `version` trained on.
 * @param records the store's run records
 * @param current tonight's base ratings, their fingerprint and every gathered rating row, oldest delta first
 */
export function stableData(
  version: string,
  records: readonly PipelineRecord[],
  current: { base: RatingsTable; baseFingerprint: string; eventRatings: readonly RatingRow[] },
): StableData {
  const record = [...records]
    .reverse()
    .find((r) => r.version === version && r.decision?.startsWith('published') === true);
  if (record === undefined) {
    return { kind: 'unknown', version, reason: `no pipeline run record published ${version}` };
  }
  const seen = record.data.eventRatings;
  const after = current.eventRatings.slice(seen);
  const since = after.length === 0 ? undefined : after.reduce((min, row) => Math.min(min, row[3]), Infinity);
  if (record.published?.model !== 'refit-all') return { kind: 'without-holdout', version, since };
  if (record.data.baseFingerprint !== current.baseFingerprint) {
    return {
      kind: 'unknown',
      version,
      reason: `the base ratings changed since ${version} was trained (run ${record.id}): which holdout ratings it saw is unknown`,
    };
  }
  // Rows of later events by (user, movie) pair, less the pairs the stable saw rated (in the base or its events).
  const later = new Map<string, string[]>();
  for (const [u, m, v, t] of after) {
    const pair = `${u}:${m}`;
    later.set(pair, [...(later.get(pair) ?? []), rowKey(u, m, v, t)]);
  }
  const { base } = current;
  for (let r = 0; r < base.count && later.size > 0; r++) {
    later.delete(`${base.userIds[base.users[r]!]}:${base.movieIds[base.movies[r]!]}`);
  }
  for (const [u, m] of current.eventRatings.slice(0, seen)) later.delete(`${u}:${m}`);
  return { kind: 'every-rating', version, since, newer: new Set([...later.values()].flat()) };
}

/** The holdout rows of `split` the stable model never trained on, and one line saying which and why. */
export function unseenHoldout(
  table: RatingsTable,
  split: Split,
  stable: StableData,
): { rows: Int32Array; note: string } {
  switch (stable.kind) {
    case 'without-holdout':
      return {
        rows: split.test,
        note: `every holdout rating: stable ${stable.version} was trained without its own holdout`,
      };
    case 'unknown':
      return { rows: new Int32Array(0), note: stable.reason };
    case 'every-rating': {
      const rows = Array.from(split.test).filter((r) =>
        stable.newer.has(
          rowKey(
            table.userIds[table.users[r]!]!,
            table.movieIds[table.movies[r]!]!,
            table.ratings[r]!,
            table.timestamps[r]!,
          ),
        ),
      );
      return {
        rows: Int32Array.from(rows),
        note:
          `the ${rows.length} holdout ratings gathered after stable ${stable.version} was trained on every ` +
          'rating up to then',
      };
    }
  }
}
