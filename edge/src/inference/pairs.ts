/**
 * int64 index tensors without BigInt conversions: on a little-endian machine (wasm, x86, ARM) an int64 holding a
 * small non-negative index is the int32 index followed by a zero word, so the tensor is filled through an
 * Int32Array view of the same buffer.
 */

/**
 * int64 copies of non-negative int32 indices.
 * @param indices values in [0, 2^31)
 */
export function toInt64(indices: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(indices.length);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < indices.length; i++) words[2 * i] = indices[i] as number;
  return out;
}

/** int64 [n] filled with `value` (a small non-negative integer). */
export function filledInt64(n: number, value: number): BigInt64Array {
  const out = new BigInt64Array(n);
  if (value !== 0) {
    const words = new Int32Array(out.buffer);
    for (let i = 0; i < n; i++) words[2 * i] = value;
  }
  return out;
}

/** int64 [n] holding 0..n-1. */
export function rangeInt64(n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) words[2 * i] = i;
  return out;
}
