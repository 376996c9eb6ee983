/**
 * The versions an isolate holds. One memoized load per version shared by concurrent callers; a failed load is
 * dropped (so a later caller retries) but remembered for `retryMs`, during which callers get the same error at
 * once instead of re-downloading a corrupt version on every request. Versions no longer wanted are retired and
 * released after a grace period, so requests still running on them finish first.
 */
import type { KeepAlive } from './keep-alive.ts';
import type { ServingVersion } from './load-version.ts';

/** How long a retired version stays usable before its memory is released. */
const RETIRE_GRACE_MS = 60_000;

export class VersionRegistry {
  private readonly loads = new Map<string, Promise<ServingVersion>>();
  private readonly ready = new Map<string, ServingVersion>();
  private readonly failures = new Map<string, { at: number; error: unknown }>();
  private readonly retired: { version: ServingVersion; at: number }[] = [];

  constructor(
    private readonly loader: (version: string) => Promise<ServingVersion>,
    private readonly release: (version: ServingVersion) => Promise<void>,
    private readonly retryMs: number,
  ) {}

  /**
   * The loaded version, loading it on first use.
   * @param keepAlive receives a load this call starts (see KeepAlive)
   * @throws the load's error (ArtifactError, StorageError), also for `retryMs` after a failure
   */
  get(version: string, now: number, keepAlive?: KeepAlive): Promise<ServingVersion> {
    const done = this.ready.get(version);
    if (done !== undefined) return Promise.resolve(done);
    const retired = this.retired.findIndex((r) => r.version.id === version);
    if (retired >= 0) {
      // Wanted again (e.g. a rollback) before its memory was released: serve it without reloading.
      const [back] = this.retired.splice(retired, 1);
      this.ready.set(version, (back as { version: ServingVersion }).version);
      return Promise.resolve((back as { version: ServingVersion }).version);
    }
    let load = this.loads.get(version);
    if (load !== undefined) return load;
    const failure = this.failures.get(version);
    if (failure !== undefined && now - failure.at < this.retryMs) return Promise.reject(failure.error);
    load = this.loader(version).then(
      (loaded) => {
        this.loads.delete(version);
        this.failures.delete(version);
        this.ready.set(version, loaded);
        return loaded;
      },
      (error: unknown) => {
        this.loads.delete(version);
        this.failures.set(version, { at: now, error });
        throw error;
      },
    );
    this.loads.set(version, load);
    keepAlive?.(load);
    return load;
  }

  /** Ids of the loaded versions. */
  loadedIds(): string[] {
    return [...this.ready.keys()];
  }

  /**
   * Retires loaded versions not in `keep` and releases those retired more than the grace period ago.
   */
  async retain(keep: ReadonlySet<string>, now: number): Promise<void> {
    for (const [id, version] of this.ready) {
      if (!keep.has(id)) {
        this.ready.delete(id);
        this.retired.push({ version, at: now });
      }
    }
    const due = this.retired.filter((r) => now - r.at >= RETIRE_GRACE_MS);
    for (const r of due) this.retired.splice(this.retired.indexOf(r), 1);
    await Promise.all(due.map((r) => this.release(r.version).catch(() => undefined)));
  }
}
