/**
 * channels.json: which version serves whom. `stable` serves everyone outside the canary slice; `canary` serves
 * users whose bucket (a stable hash of their id, 0..99) is below its percent. `history` remembers previous stable
 * versions (most recent last) so a rollback is one pointer write.
 */
import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { VersionIdSchema } from './manifest.ts';
import { parseArtifact } from './parse.ts';

export const CHANNELS_FILE = 'channels.json';
export const CHANNELS_SCHEMA_VERSION = 1;
/** How many previous stable versions channels.json remembers. */
export const CHANNEL_HISTORY_MAX = 20;
/** Number of user buckets; a canary percent is a number of buckets. */
export const BUCKETS = 100;

export const ChannelsSchema = z.looseObject({
  schema: z.literal(CHANNELS_SCHEMA_VERSION),
  stable: VersionIdSchema,
  canary: z.strictObject({ version: VersionIdSchema, percent: z.int().min(0).max(100) }).nullable(),
  /** ISO 8601 UTC time of the last change. */
  updated: z.iso.datetime(),
  /** Previous stable versions, most recent last (at most CHANNEL_HISTORY_MAX). */
  history: z.array(VersionIdSchema).max(CHANNEL_HISTORY_MAX).default([]),
});

export type Channels = z.output<typeof ChannelsSchema>;
export type ChannelName = 'stable' | 'canary';

/**
 * Validates a parsed channels.json.
 * @throws ArtifactError naming the file on an unknown schema version or any invalid field
 */
export function parseChannels(value: unknown, file: string = CHANNELS_FILE): Channels {
  return parseArtifact(ChannelsSchema, file, CHANNELS_SCHEMA_VERSION, value);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The user's bucket, 0..99: FNV-1a (32 bit) of the canonical decimal id string, mod 100. The same id always lands
 * in the same bucket, on the trainer and the edge, so a user keeps their version while the split is unchanged.
 * @param userId an integer, or a string of decimal digits (leading zeros and "+" are canonicalized away)
 * @throws UsageError when the id is not an integer
 */
export function bucketOf(userId: string | number): number {
  let text: string;
  if (typeof userId === 'number') {
    if (!Number.isSafeInteger(userId)) throw new UsageError(`user id must be an integer (got ${userId})`);
    text = String(userId);
  } else {
    if (!/^[-+]?\d{1,30}$/.test(userId))
      throw new UsageError(`user id must be decimal digits (got "${userId}")`);
    text = BigInt(userId).toString();
  }
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return (h >>> 0) % BUCKETS;
}

/**
 * The version that serves `userId`: the canary when there is one and the user's bucket is below its percent,
 * else stable.
 * @throws UsageError when the id is not an integer
 */
export function resolveVersion(
  channels: Pick<Channels, 'stable' | 'canary'>,
  userId: string | number,
): { version: string; channel: ChannelName } {
  const { canary } = channels;
  if (canary !== null && canary.percent > 0 && bucketOf(userId) < canary.percent) {
    return { version: canary.version, channel: 'canary' };
  }
  return { version: channels.stable, channel: 'stable' };
}
