/**
 * Fingerprints of what a version was built from (byte layouts in docs/artifacts.md) and the version id derived
 * from them. Hashing is incremental (node:crypto) so the training rows are never copied into one big buffer.
 */
import { createHash, type Hash } from 'node:crypto';
import type { RatingsTable } from '../../data/types.ts';
import type { ModelWeights } from '../../model/weights.ts';

const ROW_BYTES = 16;
const CHUNK_ROWS = 1 << 16;

/** sha256 of the training rows in split order: (user id i32, movie id i32, rating f32, timestamp u32) LE each. */
export function dataFingerprint(table: RatingsTable, trainRows: Int32Array): string {
  const hash = createHash('sha256');
  const buf = new ArrayBuffer(CHUNK_ROWS * ROW_BYTES);
  const view = new DataView(buf);
  for (let start = 0; start < trainRows.length; start += CHUNK_ROWS) {
    const end = Math.min(start + CHUNK_ROWS, trainRows.length);
    for (let i = start; i < end; i++) {
      const r = trainRows[i] as number;
      const at = (i - start) * ROW_BYTES;
      view.setInt32(at, table.userIds[table.users[r] as number] as number, true);
      view.setInt32(at + 4, table.movieIds[table.movies[r] as number] as number, true);
      view.setFloat32(at + 8, table.ratings[r] as number, true);
      view.setUint32(at + 12, table.timestamps[r] as number, true);
    }
    hash.update(new Uint8Array(buf, 0, (end - start) * ROW_BYTES));
  }
  return hash.digest('hex');
}

function updateFloats(hash: Hash, a: Float32Array): void {
  const le = new Uint8Array(a.byteLength);
  const view = new DataView(le.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat32(4 * i, a[i] as number, true);
  hash.update(le);
}

/** sha256 of the model: its shape as JSON, then every weight array as float32 LE (order: docs/artifacts.md). */
export function weightsFingerprint(w: ModelWeights): string {
  const hash = createHash('sha256');
  const { arch, dim, numUsers, numMovies, mu } = w;
  hash.update(JSON.stringify({ arch, dim, numUsers, numMovies, mu, hidden: w.hidden.map((l) => l.outSize) }));
  for (const a of [w.userEmb, w.movieEmb, w.userBias, w.movieBias]) updateFloats(hash, a);
  if (w.pref)
    for (const a of [w.pref.gate, w.pref.movieEmb, w.pref.movieBias, w.pref.history]) updateFloats(hash, a);
  for (const layer of [...w.hidden, w.out]) {
    updateFloats(hash, layer.W);
    updateFloats(hash, layer.b);
    if (layer.bn) {
      for (const a of [layer.bn.gamma, layer.bn.beta, layer.bn.movingMean, layer.bn.movingVariance]) {
        updateFloats(hash, a);
      }
    }
  }
  return hash.digest('hex');
}

/** `YYYYMMDD-HHMMSS-<8 hex>`: UTC build time, then the head of sha256(dataFingerprint + weightsFingerprint). */
export function versionId(created: Date, data: string, weights: string): string {
  const iso = created.toISOString(); // 2026-01-02T03:04:05.678Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  return `${stamp}-${createHash('sha256')
    .update(data + weights)
    .digest('hex')
    .slice(0, 8)}`;
}
