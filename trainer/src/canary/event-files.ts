/**
 * Reading the events bucket (layout in shared/src/schemas/events.ts): which NDJSON files can hold lines of a time
 * window, and their lines validated against StoredEvent / MetricsRollup. A bad line is skipped and counted, with a
 * few samples naming key and line, rather than failing the whole read: one buggy client must not stop a judge.
 */
import type { z } from 'zod';
import { utf8Decode } from '../../../shared/src/formats/web.ts';
import type { ObjectStore } from '../store/object-store.ts';

/** Samples of invalid lines kept for messages; the count is always exact. */
const MAX_INVALID_SAMPLES = 5;

/** Lines that did not parse or validate. */
export interface InvalidLines {
  count: number;
  /** Up to five `key:line: problem` strings. */
  samples: string[];
}

/** What a read returned. */
export interface ReadLines<T> {
  items: T[];
  /** Keys read, in order. */
  files: string[];
  invalid: InvalidLines;
}

const DAY_MS = 86_400_000;

/** The UTC day of a time as "YYYY-MM-DD". */
export function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/**
 * Keys under `prefix` (e.g. "events/") in the day/hour folders that can hold lines written from `since` to
 * `until` (both inclusive, to the hour), sorted. One list request per UTC day.
 */
export async function keysInWindow(
  store: ObjectStore,
  prefix: string,
  since: Date,
  until: Date,
): Promise<string[]> {
  const keys: string[] = [];
  const firstHour = since.toISOString().slice(0, 13); // YYYY-MM-DDTHH
  const lastHour = until.toISOString().slice(0, 13);
  const start = Date.parse(`${dayOf(since)}T00:00:00Z`);
  for (let t = start; t <= until.getTime(); t += DAY_MS) {
    const day = dayOf(new Date(t));
    for (const key of await store.list(`${prefix}${day}/`)) {
      const hour = /^(\d{2})\//.exec(key.slice(prefix.length + day.length + 1))?.[1];
      if (hour === undefined) continue;
      const at = `${day}T${hour}`;
      if (at >= firstHour && at <= lastHour) keys.push(key);
    }
  }
  return keys.sort();
}

/**
 * Reads NDJSON objects and keeps the lines `schema` accepts.
 * @throws StorageError from the store
 */
export async function readNdjson<S extends z.ZodType>(
  store: ObjectStore,
  keys: readonly string[],
  schema: S,
): Promise<ReadLines<z.output<S>>> {
  const items: z.output<S>[] = [];
  const invalid: InvalidLines = { count: 0, samples: [] };
  const reject = (key: string, line: number, problem: string): void => {
    invalid.count++;
    if (invalid.samples.length < MAX_INVALID_SAMPLES) invalid.samples.push(`${key}:${line}: ${problem}`);
  };
  for (const key of keys) {
    const bytes = await store.get(key);
    if (bytes === null) continue; // deleted between list and get
    const lines = utf8Decode(bytes).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const text = (lines[i] as string).trim();
      if (text === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        reject(key, i + 1, `not JSON (${(err as Error).message})`);
        continue;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) items.push(parsed.data);
      else {
        const issue = parsed.error.issues[0];
        reject(key, i + 1, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
      }
    }
  }
  return { items, files: [...keys], invalid };
}

/** Adds `b`'s invalid lines to `a`'s. */
export function mergeInvalid(a: InvalidLines, b: InvalidLines): InvalidLines {
  return {
    count: a.count + b.count,
    samples: [...a.samples, ...b.samples].slice(0, MAX_INVALID_SAMPLES),
  };
}
