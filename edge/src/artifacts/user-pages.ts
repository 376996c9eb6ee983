/**
 * A bounded per-version cache of users.bin's id pages (≤ stride ids each) and, per id, where that user's list lies
 * in seen.bin. Both are immutable per version. Without it a top-N request costs R2 reads one after the other (id
 * page → record → seen list); with the page cached, the pointer locates the user's profile in users.bin, so record
 * and seen list come in one read (versions without profiles read both at the same time), and an unknown id is
 * answered without any read. The cache holds index data only — no user vectors and no answers — and its bytes
 * are capped, so isolate memory still does not grow with the number of users: a version with more pages than fit
 * keeps the most recently used ones.
 */

/** One cached page of users.bin. */
export interface CachedPage {
  /** [count] the page's external ids, strictly ascending (checked when the page was read). */
  ids: Int32Array;
  /**
   * [2·count] (offset, count) in seen.bin of each id's list, in elements; undefined when the page's records were
   * not read (see `pageRecordsBytes`).
   */
  seen: Uint32Array | undefined;
}

/** Bytes a page costs beyond its arrays (the two typed-array objects, the entry object, the Map slot). */
const PAGE_OVERHEAD_BYTES = 256;

/** Default cap of one version's page cache: ~600 pages of 256 ids with their seen pointers, ~150k users. */
export const DEFAULT_PAGE_CACHE_BYTES = 2 * 1024 * 1024;

/** What a page is counted as against the cap. */
export function pageBytes(page: CachedPage): number {
  return page.ids.byteLength + (page.seen?.byteLength ?? 0) + PAGE_OVERHEAD_BYTES;
}

/** Least-recently-used pages keyed by the record number of their first id, within `maxBytes`. */
export class PageCache {
  private readonly pages = new Map<number, CachedPage>();
  private used = 0;

  /** @param maxBytes the cap (0 disables the cache) */
  constructor(readonly maxBytes: number) {}

  /** The page starting at record `firstIndex`, marked most recently used; undefined when not cached. */
  get(firstIndex: number): CachedPage | undefined {
    const page = this.pages.get(firstIndex);
    if (page !== undefined) {
      // Map iteration follows insertion order, so re-inserting makes this the last to be evicted.
      this.pages.delete(firstIndex);
      this.pages.set(firstIndex, page);
    }
    return page;
  }

  /** Adds (or replaces) a page, evicting the least recently used ones until the cache is within its cap. */
  set(firstIndex: number, page: CachedPage): void {
    const bytes = pageBytes(page);
    if (bytes > this.maxBytes) return;
    const old = this.pages.get(firstIndex);
    if (old !== undefined) {
      this.pages.delete(firstIndex);
      this.used -= pageBytes(old);
    }
    for (const [key, oldest] of this.pages) {
      if (this.used + bytes <= this.maxBytes) break;
      this.pages.delete(key);
      this.used -= pageBytes(oldest);
    }
    this.pages.set(firstIndex, page);
    this.used += bytes;
  }

  /** Pages held. */
  get size(): number {
    return this.pages.size;
  }

  /** Bytes counted against the cap. */
  get usedBytes(): number {
    return this.used;
  }
}

/**
 * Position of `id` in strictly ascending `ids` (binary search).
 * @returns the index, or -1 when absent
 */
export function indexOfId(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = ids[mid] as number;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
