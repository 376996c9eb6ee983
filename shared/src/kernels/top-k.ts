/**
 * Exact top-k selection over a score vector with a bounded min-heap: O(n log k) time, O(k) memory. Used by the
 * trainer's evaluation and offline queries and by the edge Worker's top-N and similar-movie routes, so both halves
 * rank identically (same tie rule, same exclusions).
 */

/** The k best entries of a score vector, best first. Both arrays have the same length (≤ k). */
export interface TopK {
  /** Indices into the score vector, sorted by score descending, ties by lower index first. */
  indices: Int32Array;
  /** The scores of `indices`, in the same order. */
  scores: Float32Array;
}

/** Entries that must never be returned, e.g. the movies a user has already rated. */
export interface TopKExclusion {
  /** Excluded indices in non-decreasing order (duplicates allowed); entries outside [0, n) are ignored. */
  sorted?: Int32Array;
  /** Excluded when mask[i] !== 0; its length must equal the number of scores. */
  mask?: Uint8Array;
}

/**
 * Selects the `k` highest scores. NaN scores are never selected; when fewer than `k` entries are eligible the
 * result is shorter than `k`.
 * @param scores one score per candidate (length n)
 * @param k number of entries wanted, a whole number ≥ 0
 * @param exclude candidates to skip (sorted index list and/or mask)
 * @throws RangeError when k is not a whole number ≥ 0, the sorted list is not sorted, or the mask length differs
 */
export function topK(scores: Float32Array, k: number, exclude: TopKExclusion = {}): TopK {
  if (!Number.isSafeInteger(k) || k < 0) {
    throw new RangeError(`k must be a whole number >= 0 (got ${k})`);
  }
  const n = scores.length;
  const { sorted, mask } = exclude;
  if (mask !== undefined && mask.length !== n) {
    throw new RangeError(`exclusion mask must have one entry per score: expected ${n} (got ${mask.length})`);
  }
  if (sorted !== undefined) assertSorted(sorted);
  const cap = Math.min(k, n);
  // Heap arrays ordered so that the root is the WORST kept entry: lower score, or equal score and higher index.
  const heapIdx = new Int32Array(cap);
  const heapScore = new Float32Array(cap);
  let size = 0;
  let p = 0; // cursor into `sorted`, advanced in step with i
  const excludedCount = sorted?.length ?? 0;
  if (cap > 0) {
    for (let i = 0; i < n; i++) {
      if (sorted !== undefined) {
        while (p < excludedCount && (sorted[p] as number) < i) p++;
        if (p < excludedCount && sorted[p] === i) continue;
      }
      if (mask !== undefined && mask[i] !== 0) continue;
      const s = scores[i] as number;
      if (s !== s) continue; // NaN
      if (size < cap) {
        heapIdx[size] = i;
        heapScore[size] = s;
        siftUp(heapIdx, heapScore, size);
        size++;
      } else if (s > (heapScore[0] as number)) {
        // Candidates arrive in increasing index order, so an equal score never beats the root (lower index wins).
        heapIdx[0] = i;
        heapScore[0] = s;
        siftDown(heapIdx, heapScore, size);
      }
    }
  }
  // Pop worst-first into the tail of the output so the result is best-first.
  const indices = new Int32Array(size);
  const out = new Float32Array(size);
  for (let end = size; end > 0; end--) {
    indices[end - 1] = heapIdx[0] as number;
    out[end - 1] = heapScore[0] as number;
    heapIdx[0] = heapIdx[end - 1] as number;
    heapScore[0] = heapScore[end - 1] as number;
    siftDown(heapIdx, heapScore, end - 1);
  }
  return { indices, scores: out };
}

/** True when entry a is worse than entry b (lower score, or equal score and higher index). */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

function siftUp(idx: Int32Array, score: Float32Array, at: number): void {
  const i0 = idx[at] as number;
  const s0 = score[at] as number;
  let c = at;
  while (c > 0) {
    const parent = (c - 1) >> 1;
    const ps = score[parent] as number;
    const pi = idx[parent] as number;
    if (!worse(s0, i0, ps, pi)) break;
    idx[c] = pi;
    score[c] = ps;
    c = parent;
  }
  idx[c] = i0;
  score[c] = s0;
}

function siftDown(idx: Int32Array, score: Float32Array, size: number): void {
  if (size === 0) return;
  const i0 = idx[0] as number;
  const s0 = score[0] as number;
  let c = 0;
  for (;;) {
    const left = 2 * c + 1;
    if (left >= size) break;
    const right = left + 1;
    let child = left;
    if (
      right < size &&
      worse(score[right] as number, idx[right] as number, score[left] as number, idx[left] as number)
    ) {
      child = right;
    }
    const cs = score[child] as number;
    const ci = idx[child] as number;
    if (!worse(cs, ci, s0, i0)) break;
    idx[c] = ci;
    score[c] = cs;
    c = child;
  }
  idx[c] = i0;
  score[c] = s0;
}

function assertSorted(sorted: Int32Array): void {
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as number) < (sorted[i - 1] as number)) {
      throw new RangeError(
        `excluded indices must be sorted ascending: position ${i} holds ${sorted[i]} after ${sorted[i - 1]}`,
      );
    }
  }
}
