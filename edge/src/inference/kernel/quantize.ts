/**
 * Per-request int8 quantization of the first dense layer after h1 for the kernel's approximate pass (mlp.wat,
 * "approximate pass"). h1[j] = relu(movie_pre[m][j] + c_u[j]) is bounded over every movie by
 * hi[j] = max(0, max_m movie_pre[m][j] + c_u[j]) (the max is taken once, when the version loads), so with
 * inv[j] = 127 / hi[j] the kernel's xq[j] = round(h1[j] · inv[j]) lies in 0..127 (up to rounding, which the kernel
 * clamps; it reads movie_pre from an int16 copy, moviePreInt16, through A = step · inv and B = (mid + c_u) · inv + 0.5
 * written here). The layer's
 * weights absorb the activation scales, W'[j][o] = W[j][o] / inv[j], and are quantized per output column:
 * wq[j][o] = round(W'[j][o] / t[o]) with t[o] = max_j |W'[j][o]| / 127. Then t[o] · Σ_j wq[j][o] · xq[j] ≈ h1 · W.
 * Cost per request: two passes over the H1 × out weights (8k for the default model).
 */
import type { DenseLayer, MlpWeights } from './mlp-weights.ts';

/** Where the quantized plan's per-request arrays sit in the kernel's memory (byte offsets). */
export interface QuantizedPlanOffsets {
  /** c_u [H1p] f32, already written for the request. */
  cu: number;
  /** A [H1p] f32 = step · inv, then B [H1p] f32 = (mid + c_u) · inv + 0.5 (written; see MoviePreInt16). */
  ab: number;
  /** wq [tiles of 8 outputs][H1p/4 groups][32 bytes] (written). */
  wq: number;
  /** t [outP] f32 (written). */
  scales: number;
}

/**
 * Writes one request's quantized plan, given its c_u, and returns the request's error scale: Σ_j hi[j] · max_o |W[j][o]|,
 * the largest the layer's pre-activations can be for this user. The int8 pass's rounding errors grow with it (the
 * activation step is hi[j] / 127), so the quantized strategy scales its calibrated margin by it (ranking.ts).
 */
export type FirstLayerQuantizer = (f32: Float32Array, i8: Int8Array, at: QuantizedPlanOffsets) => number;

/**
 * Byte offset within wq of weight (j, o) in the kernel's tile order: tile T = o / 8 (stride H1p · 8 bytes), group
 * g = j / 4 (32 bytes), then 16 bytes per half tile (v = (o / 4) mod 2), 4 per output (i = o mod 4), input k = j mod 4.
 */
export function packedOffset(j: number, o: number, h1p: number): number {
  return (o >> 3) * h1p * 8 + (j >> 2) * 32 + ((o >> 2) & 1) * 16 + (o & 3) * 4 + (j & 3);
}

/**
 * movie_pre as int16 per unit, for the int8 pass's first layer (half the bytes of the f32 table it streams per
 * request): pre[m][j] ≈ q[m][j] · step[j] + mid[j], mid the middle of the unit's range over the movies and step its
 * half-width / 32767, so |error| ≤ step / 2 (1 / 131,068 of the unit's range; the int8 step of an activation is
 * 1 / 127 of its range for the user).
 */
export interface MoviePreInt16 {
  /** [numMovies, H1p] row-major, padding units 0. */
  q: Int16Array;
  /** [H1] per unit (0 for a unit equal for every movie). */
  step: Float64Array;
  /** [H1] per unit. */
  mid: Float64Array;
}

/**
 * Quantizes movie_pre to int16 per unit (MoviePreInt16).
 * @param h1p H1 padded as in the kernel (multiple of 8)
 * @throws RangeError when h1p does not fit H1 or a value is not finite
 */
export function moviePreInt16(w: MlpWeights, h1p: number): MoviePreInt16 {
  const { hidden1: h1, numMovies, moviePre } = w;
  if (h1p < h1 || h1p % 8 !== 0) throw new RangeError(`padded width ${h1p} does not fit H1 ${h1}`);
  const lo = new Float64Array(h1).fill(Infinity);
  const hi = new Float64Array(h1).fill(-Infinity);
  for (let m = 0; m < numMovies; m++) {
    for (let j = 0; j < h1; j++) {
      const v = moviePre[m * h1 + j] as number;
      if (!Number.isFinite(v))
        throw new RangeError(`movie_pre[${m}][${j}] is ${v}, expected a finite number`);
      if (v < (lo[j] as number)) lo[j] = v;
      if (v > (hi[j] as number)) hi[j] = v;
    }
  }
  const step = new Float64Array(h1);
  const mid = new Float64Array(h1);
  const recip = new Float64Array(h1);
  for (let j = 0; j < h1; j++) {
    mid[j] = ((lo[j] as number) + (hi[j] as number)) / 2;
    step[j] = ((hi[j] as number) - (lo[j] as number)) / 2 / 32767;
    recip[j] = (step[j] as number) > 0 ? 1 / (step[j] as number) : 0;
  }
  const q = new Int16Array(numMovies * h1p);
  for (let m = 0; m < numMovies; m++) {
    for (let j = 0; j < h1; j++) {
      const v = Math.round(((moviePre[m * h1 + j] as number) - (mid[j] as number)) * (recip[j] as number));
      q[m * h1p + j] = v > 32767 ? 32767 : v < -32767 ? -32767 : v;
    }
  }
  return { q, step, mid };
}

/**
 * The quantizer of one version: precomputes max_m movie_pre[m][j] and the weights in the kernel's packed order.
 * @param h1p H1 padded as in the kernel (multiple of 8)
 * @param outP the layer's output width padded as in the kernel (multiple of 8)
 * @param pre the per-unit step and middle of the kernel's int16 movie_pre (moviePreInt16)
 */
export function firstLayerQuantizer(
  w: MlpWeights,
  h1p: number,
  outP: number,
  pre: Pick<MoviePreInt16, 'step' | 'mid'>,
): FirstLayerQuantizer {
  const { hidden1: h1, numMovies, moviePre } = w;
  const layer = w.layers[0];
  if (layer === undefined) throw new RangeError('the approximate pass needs a layer after the first');
  const out = layer.outSize;
  if (h1p < h1 || h1p % 8 !== 0 || outP < out || outP % 8 !== 0) {
    throw new RangeError(`padded widths ${h1p} × ${outP} do not fit the layer's ${h1} × ${out}`);
  }
  const preMax = new Float32Array(h1).fill(-Infinity);
  for (let m = 0; m < numMovies; m++) {
    for (let j = 0; j < h1; j++) {
      const v = moviePre[m * h1 + j] as number;
      if (v > (preMax[j] as number)) preMax[j] = v;
    }
  }
  // W in the kernel's packed order (zeros for the padding), so the per-request pass writes wq sequentially.
  const W = layer.W;
  const packedW = new Float32Array(h1p * outP);
  for (let j = 0; j < h1; j++)
    for (let o = 0; o < out; o++) packedW[packedOffset(j, o, h1p)] = W[j * out + o] as number;
  const absW = W.map(Math.abs);
  const rowAbsMax = new Float64Array(h1);
  for (let j = 0; j < h1; j++) {
    for (let o = 0; o < out; o++)
      rowAbsMax[j] = Math.max(rowAbsMax[j] as number, absW[j * out + o] as number);
  }
  const s = new Float64Array(h1p);
  const colMax = new Float64Array(outP);
  const recip = new Float64Array(outP);
  return (f32, i8, at) => {
    colMax.fill(0);
    let errorScale = 0;
    for (let j = 0; j < h1; j++) {
      // Rounding is monotone, so the kernel's f32 sum movie_pre[m][j] + c_u[j] never exceeds this one.
      const c = f32[at.cu / 4 + j] as number;
      const hi = Math.fround((preMax[j] as number) + c);
      const scale = hi > 0 ? Math.fround(127 / hi) : 0;
      // A unit active by less than 127 / f32 max (inv overflows) is taken as idle: it adds at most ~1e-36.
      const inv = Number.isFinite(scale) ? scale : 0;
      if (hi > 0) errorScale += hi * (rowAbsMax[j] as number);
      f32[at.ab / 4 + j] = (pre.step[j] as number) * inv;
      f32[at.ab / 4 + h1p + j] = ((pre.mid[j] as number) + c) * inv + 0.5;
      const sj = inv > 0 ? 1 / inv : 0;
      s[j] = sj;
      const row = j * out;
      // max_j |W[j][o] · s[j]| (s ≥ 0)
      for (let o = 0; o < out; o++) {
        const v = (absW[row + o] as number) * sj;
        if (v > (colMax[o] as number)) colMax[o] = v;
      }
    }
    for (let o = 0; o < out; o++) {
      const t = (colMax[o] as number) / 127;
      f32[at.scales / 4 + o] = t;
      recip[o] = t > 0 ? 1 / t : 0;
    }
    // Byte p = packedOffset(4g + k, 8T + 4v + i): tiles, groups of 4 inputs, halves, outputs, inputs.
    let p = 0;
    const base = at.wq;
    for (let o0 = 0; o0 < outP; o0 += 8) {
      for (let j0 = 0; j0 < h1p; j0 += 4) {
        for (let o = o0; o < o0 + 8; o++) {
          const r = recip[o] as number;
          for (let j = j0; j < j0 + 4; j++, p++) {
            // round(x) = floor(x + 0.5), here by truncating x + 128.5 > 0 (|x| ≤ 127 up to rounding): 4× cheaper
            // than Math.round in V8, which would make this loop the request's costliest JS.
            const q = (((packedW[p] as number) * (s[j] as number) * r + 128.5) | 0) - 128;
            i8[base + p] = q > 127 ? 127 : q < -127 ? -127 : q;
          }
        }
      }
    }
    return errorScale;
  };
}

/**
 * A layer's weights quantized per output column once per version, for the kernel's second int8 layer:
 * q[j][o] = round(W[j][o] / t[o]) with t[o] = max_j |W[j][o]| / 127, packed in the kernel's tile order.
 * @param inP the layer's input width padded as in the kernel (multiple of 8)
 * @returns t [outP] and the packed bytes [inP · outP], outP = outSize padded to 8
 */
export function quantizeColumns(layer: DenseLayer, inP: number): { t: Float32Array; q: Int8Array } {
  const { inSize, outSize, W } = layer;
  const outP = Math.ceil(outSize / 8) * 8;
  if (inP < inSize || inP % 8 !== 0)
    throw new RangeError(`padded width ${inP} does not fit ${inSize} inputs`);
  const t = new Float32Array(outP);
  const q = new Int8Array(inP * outP);
  for (let o = 0; o < outSize; o++) {
    let max = 0;
    for (let j = 0; j < inSize; j++) max = Math.max(max, Math.abs(W[j * outSize + o] as number));
    t[o] = max / 127;
    const recip = max > 0 ? 127 / max : 0;
    for (let j = 0; j < inSize; j++) {
      const v = Math.round((W[j * outSize + o] as number) * recip);
      q[packedOffset(j, o, inP)] = v > 127 ? 127 : v < -127 ? -127 : v;
    }
  }
  return { t, q };
}
