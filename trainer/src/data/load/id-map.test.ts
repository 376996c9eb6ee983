import { describe, expect, it } from 'vitest';
import { applyRemap, denseIndexOf, IdMap } from './id-map.ts';

describe('IdMap', () => {
  it('interns ids densely and renumbers them in ascending external order', () => {
    const map = new IdMap();
    const external = [500, 3, 500, 70000, 3, 0, 1999];
    const dense = Int32Array.from(external, (id) => map.intern(id));
    expect(Array.from(dense)).toEqual([0, 1, 0, 2, 1, 3, 4]); // first appearance
    const { ids, remap } = map.finish();
    expect(Array.from(ids)).toEqual([0, 3, 500, 1999, 70000]);
    applyRemap(dense, dense.length, remap);
    // Round trip: dense index -> external id gives back the input.
    expect(Array.from(dense, (d) => ids[d])).toEqual(external);
    expect(external.map((id) => denseIndexOf(ids, id))).toEqual(Array.from(dense));
    expect(denseIndexOf(ids, 4)).toBe(-1);
  });

  it('switches to a Map for ids beyond the direct table and still round-trips', () => {
    const map = new IdMap();
    const external = [7, 2_000_000_000, 7, 60_000_000, 12, 2_000_000_000];
    const dense = Int32Array.from(external, (id) => map.intern(id));
    expect(map.size).toBe(4);
    const { ids, remap } = map.finish();
    expect(Array.from(ids)).toEqual([7, 12, 60_000_000, 2_000_000_000]);
    applyRemap(dense, dense.length, remap);
    expect(Array.from(dense, (d) => ids[d])).toEqual(external);
  });

  it('grows past its initial capacity', () => {
    const map = new IdMap();
    for (let i = 0; i < 5000; i++) expect(map.intern(10 * (5000 - i))).toBe(i);
    const { ids } = map.finish();
    expect(ids[0]).toBe(10);
    expect(ids[4999]).toBe(50000);
  });
});
