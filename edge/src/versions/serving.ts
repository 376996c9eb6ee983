/**
 * Which loaded version answers a request. The user's channel (stable, or canary by the shared bucketing) names
 * the version; when that version cannot be loaded (corrupt, missing, R2 failing) the request is served by the
 * previous good version of the channel, then stable, then the most recent previous stable versions of
 * channels.json's history, and only when none loads is the answer 503.
 */
import { resolveVersion, type ChannelName, type Channels } from '../../../shared/src/schemas/channels.ts';
import { r2Store } from '../artifacts/r2-store.ts';
import { configOf, type EdgeConfig } from '../env.ts';
import { releaseServingModel } from '../inference/index.ts';
import { ModelUnavailableError } from './errors.ts';
import { ChannelsCache } from './channels.ts';
import type { KeepAlive } from './keep-alive.ts';
import { loadVersion, type ServingVersion } from './load-version.ts';
import { VersionRegistry } from './registry.ts';

/** The version chosen for a request and why. */
export interface Resolved {
  version: ServingVersion;
  channel: ChannelName;
  /** The version channels.json names for this request (differs from version.id on fallback). */
  wanted: string;
  fallback: boolean;
}

/** How many previous stable versions a fallback may try to load. */
const HISTORY_FALLBACKS = 2;

/** Per-isolate state: created on first request, shared by every later one. */
export class EdgeState {
  readonly config: EdgeConfig;
  readonly channels: ChannelsCache;
  readonly registry: VersionRegistry;
  private readonly lastGood: Partial<Record<ChannelName, string>> = {};

  constructor(env: Env) {
    this.config = configOf(env);
    const store = r2Store(env.MODELS, this.config.prefix);
    this.channels = new ChannelsCache(store, this.config.channelsTtlMs);
    this.registry = new VersionRegistry(
      (id) => loadVersion(store, id, { pageCacheBytes: this.config.pageCacheBytes }),
      (v) => releaseServingModel(v.id),
      this.config.loadRetryMs,
    );
  }

  /**
   * The version serving `userId` (stable when no user is involved).
   * @param keepAlive receives the shared reads and loads this request starts (see KeepAlive)
   * @throws ModelUnavailableError when nothing is published or no candidate version loads
   */
  async resolve(userId?: number, keepAlive?: KeepAlive): Promise<Resolved> {
    const now = Date.now();
    const channels = await this.channels.current(now, keepAlive);
    const pick =
      userId === undefined
        ? { version: channels.stable, channel: 'stable' as const }
        : resolveVersion(channels, userId);
    let firstError: unknown;
    for (const candidate of this.candidates(channels, pick)) {
      try {
        const version = await this.registry.get(candidate, now, keepAlive);
        if (candidate === pick.version) this.lastGood[pick.channel] = candidate;
        await this.registry.retain(this.keep(channels, candidate), now);
        return { version, channel: pick.channel, wanted: pick.version, fallback: candidate !== pick.version };
      } catch (err) {
        firstError ??= err;
        if (candidate === pick.version) console.warn(`version ${candidate} cannot be served:`, String(err));
      }
    }
    throw new ModelUnavailableError(
      'load-failed',
      `model version ${pick.version} cannot be loaded and no earlier version is available: ${
        firstError instanceof Error ? firstError.message : String(firstError)
      }`,
      { cause: firstError },
    );
  }

  /** Versions to try, in order, without repeats. */
  private candidates(channels: Channels, pick: { version: string; channel: ChannelName }): string[] {
    const list = [
      pick.version,
      this.lastGood[pick.channel],
      channels.stable,
      this.lastGood.stable,
      ...channels.history.slice(-HISTORY_FALLBACKS).reverse(),
    ];
    return [...new Set(list.filter((v): v is string => v !== undefined))];
  }

  /** Versions worth keeping in memory: the pointers, the last good ones, and the one just served. */
  private keep(channels: Channels, serving: string): Set<string> {
    const keep = new Set([channels.stable, serving]);
    if (this.lastGood.stable !== undefined) keep.add(this.lastGood.stable);
    if (channels.canary !== null) {
      keep.add(channels.canary.version);
      if (this.lastGood.canary !== undefined) keep.add(this.lastGood.canary);
    }
    return keep;
  }
}

let state: EdgeState | undefined;

/** The isolate's state (bindings do not change within an isolate). */
export function edgeState(env: Env): EdgeState {
  state ??= new EdgeState(env);
  return state;
}
