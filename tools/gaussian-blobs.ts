/** Seeded Gaussian blobs with known membership, for clustering and projection tests. */
import { createRng } from '../shared/src/kernels/prng.ts';

/** `perBlob` points around each centre (row-major [n, dim]) with noise N(0, spread²) per coordinate. */
export function gaussianBlobs(
  centres: number[][],
  perBlob: number,
  spread: number,
  seed = 7,
): { matrix: Float32Array; rows: number; dim: number; truth: Int32Array } {
  const dim = centres[0]?.length ?? 0;
  const rows = centres.length * perBlob;
  const rng = createRng(seed, 99);
  const matrix = new Float32Array(rows * dim);
  const truth = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const b = r % centres.length;
    truth[r] = b;
    for (let d = 0; d < dim; d++) {
      const noise = Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
      matrix[r * dim + d] = (centres[b]?.[d] as number) + spread * noise;
    }
  }
  return { matrix, rows, dim, truth };
}

/** True when every true group maps to exactly one label and no two groups share a label. */
export function samePartition(labels: Int32Array, truth: Int32Array): boolean {
  const map = new Map<number, number>();
  const used = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    const t = truth[i] as number;
    const l = labels[i] as number;
    const seen = map.get(t);
    if (seen === undefined) {
      if (used.has(l)) return false;
      map.set(t, l);
      used.add(l);
    } else if (seen !== l) return false;
  }
  return true;
}
