/**
 * Coalescing of byte ranges into fewer reads. A Worker invocation may only make a bounded number of subrequests
 * (R2 calls count), so a batch of nearby small reads (e.g. the records of many users in one predict call) is
 * fetched as a few larger ones.
 */
import type { ByteRange } from '../../../shared/src/formats/container.ts';

/** One read covering several requested ranges. */
export interface CoalescedRead extends ByteRange {
  /** Indices (into the input array) of the ranges this read covers. */
  members: number[];
}

/**
 * Groups ranges into reads: ranges are sorted by offset and merged while the gap to the next is at most
 * `maxGap` bytes and the read stays within `maxRead` bytes (a single range longer than that is read alone).
 * @param ranges requested ranges (any order, overlaps allowed)
 * @returns reads in ascending offset order; every input index appears in exactly one read
 */
export function coalesceRanges(
  ranges: readonly ByteRange[],
  maxGap: number,
  maxRead: number,
): CoalescedRead[] {
  const order = ranges
    .map((_, i) => i)
    .sort((a, b) => (ranges[a] as ByteRange).offset - (ranges[b] as ByteRange).offset);
  const reads: CoalescedRead[] = [];
  let current: CoalescedRead | undefined;
  for (const i of order) {
    const r = ranges[i] as ByteRange;
    const end = r.offset + r.length;
    if (current !== undefined) {
      const currentEnd = current.offset + current.length;
      const mergedEnd = Math.max(currentEnd, end);
      if (r.offset - currentEnd <= maxGap && mergedEnd - current.offset <= maxRead) {
        current.length = mergedEnd - current.offset;
        current.members.push(i);
        continue;
      }
    }
    current = { offset: r.offset, length: r.length, members: [i] };
    reads.push(current);
  }
  return reads;
}

/** The bytes of `range` within a read that covers it. */
export function sliceOf(read: ByteRange, bytes: Uint8Array, range: ByteRange): Uint8Array {
  const start = range.offset - read.offset;
  return bytes.subarray(start, start + range.length);
}
