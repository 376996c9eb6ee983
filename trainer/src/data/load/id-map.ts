/**
 * Dense renumbering of external integer ids (user or movie ids of the source files) to 0..n-1, without an object
 * per id. Ids below DIRECT_LIMIT go through an Int32Array lookup table — one array read per rating on the hot path;
 * the table's untouched pages are never committed, because 0 means "unseen" and a fresh ArrayBuffer is
 * zero-filled by the OS. Larger ids switch the map to a Map, which is slower but bounded by the number of ids.
 */

/** Largest id (exclusive) kept in the direct table: 50M ids = 200 MB of address space, committed only where used. */
const DIRECT_LIMIT = 50_000_000;

export class IdMap {
  /** external id -> dense index + 1; 0 = unseen. Empty once the map switched to `sparse`. */
  private table = new Int32Array(1024);
  private sparse: Map<number, number> | null = null;
  /** dense index -> external id, in order of first appearance. */
  private order = new Int32Array(1024);
  private count = 0;

  /** Number of distinct ids seen. */
  get size(): number {
    return this.count;
  }

  /** Dense index of `id` (a non-negative int32), assigning the next index on first sight. */
  intern(id: number): number {
    const t = this.table;
    if (id < t.length) {
      const v = t[id]!;
      if (v !== 0) return v - 1;
    }
    return this.internSlow(id);
  }

  private internSlow(id: number): number {
    if (this.sparse !== null) {
      const v = this.sparse.get(id);
      if (v !== undefined) return v;
    }
    const dense = this.count++;
    if (dense === this.order.length) {
      const grown = new Int32Array(this.order.length * 2);
      grown.set(this.order);
      this.order = grown;
    }
    this.order[dense] = id;
    if (this.sparse === null && id >= DIRECT_LIMIT) this.toSparse();
    if (this.sparse !== null) {
      this.sparse.set(id, dense);
    } else {
      if (id >= this.table.length) {
        const grown = new Int32Array(Math.min(DIRECT_LIMIT, Math.max(id + 1, this.table.length * 2)));
        grown.set(this.table);
        this.table = grown;
      }
      this.table[id] = dense + 1;
    }
    return dense;
  }

  private toSparse(): void {
    const sparse = new Map<number, number>();
    for (let i = 0; i < this.count - 1; i++) sparse.set(this.order[i]!, i);
    this.sparse = sparse;
    this.table = new Int32Array(0);
  }

  /**
   * Renumbers so that dense indices follow ascending external id (stable, reproducible, binary-searchable).
   * Returns the sorted ids (dense -> external) and `remap[oldDense] = newDense` for rewriting the columns.
   */
  finish(): { ids: Int32Array; remap: Int32Array } {
    const ids = this.order.slice(0, this.count).sort();
    const remap = new Int32Array(this.count);
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j]!;
      const old = this.sparse !== null ? this.sparse.get(id)! : this.table[id]! - 1;
      remap[old] = j;
    }
    return { ids, remap };
  }
}

/** Rewrites a column of dense indices in place through `remap`. */
export function applyRemap(column: Int32Array, count: number, remap: Int32Array): void {
  for (let i = 0; i < count; i++) column[i] = remap[column[i]!]!;
}

/** Dense index of external `id` in ascending `ids` (as returned by IdMap.finish), or -1. */
export function denseIndexOf(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
