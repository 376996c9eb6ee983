/**
 * Content checks shared by the format readers and writers. They run in O(n) over typed arrays: cheap next to
 * fetching the bytes, and they turn a corrupt table into an ArtifactError instead of NaN scores or out-of-range
 * indices later.
 */
import { ArtifactError } from '../errors.ts';

/** @throws ArtifactError naming `file` and `what` at the first NaN or infinite value */
export function assertFinite(file: string, what: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new ArtifactError(file, `${what}: element ${i} is ${values[i]}, expected a finite number`);
    }
  }
}

/** @throws ArtifactError naming `file` and `what` at the first index outside [0, n) */
export function assertIndices(file: string, what: string, indices: Int32Array, n: number): void {
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i] as number;
    if (v < 0 || v >= n) {
      throw new ArtifactError(file, `${what}: element ${i} is ${v}, expected an index in [0, ${n})`);
    }
  }
}

/** @throws ArtifactError naming `file` and `what` at the first value not greater than its predecessor */
export function assertStrictlyAscending(file: string, what: string, values: Int32Array): void {
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) <= (values[i - 1] as number)) {
      throw new ArtifactError(
        file,
        `${what}: must be strictly ascending, but element ${i} (${values[i]}) follows ${values[i - 1]}`,
      );
    }
  }
}

/**
 * Checks CSR offsets: offsets[0] = 0, non-decreasing, last = total.
 * @throws ArtifactError naming `file` and `what`
 */
export function assertOffsets(file: string, what: string, offsets: Uint32Array, total: number): void {
  if (offsets[0] !== 0 || offsets[offsets.length - 1] !== total) {
    throw new ArtifactError(
      file,
      `${what}: must start at 0 and end at ${total} (got ${offsets[0]} .. ${offsets[offsets.length - 1]})`,
    );
  }
  for (let i = 1; i < offsets.length; i++) {
    if ((offsets[i] as number) < (offsets[i - 1] as number)) {
      throw new ArtifactError(file, `${what}: must be non-decreasing, but entry ${i} goes back`);
    }
  }
}
