/**
 * channels.json in a store: reading it, the pointer changes operators make (set stable, set/clear canary,
 * rollback) as pure functions, and `setChannels`, which writes the whole file in one put after checking every
 * version it names exists.
 */
import { UsageError } from '../../../shared/src/errors.ts';
import {
  CHANNELS_FILE,
  CHANNEL_HISTORY_MAX,
  CHANNELS_SCHEMA_VERSION,
  parseChannels,
  type Channels,
} from '../../../shared/src/schemas/channels.ts';
import { jsonBytes, parseJsonBytes } from '../../../shared/src/schemas/parse.ts';
import type { ObjectStore } from './object-store.ts';
import { assertVersionPresent } from './versions.ts';

/** The pointer part of channels.json; `schema` and `updated` are filled in when writing. */
export type ChannelPointers = Pick<Channels, 'stable' | 'canary' | 'history'>;

/**
 * The store's channels.json, or null when nothing was published to a channel yet.
 * @throws ArtifactError naming channels.json when it is not valid
 */
export async function readChannels(store: ObjectStore): Promise<Channels | null> {
  const bytes = await store.get(CHANNELS_FILE);
  return bytes === null ? null : parseChannels(parseJsonBytes(CHANNELS_FILE, bytes));
}

/**
 * Writes channels.json in one put, after checking that every version it points at exists (manifest valid, files
 * present with their sizes).
 * @throws ArtifactError naming the version's file when it does not exist or validate; StorageError from the store
 */
export async function setChannels(
  store: ObjectStore,
  pointers: ChannelPointers,
  now: Date = new Date(),
): Promise<Channels> {
  const channels = parseChannels({
    schema: CHANNELS_SCHEMA_VERSION,
    ...pointers,
    updated: now.toISOString(),
  });
  await assertVersionPresent(store, channels.stable);
  if (channels.canary !== null && channels.canary.version !== channels.stable) {
    await assertVersionPresent(store, channels.canary.version);
  }
  await store.put(CHANNELS_FILE, jsonBytes(channels));
  return channels;
}

/**
 * Makes `version` stable. The previous stable goes onto the history; a canary of the same version is cleared (it
 * has been promoted).
 */
export function withStable(current: Channels | null, version: string): ChannelPointers {
  if (current === null) return { stable: version, canary: null, history: [] };
  const history =
    current.stable === version
      ? current.history
      : [...current.history, current.stable].slice(-CHANNEL_HISTORY_MAX);
  const canary = current.canary?.version === version ? null : current.canary;
  return { stable: version, canary, history };
}

/**
 * Routes `percent` % of users (by bucket) to `version`.
 * @throws UsageError when there is no stable version yet or the percent is not a whole number in 0..100
 */
export function withCanary(current: Channels | null, version: string, percent: number): ChannelPointers {
  if (current === null) {
    throw new UsageError(
      'there is no stable version yet: set one first (marquee channel set-stable VERSION)',
    );
  }
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new UsageError(`canary percent must be a whole number from 0 to 100 (got ${percent})`);
  }
  return { stable: current.stable, canary: { version, percent }, history: current.history };
}

/**
 * Removes the canary.
 * @throws UsageError when there is no channels.json yet
 */
export function withoutCanary(current: Channels | null): ChannelPointers {
  if (current === null) throw new UsageError('nothing to change: the store has no channels.json yet');
  return { stable: current.stable, canary: null, history: current.history };
}

/**
 * Points stable back at the previous stable version (the last history entry). A canary of the version rolled
 * away from is cleared too.
 * @throws UsageError when no previous stable version is recorded
 */
export function withRollback(current: Channels | null): ChannelPointers {
  const previous = current?.history.at(-1);
  if (current === null || previous === undefined) {
    throw new UsageError('cannot roll back: channels.json records no previous stable version');
  }
  const canary = current.canary?.version === current.stable ? null : current.canary;
  return { stable: previous, canary, history: current.history.slice(0, -1) };
}
