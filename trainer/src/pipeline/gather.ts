/**
 * Ratings collected at the edge, for training: each pipeline run reads the events files written since the last
 * run's cursor and stores what it found as one delta object, `pipeline/ratings/<name of the last events file>.json`
 * in the model store. The deltas are the durable record (the events bucket may expire old files); training uses
 * the base ratings plus every delta.
 *
 * - `rating` events become rating rows (user, movie, value, received time in unix seconds). Values off the base
 *   data's rating scale are dropped and counted.
 * - `watch` events are counted but not used: the model learns explicit ratings, and a watch is not a rating (the
 *   canary judge uses watches for watch-through). `click` and `impression` events are not training data.
 *
 * Files are taken in key order (keys sort by the time they were written) up to `now − settle`, so a file the
 * queue consumer writes a little late, with an earlier time in its name, is not skipped for ever.
 *
 * Delivery is at least once, so an event can be stored twice, even in files read on different nights: each delta
 * keeps a short hash of every rating and watch event it counted (`seen`; shared eventIdentity: the client id, else
 * the exact stored line), and an event seen before, in this read or in any earlier delta, is dropped and counted.
 */
import { z } from 'zod';
import { createHash } from 'node:crypto';
import {
  EVENTS_PREFIX,
  eventIdentity,
  StoredEventSchema,
  type StoredEvent,
} from '../../../shared/src/schemas/events.ts';
import { ArtifactError } from '../../../shared/src/errors.ts';
import { jsonBytes, parseJsonBytes } from '../../../shared/src/schemas/parse.ts';
import type { RatingScale } from '../data/types.ts';
import { keysInWindow, readNdjson, type InvalidLines } from '../canary/event-files.ts';
import type { ObjectStore } from '../store/object-store.ts';

export const RATINGS_PREFIX = 'pipeline/ratings/';

/** A rating row: external user id, external movie id, value, unix seconds. */
export type RatingRow = [number, number, number, number];

const DeltaSchema = z.strictObject({
  schema: z.literal(1),
  /** The last events key of the previous delta (exclusive), or null for the first. */
  from: z.string().nullable(),
  /** The last events key read (inclusive). */
  to: z.string().min(1),
  gathered: z.iso.datetime(),
  files: z.int().min(0),
  ratings: z.array(z.tuple([z.int(), z.int(), z.number(), z.int().min(0)])),
  watches: z.int().min(0),
  offScale: z.int().min(0),
  invalidLines: z.int().min(0),
  /** Rating and watch events dropped as already counted (absent in deltas of earlier pipelines: none dropped). */
  duplicates: z.int().min(0).optional(),
  /** Hashes of the identities of the rating and watch events counted (absent in deltas of earlier pipelines). */
  seen: z.array(z.string()).optional(),
});
export type RatingsDelta = z.output<typeof DeltaSchema>;

/** What one gathering did. */
export interface Gathered {
  /** The delta written now (null when no new events file had settled). */
  delta: RatingsDelta | null;
  /** Every rating row of every delta, oldest delta first. */
  ratings: RatingRow[];
  /** Deltas in the store after this run. */
  deltas: number;
  invalid: InvalidLines;
}

/** A short hash of an event's identity (96 bits: collisions are negligible at billions of events). */
export function identityHash(event: StoredEvent): string {
  return createHash('sha256').update(eventIdentity(event)).digest('base64url').slice(0, 16);
}

/** Time in an events key's file name, `<YYYY-MM-DDTHH-MM-SS-mmmZ>-<suffix>.ndjson`; NaN when absent. */
export function keyTime(key: string): number {
  const m = /(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z[^/]*$/.exec(key);
  return m === null ? NaN : Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
}

/** True when `value` is a rating on `scale` (within float tolerance). */
export function onScale(value: number, scale: RatingScale): boolean {
  if (!(value >= scale.min - 1e-9 && value <= scale.max + 1e-9)) return false;
  const steps = (value - scale.min) / scale.step;
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}

async function readDelta(store: ObjectStore, key: string): Promise<RatingsDelta> {
  const bytes = await store.get(key);
  if (bytes === null) throw new ArtifactError(key, 'listed but missing');
  const parsed = DeltaSchema.safeParse(parseJsonBytes(key, bytes));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArtifactError(
      key,
      `invalid ratings delta: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

/**
 * Reads the events written since the last delta, stores them as a new delta, and returns all rating rows.
 * @param settleMs only files named at least this long before `now` are read
 * @throws ArtifactError for an unreadable delta; StorageError from either store
 */
export async function gatherRatings(
  store: ObjectStore,
  events: ObjectStore | null,
  scale: RatingScale,
  options: { now?: Date; settleMs: number },
): Promise<Gathered> {
  const now = options.now ?? new Date();
  const deltaKeys = (await store.list(RATINGS_PREFIX)).filter((k) => k.endsWith('.json'));
  const deltas = await Promise.all(deltaKeys.map((k) => readDelta(store, k)));
  const cursor = deltas.at(-1)?.to ?? null;
  const seen = new Set(deltas.flatMap((d) => d.seen ?? []));
  let written: RatingsDelta | null = null;
  let invalid: InvalidLines = { count: 0, samples: [] };
  if (events !== null) {
    const cutoff = now.getTime() - options.settleMs;
    const candidates =
      cursor === null
        ? await events.list(EVENTS_PREFIX)
        : await keysInWindow(events, EVENTS_PREFIX, new Date(keyTime(cursor) || 0), now);
    const keys = candidates.filter(
      (k) => k.endsWith('.ndjson') && (cursor === null || k > cursor) && keyTime(k) <= cutoff,
    );
    if (keys.length > 0) {
      const read = await readNdjson(events, keys, StoredEventSchema);
      invalid = read.invalid;
      const ratings: RatingRow[] = [];
      const counted: string[] = [];
      let watches = 0;
      let offScale = 0;
      let duplicates = 0;
      for (const e of read.items) {
        if (e.type !== 'watch' && e.type !== 'rating') continue;
        const identity = identityHash(e);
        if (seen.has(identity)) {
          duplicates++;
          continue;
        }
        seen.add(identity);
        counted.push(identity);
        if (e.type === 'watch') watches++;
        if (e.type !== 'rating') continue;
        if (!onScale(e.value, scale)) {
          offScale++;
          continue;
        }
        ratings.push([e.user, e.movie, e.value, Math.floor(Date.parse(e.received) / 1000)]);
      }
      const last = keys.at(-1) as string;
      written = {
        schema: 1,
        from: cursor,
        to: last,
        gathered: now.toISOString(),
        files: keys.length,
        ratings,
        watches,
        offScale,
        invalidLines: read.invalid.count,
        duplicates,
        seen: counted,
      };
      const name = (last.split('/').at(-1) as string).replace(/\.ndjson$/, '');
      await store.put(`${RATINGS_PREFIX}${name}.json`, jsonBytes(written));
      deltas.push(written);
    }
  }
  return {
    delta: written,
    ratings: deltas.flatMap((d) => d.ratings as RatingRow[]),
    deltas: deltas.length,
    invalid,
  };
}
