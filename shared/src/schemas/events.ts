/**
 * Feedback events: what apps send to `POST /v1/events`, what the Worker's queue consumer writes to the events
 * bucket, and what `marquee canary judge` / `marquee pipeline` read back. One contract for all three.
 *
 * Layout of the events bucket (newline-delimited JSON, one object per line):
 *   events/YYYY-MM-DD/HH/<iso-time>-<random>.ndjson   StoredEvent lines (app feedback, stamped by the Worker)
 *   metrics/YYYY-MM-DD/HH/<iso-time>-<random>.ndjson  MetricsRollup lines (the Worker's own serving figures)
 * The date/hour is the UTC time the Worker received the event (or closed the rollup window).
 *
 * Delivery is at least once (queue retries, app resends), so readers drop duplicates (dropDuplicateEvents): by the
 * event's optional client `id`, else by the exact stored line.
 */
import { z } from 'zod';
import { VersionIdSchema } from './manifest.ts';

export const EVENTS_SCHEMA_VERSION = 1;
/** Most events one POST /v1/events may carry. */
export const MAX_EVENTS_PER_BATCH = 100;
/** Most movie ids one impression may list (the largest `limit` a route serves). */
export const MAX_IMPRESSION_MOVIES = 100;
/** Largest accepted request body of POST /v1/events, bytes (a queue message holds at most 128 KB). */
export const MAX_EVENTS_BODY_BYTES = 64 * 1024;
/** Key prefixes inside the events bucket. */
export const EVENTS_PREFIX = 'events/';
export const METRICS_PREFIX = 'metrics/';

/** External ids are int32 (as everywhere on the edge). */
const Id = z
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const Channel = z.enum(['stable', 'canary']);
/** Optional client time of the event (ISO 8601); the Worker's receive time is what partitions the bucket. */
const At = z.iso.datetime({ offset: true }).optional();
/** Most characters of a client event id. */
export const MAX_EVENT_ID_LENGTH = 64;
/**
 * Optional client id of an event, unique among one user's events (a UUID, or a per-device counter). Queues deliver
 * at least once and apps resend after a timeout, so the same event can be stored twice: readers count an id once.
 */
export const EventIdSchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9_-]{1,${MAX_EVENT_ID_LENGTH}}$`),
    `expected 1 to ${MAX_EVENT_ID_LENGTH} characters of A-Z, a-z, 0-9, _ and -`,
  );
const ClientId = EventIdSchema.optional();

/** The list an app showed: which movies, to whom, and which version/channel served it (from the response). */
export const ImpressionEventSchema = z.strictObject({
  type: z.literal('impression'),
  user: Id,
  movies: z.array(Id).min(1).max(MAX_IMPRESSION_MOVIES),
  modelVersion: VersionIdSchema,
  channel: Channel,
  at: At,
  id: ClientId,
});

/** The user opened (click) or played (watch) a movie. */
export const EngagementEventSchema = z.strictObject({
  type: z.enum(['click', 'watch']),
  user: Id,
  movie: Id,
  at: At,
  id: ClientId,
});

/**
 * The user rated a movie. The value is checked against the rating scale of the version serving the user
 * (manifest `model.ratingScale`) by the Worker; the schema only bounds it.
 */
export const RatingEventSchema = z.strictObject({
  type: z.literal('rating'),
  user: Id,
  movie: Id,
  value: z.number().finite().min(0).max(100),
  at: At,
  id: ClientId,
});

export const FeedbackEventSchema = z.discriminatedUnion('type', [
  ImpressionEventSchema,
  EngagementEventSchema,
  RatingEventSchema,
]);
export type FeedbackEvent = z.output<typeof FeedbackEventSchema>;

/** The body of POST /v1/events. */
export const EventsBatchSchema = z.strictObject({
  events: z.array(FeedbackEventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type EventsBatch = z.output<typeof EventsBatchSchema>;

/**
 * An event as stored: the app's event plus what the Worker knew when it received it — the receive time and
 * the arm (version and channel) that serves this user at that moment, so clicks, watches and ratings are
 * attributed to a version without re-deriving the split later.
 */
export const StoredEventSchema = z.intersection(
  FeedbackEventSchema,
  z.looseObject({
    schema: z.literal(EVENTS_SCHEMA_VERSION),
    received: z.iso.datetime(),
    arm: z.strictObject({ version: VersionIdSchema, channel: Channel }),
  }),
);
export type StoredEvent = z.output<typeof StoredEventSchema>;

/** JSON with object keys sorted at every level: equal values give equal text whatever the key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What makes two stored events the same event: the user and the client `id` when it has one; else the whole stored
 * line (receive time, type, user, movie or movies, value, arm...), so only an exact redelivery of the same
 * accepted request matches. Two events of one request that differ in any field stay distinct.
 */
export function eventIdentity(event: StoredEvent): string {
  return event.id === undefined ? `line:${canonicalJson(event)}` : `id:${event.user}:${event.id}`;
}

/**
 * The events of `events` not seen before, in order: the first of each identity (eventIdentity) is kept.
 * @param seen identities already counted (e.g. by earlier reads); the kept events' are added to it
 * @returns the kept events and how many were dropped as duplicates
 */
export function dropDuplicateEvents<T extends StoredEvent>(
  events: readonly T[],
  seen: Set<string> = new Set(),
): { events: T[]; duplicates: number } {
  const kept: T[] = [];
  for (const e of events) {
    const identity = eventIdentity(e);
    if (seen.has(identity)) continue;
    seen.add(identity);
    kept.push(e);
  }
  return { events: kept, duplicates: events.length - kept.length };
}

/**
 * Upper bounds (ms) of the latency histogram buckets in a MetricsRollup; the last bucket counts everything
 * above the last bound. Fixed, so rollups from many isolates add up and a p99 can be read from the sum.
 */
export const LATENCY_BOUNDS_MS = [1, 2, 3, 5, 8, 12, 20, 35, 50, 75, 100, 150, 250, 500, 1000, 2500] as const;

/** Serving figures of one isolate for one (version, channel, route) over a window. */
export const MetricsRollupSchema = z.looseObject({
  schema: z.literal(EVENTS_SCHEMA_VERSION),
  type: z.literal('metrics'),
  /** Window start and end (ISO 8601 UTC). */
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  version: VersionIdSchema,
  channel: Channel,
  /** Route pattern, e.g. "/v1/users/:id/recommendations". */
  route: z.string().min(1).max(200),
  requests: z.int().min(0),
  status4xx: z.int().min(0),
  status5xx: z.int().min(0),
  /** Counts per LATENCY_BOUNDS_MS bucket, plus one overflow bucket (length LATENCY_BOUNDS_MS.length + 1). */
  latencyMs: z.array(z.int().min(0)).length(LATENCY_BOUNDS_MS.length + 1),
  /** Sum of latencies, ms (for a mean). */
  latencySumMs: z.number().min(0),
});
export type MetricsRollup = z.output<typeof MetricsRollupSchema>;

/** Index of the latency bucket `ms` falls in. */
export function latencyBucket(ms: number): number {
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) if (ms <= LATENCY_BOUNDS_MS[i]!) return i;
  return LATENCY_BOUNDS_MS.length;
}

/**
 * The q-quantile (0..1) of a latency histogram, as the upper bound of the bucket holding it (Infinity in the
 * overflow bucket, NaN when empty). Coarse by design: the bounds are what every isolate agrees on.
 */
export function histogramQuantile(counts: readonly number[], q: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i]! : Infinity;
  }
  return Infinity;
}

/** The events-bucket key of a file written at `time`: `<prefix>YYYY-MM-DD/HH/<iso>-<suffix>.ndjson`. */
export function eventsKey(prefix: string, time: Date, suffix: string): string {
  const iso = time.toISOString();
  return `${prefix}${iso.slice(0, 10)}/${iso.slice(11, 13)}/${iso.replace(/[:.]/g, '-')}-${suffix}.ndjson`;
}
