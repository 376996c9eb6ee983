/**
 * channels.json as an isolate sees it: fetched on first use and re-read at most every `ttlMs`, so a newly
 * published stable version is picked up without a redeploy. Concurrent callers share one fetch. When a re-read
 * fails (R2 error, or a corrupt or missing file) the last good pointer keeps serving.
 */
import { MarqueeError } from '../../../shared/src/errors.ts';
import { CHANNELS_FILE, parseChannels, type Channels } from '../../../shared/src/schemas/channels.ts';
import { parseJsonBytes } from '../../../shared/src/schemas/parse.ts';
import type { ObjectStore } from '../artifacts/r2-store.ts';
import { ModelUnavailableError } from './errors.ts';
import type { KeepAlive } from './keep-alive.ts';

export class ChannelsCache {
  private last: { channels: Channels; checkedAt: number } | undefined;
  private pending: Promise<Channels> | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly ttlMs: number,
  ) {}

  /**
   * The current pointer.
   * @param now milliseconds since the epoch (injected so tests and the registry agree on time)
   * @param keepAlive receives a read this call starts (see KeepAlive)
   * @throws ModelUnavailableError when nothing was ever read and channels.json is missing or unreadable
   */
  current(now: number, keepAlive?: KeepAlive): Promise<Channels> {
    if (this.last !== undefined && now - this.last.checkedAt < this.ttlMs)
      return Promise.resolve(this.last.channels);
    if (this.pending === undefined) {
      this.pending = this.refresh(now).finally(() => {
        this.pending = undefined;
      });
      keepAlive?.(this.pending);
    }
    return this.pending;
  }

  private async refresh(now: number): Promise<Channels> {
    try {
      const bytes = await this.store.get(CHANNELS_FILE);
      if (bytes === null) {
        throw new ModelUnavailableError(
          'unpublished',
          `no model has been published yet (${this.store.prefix}${CHANNELS_FILE} is missing); publish one with ` +
            '`marquee publish`',
        );
      }
      const channels = parseChannels(parseJsonBytes(CHANNELS_FILE, bytes), this.store.prefix + CHANNELS_FILE);
      this.last = { channels, checkedAt: now };
      return channels;
    } catch (err) {
      if (this.last === undefined) {
        if (err instanceof ModelUnavailableError) throw err;
        throw new ModelUnavailableError(
          'load-failed',
          `cannot read ${this.store.prefix}${CHANNELS_FILE}: ${err instanceof MarqueeError ? err.message : String(err)}`,
          { cause: err },
        );
      }
      // Keep serving the last good pointer; try again after another TTL.
      console.warn(`channels.json re-read failed, keeping ${this.last.channels.stable}:`, String(err));
      this.last = { channels: this.last.channels, checkedAt: now };
      return this.last.channels;
    }
  }
}
