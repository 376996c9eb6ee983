import { describe, expect, it } from 'vitest';
import { coalesceRanges, sliceOf } from './ranges.ts';

describe('coalesceRanges', () => {
  it('merges ranges closer than the gap and keeps every member once', () => {
    const ranges = [
      { offset: 100, length: 10 },
      { offset: 0, length: 10 },
      { offset: 15, length: 5 },
      { offset: 5000, length: 4 },
      { offset: 104, length: 2 },
    ];
    const reads = coalesceRanges(ranges, 100, 1 << 20);
    expect(reads).toEqual([
      { offset: 0, length: 110, members: [1, 2, 0, 4] },
      { offset: 5000, length: 4, members: [3] },
    ]);
  });

  it('splits reads that would exceed the size cap', () => {
    const ranges = Array.from({ length: 10 }, (_, i) => ({ offset: i * 100, length: 100 }));
    const reads = coalesceRanges(ranges, 0, 300);
    expect(reads.map((r) => [r.offset, r.length])).toEqual([
      [0, 300],
      [300, 300],
      [600, 300],
      [900, 100],
    ]);
  });

  it('slices a member out of its read', () => {
    const bytes = Uint8Array.from({ length: 50 }, (_, i) => i);
    expect(Array.from(sliceOf({ offset: 100, length: 50 }, bytes, { offset: 120, length: 3 }))).toEqual([
      20, 21, 22,
    ]);
  });
});
