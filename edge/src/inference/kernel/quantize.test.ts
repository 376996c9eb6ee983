// The per-request quantization of the kernel's int8 pass, in plain JS (the pass itself is tested inside workerd:
// ../quantized.test.ts): the packing order is a bijection onto the kernel's buffer, activations scale to at most 127
// (up to the rounding the kernel's clamp removes),
// every weight is within half a step of its quantized value, and each column uses the full ±127 range.
import { describe, expect, it } from 'vitest';
import { firstLayerQuantizer, moviePreInt16, packedOffset, quantizeColumns } from './quantize.ts';
import { randomMlpWeights, randomUser } from './random-mlp.ts';

describe('packedOffset', () => {
  it('maps every (input, output) of a padded layer to its own byte', () => {
    for (const [h1p, outP] of [
      [8, 8],
      [16, 24],
      [128, 64],
    ] as const) {
      const seen = new Set<number>();
      for (let j = 0; j < h1p; j++) for (let o = 0; o < outP; o++) seen.add(packedOffset(j, o, h1p));
      expect(seen.size).toBe(h1p * outP);
      expect(Math.min(...seen)).toBe(0);
      expect(Math.max(...seen)).toBe(h1p * outP - 1);
    }
  });
});

describe('firstLayerQuantizer', () => {
  const w = randomMlpWeights({ arch: 'dcf', numMovies: 300, dim: 8, hidden: [20, 12, 5], seed: 3 });
  const h1p = 24;
  const outP = 16;
  const at = { cu: 0, ab: 4 * h1p, scales: 12 * h1p, wq: 12 * h1p + 4 * outP };
  const f32 = new Float32Array(at.wq / 4 + (h1p * outP) / 4);
  const i8 = new Int8Array(f32.buffer);
  const user = randomUser(8, 9);
  const cu = new Float32Array(w.hidden1);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < w.hidden1; j++)
      cu[j] = (cu[j] as number) + (user.vec[i] as number) * (w.userW1[i * w.hidden1 + j] as number);
  }
  f32.set(cu, 0);
  const pre16 = moviePreInt16(w, h1p);
  const errorScale = firstLayerQuantizer(w, h1p, outP, pre16)(f32, i8, at);
  const layer = w.layers[0]!;
  // inv[j] = 127 / hi[j] as the quantizer takes it: hi[j] = max_m movie_pre[m][j] + c_u[j] in f32, 0 when ≤ 0.
  const inv = Float32Array.from({ length: w.hidden1 }, (_, j) => {
    let pre = -Infinity;
    for (let m = 0; m < w.numMovies; m++) pre = Math.max(pre, w.moviePre[m * w.hidden1 + j] as number);
    const hi = Math.fround(pre + (cu[j] as number));
    return hi > 0 ? Math.fround(127 / hi) : 0;
  });

  it('returns the user’s error scale: Σ_j hi[j] · max_o |W[j][o]| over the units that can be active', () => {
    let want = 0;
    for (let j = 0; j < w.hidden1; j++) {
      let pre = -Infinity;
      for (let m = 0; m < w.numMovies; m++) pre = Math.max(pre, w.moviePre[m * w.hidden1 + j] as number);
      const hi = pre + (cu[j] as number);
      let rowMax = 0;
      for (let o = 0; o < layer.outSize; o++)
        rowMax = Math.max(rowMax, Math.abs(layer.W[j * layer.outSize + o] as number));
      if (hi > 0) want += hi * rowMax;
    }
    expect(errorScale).toBeGreaterThan(0);
    expect(errorScale).toBeCloseTo(want, 4);
  });

  it('writes A = step · inv and B = (mid + c_u) · inv + 0.5: q · A + B reaches 127.5 at most by a rounding error', () => {
    const A = f32.subarray(at.ab / 4, at.ab / 4 + w.hidden1);
    const B = f32.subarray(at.ab / 4 + h1p, at.ab / 4 + h1p + w.hidden1);
    let largest = 0;
    for (let j = 0; j < w.hidden1; j++) {
      expect(A[j]).toBe(Math.fround((pre16.step[j] as number) * (inv[j] as number)));
      expect(B[j]).toBe(
        Math.fround(((pre16.mid[j] as number) + (cu[j] as number)) * (inv[j] as number) + 0.5),
      );
      for (let m = 0; m < w.numMovies; m++) {
        const x = Math.max(0, (w.moviePre[m * w.hidden1 + j] as number) + (cu[j] as number));
        const v = (pre16.q[m * h1p + j] as number) * (A[j] as number) + (B[j] as number); // the kernel's multiply-add
        // Off by the int16 step (≤ 127 / 65,534 of the unit's range over its active range, here < 0.01) at most.
        expect(Math.abs(Math.max(0.5, v) - (x * (inv[j] as number) + 0.5))).toBeLessThan(1e-2);
        largest = Math.max(largest, v);
      }
    }
    expect(largest).toBeGreaterThan(127);
    expect(largest).toBeLessThan(127.5 + 1e-2);
    expect(Math.max(...inv)).toBeGreaterThan(0);
  });

  it('quantizes each weight to within half a step, using the full range per column', () => {
    for (let o = 0; o < layer.outSize; o++) {
      const t = f32[at.scales / 4 + o] as number;
      let widest = 0;
      for (let j = 0; j < w.hidden1; j++) {
        const q = i8[at.wq + packedOffset(j, o, h1p)] as number;
        widest = Math.max(widest, Math.abs(q));
        // A unit no movie activates (inv 0) contributes nothing, so its weights are folded to 0.
        const folded = inv[j] === 0 ? 0 : (layer.W[j * layer.outSize + o] as number) / (inv[j] as number);
        expect(Math.abs(folded - q * t)).toBeLessThanOrEqual(t / 2 + 1e-9);
      }
      expect(widest).toBe(127);
    }
  });
});

describe('moviePreInt16', () => {
  const w = randomMlpWeights({ arch: 'dcf', numMovies: 200, dim: 8, hidden: [12, 8, 4], seed: 5 });
  for (let m = 0; m < w.numMovies; m++) w.moviePre[m * w.hidden1 + 3] = 0.25; // one unit equal for every movie
  const { q, step, mid } = moviePreInt16(w, 16);

  it('keeps every value within half a step, each varying unit spanning ±32767, a constant unit at 0', () => {
    for (let j = 0; j < w.hidden1; j++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let m = 0; m < w.numMovies; m++) {
        const v = q[m * 16 + j] as number;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        const back = v * (step[j] as number) + (mid[j] as number);
        expect(Math.abs(back - (w.moviePre[m * w.hidden1 + j] as number))).toBeLessThanOrEqual(
          (step[j] as number) / 2 + 1e-12,
        );
      }
      if (j === 3) {
        expect([step[j], lo, hi, mid[j]]).toEqual([0, 0, 0, 0.25]);
      } else {
        expect([lo, hi]).toEqual([-32767, 32767]);
      }
    }
    for (let m = 0; m < w.numMovies; m++)
      expect([...q.subarray(m * 16 + 12, m * 16 + 16)]).toEqual([0, 0, 0, 0]);
  });
});

describe('quantizeColumns', () => {
  it('quantizes a fixed layer per column, zero columns to zero', () => {
    const W = Float32Array.from([1, 0, -0.5, 0, 0.25, 0]); // [3 inputs, 2 outputs]
    const { t, q } = quantizeColumns({ inSize: 3, outSize: 2, W, b: new Float32Array(2) }, 8);
    expect(t[0]).toBeCloseTo(1 / 127, 7);
    expect(t[1]).toBe(0);
    expect([0, 1, 2].map((j) => q[packedOffset(j, 0, 8)])).toEqual([127, -63, 32]); // Math.round: ties towards +∞
    expect([0, 1, 2].map((j) => q[packedOffset(j, 1, 8)])).toEqual([0, 0, 0]);
  });
});
