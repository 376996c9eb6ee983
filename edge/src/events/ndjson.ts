/**
 * Writing the events bucket: one newline-delimited JSON object per write, under the key layout of
 * shared/src/schemas/events.ts (`<prefix>YYYY-MM-DD/HH/<iso-time>-<random>.ndjson`).
 */
import { eventsKey } from '../../../shared/src/schemas/events.ts';

/** 12 random hex digits: keys written in the same millisecond by different isolates stay distinct. */
function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Writes `lines` as one NDJSON object under `prefix`, keyed by `time`; returns the key.
 * @throws the bucket's error when the write fails
 */
export async function writeNdjson(
  bucket: R2Bucket,
  prefix: string,
  time: Date,
  lines: readonly unknown[],
): Promise<string> {
  const key = eventsKey(prefix, time, randomSuffix());
  const body = lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
  await bucket.put(key, body, { httpMetadata: { contentType: 'application/x-ndjson' } });
  return key;
}
