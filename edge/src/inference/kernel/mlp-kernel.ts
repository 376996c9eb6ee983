/**
 * One version's instance of the WebAssembly SIMD kernel (mlp.wat): its own wasm memory holds the movie tables and
 * the MLP weights (laid out once, when the version loads) plus fixed per-request buffers, so the memory does not
 * grow with requests or users. Scoring is synchronous: a call writes the user side, runs the kernel and copies
 * the ratings out before any other request can touch the buffers.
 *
 * Memory layout (byte offsets, each region 64-byte aligned; widths padded with zeros to multiples of 8 floats, dim
 * to 16):
 * the plan (see mlp.wat), c_u [H1p], user_vec [dimP], two scratch blocks [4, widest], the whole-catalogue index
 * list 0..M-1 and a candidate index list (each M rounded up to 4), ratings [M rounded up to 4], movie_pre
 * [M, H1p], movie_bias [M], movie_emb [M, dimP] (hybrid), then each layer's W [inP, outP] and b [outP]; then the
 * approximate pass's quantized plan (9 words), its activation scratch [H1p/4][4 movies][4 bytes], A and B [2, H1p]
 * and the first layer's int8 weights [H1p · outP bytes] and scales t [outP], all rewritten per request, the int16
 * movie_pre [M, H1p] (2.6 MB for 10k × 128, written once), and when the second layer is hidden, its activation
 * scratch, int8 weights and scales (written once).
 */
import type { DenseLayer, MlpWeights } from './mlp-weights.ts';
import { firstLayerQuantizer, moviePreInt16, quantizeColumns } from './quantize.ts';

/** The kernel's exports (mlp.wat). */
interface KernelExports {
  memory: WebAssembly.Memory;
  score(plan: number, movies: number, count: number, out: number): void;
  approx(plan: number, quant: number, movies: number, count: number, out: number): void;
  proxy(plan: number, count: number, out: number): void;
}

/** A loaded kernel for one version. */
export interface MlpKernel {
  readonly numMovies: number;
  /** Multiply-adds per movie of the layers after the first (the work of one exact rating). */
  readonly workPerMovie: number;
  /** Bytes of this kernel's wasm memory (fixed after creation). */
  readonly memoryBytes: number;
  /**
   * Predicted ratings (unclipped) of one user for the given movies, or for every movie (index order).
   * @param vec [dim] user embedding
   * @param movies dense movie indices in [0, numMovies); every movie when omitted
   * @returns a new Float32Array [movies.length] (or [numMovies])
   * @throws RangeError when `vec` has the wrong length, an index is out of range, or the kernel was released
   */
  score(vec: Float32Array, bias: number, movies?: Int32Array): Float32Array;
  /**
   * Approximate ratings, like score() but with the first layer after h1 on 8-bit integers (mlp.wat, "approximate
   * pass"): about 3× cheaper, off by up to a few hundredths on a random model. Ranking uses them only to pick the
   * candidates that score() then rates exactly; how far they may be off is measured per version (calibration.ts).
   * @param vec [dim] user embedding
   * @param movies dense movie indices in [0, numMovies); every movie when omitted
   * @returns a new Float32Array [movies.length] (or [numMovies])
   * @throws RangeError like score()
   */
  approximate(vec: Float32Array, bias: number, movies?: Int32Array): Float32Array;
  /**
   * The error scale of the last approximate() call's user (see FirstLayerQuantizer): its errors grow with it, so
   * ranking scales the margin calibrated on sample users by this against theirs. 0 before the first call.
   */
  readonly approximationScale: number;
  /**
   * The part of every movie's rating that needs no MLP: mu + b_movie (+ user·movie embedding dot for hybrid).
   * rating = this + b_user + MLP, so it ranks movies like the proxy of proxy.ts (which leaves mu out).
   * @param vec [dim] user embedding
   * @returns a new Float32Array [numMovies]
   * @throws RangeError when `vec` has the wrong length or the kernel was released
   */
  proxy(vec: Float32Array): Float32Array;
  /** Drops the kernel's memory; score() and proxy() throw afterwards. */
  release(): void;
}

const PAGE = 65536;
/**
 * Widest first layer the int8 pass accepts: its i32 sums are bounded by H1p · 127 · 127, below 2^31 up to here
 * (mlp.wat, "approximate pass").
 */
export const MAX_QUANTIZED_INPUTS = Math.floor(0x7fffffff / (127 * 127)) & ~7;
const pad = (n: number, to: number): number => Math.ceil(n / to) * to;

/** Bump allocator over byte offsets, 64-byte aligned; offset 0 stays unused (the plan uses 0 for "absent"). */
function layout(): { take(floats: number): number; readonly top: number } {
  let top = 64;
  return {
    take(floats: number): number {
      const at = top;
      top += pad(Math.max(floats, 1) * 4, 64);
      return at;
    },
    get top() {
      return top;
    },
  };
}

/** Copies rows of `width` floats into rows of `padded` floats at byte offset `at` (zeros stay in the padding). */
function putRows(f32: Float32Array, at: number, src: Float32Array, width: number, padded: number): void {
  const base = at / 4;
  if (width === padded) {
    f32.set(src, base);
    return;
  }
  const rows = src.length / width;
  for (let r = 0; r < rows; r++) f32.set(src.subarray(r * width, (r + 1) * width), base + r * padded);
}

/**
 * Instantiates the kernel for one version and lays its weights out in a new wasm memory.
 * @param module the compiled mlp.wasm (imported as a module in the Worker; compiled from bytes in Node tests)
 * @throws RangeError when the weights are inconsistent (see mlpWeightsFromOnnx, which checks them)
 */
export async function createMlpKernel(module: WebAssembly.Module, w: MlpWeights): Promise<MlpKernel> {
  const { numMovies: m, dim, hidden1 } = w;
  if (w.layers.length === 0) throw new RangeError('the kernel needs at least one layer after the first');
  const h1p = pad(hidden1, 8);
  const dimP = pad(dim, 16);
  const widths = [h1p, ...w.layers.map((l) => pad(l.outSize, 8))];
  const widest = Math.max(...widths);
  const rows = pad(m, 4);

  const mem = layout();
  const plan = mem.take(11 + 4 * w.layers.length);
  const cu = mem.take(h1p);
  const uvec = mem.take(dimP);
  const scratchA = mem.take(4 * widest);
  const scratchB = mem.take(4 * widest);
  const allMovies = mem.take(rows);
  const candidates = mem.take(rows);
  const out = mem.take(rows);
  const pre = mem.take(m * h1p);
  const bias = mem.take(m);
  const emb = w.movieEmb === undefined ? 0 : mem.take(m * dimP);
  const layers = w.layers.map((l, k) => ({
    inP: widths[k] as number,
    outP: widths[k + 1] as number,
    w: mem.take((widths[k] as number) * (widths[k + 1] as number)),
    b: mem.take(widths[k + 1] as number),
  }));
  // The int8 layers take H1 and the next width as inputs; both must keep their sums below 2^31.
  if (Math.max(h1p, widths[1] as number) > MAX_QUANTIZED_INPUTS) {
    throw new RangeError(
      `the kernel serves layers of at most ${MAX_QUANTIZED_INPUTS} units (got ${hidden1} and ${w.layers[0]?.outSize})`,
    );
  }
  const firstOut = widths[1] as number;
  const quant = mem.take(9);
  const xq = mem.take(h1p);
  const ab = mem.take(2 * h1p);
  const preQ = mem.take((m * h1p) / 2); // int16, taken as floats
  const wq = mem.take((h1p * firstOut) / 4); // bytes, taken as floats
  const scales = mem.take(firstOut);
  // The second layer after h1 runs on 8 bits too when it is hidden (not the output layer).
  const second = w.layers.length >= 3 ? layers[1] : undefined;
  const xq2 = second === undefined ? 0 : mem.take(second.inP);
  const wq2 = second === undefined ? 0 : mem.take((second.inP * second.outP) / 4); // bytes, taken as floats
  const scales2 = second === undefined ? 0 : mem.take(second.outP);

  const instance = await WebAssembly.instantiate(module, {});
  const exports = instance.exports as unknown as KernelExports;
  const memory = exports.memory;
  const pages = Math.ceil(mem.top / PAGE);
  if (pages > memory.buffer.byteLength / PAGE) memory.grow(pages - memory.buffer.byteLength / PAGE);
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);

  const p = plan / 4;
  i32.set([w.layers.length, h1p * 4, pre, cu, bias, emb, dimP * 4, uvec, 0, scratchA, scratchB], p);
  layers.forEach((l, k) => i32.set([l.inP * 4, l.outP * 4, l.w, l.b], p + 11 + 4 * k));
  putRows(f32, pre, w.moviePre, hidden1, h1p);
  f32.set(w.movieBias, bias / 4);
  if (w.movieEmb !== undefined) putRows(f32, emb, w.movieEmb, dim, dimP);
  w.layers.forEach((l, k) => {
    const at = layers[k] as { outP: number; w: number; b: number };
    putRows(f32, at.w, l.W, l.outSize, at.outP);
    f32.set(l.b, at.b / 4);
  });
  for (let k = 0; k < rows; k++) i32[allMovies / 4 + k] = Math.min(k, m - 1);
  i32.set([xq, ab, wq, scales, second === undefined ? 0 : 1, xq2, wq2, scales2, preQ], quant / 4);
  const pre16 = moviePreInt16(w, h1p);
  new Int16Array(memory.buffer, preQ, pre16.q.length).set(pre16.q);
  if (second !== undefined) {
    const { t, q } = quantizeColumns(w.layers[1] as DenseLayer, second.inP);
    f32.set(t, scales2 / 4);
    new Int8Array(memory.buffer, wq2, q.length).set(q);
  }
  const quantizer = firstLayerQuantizer(w, h1p, firstOut, pre16);

  // The user half of the first layer stays in JS: one [dim] × [dim, H1] product per request.
  const userW1 = w.userW1;
  const sums = new Float64Array(hidden1);
  // Everything that references the wasm memory, dropped by release() so the memory can be collected.
  let live: { kernel: KernelExports; f32: Float32Array; i32: Int32Array; i8: Int8Array } | undefined = {
    kernel: exports,
    f32,
    i32,
    i8: new Int8Array(memory.buffer),
  };
  const open = (vec: Float32Array): NonNullable<typeof live> => {
    if (live === undefined) throw new RangeError('the kernel was released');
    if (vec.length !== dim) throw new RangeError(`user vector must have ${dim} values (got ${vec.length})`);
    return live;
  };

  /** Writes the user side (c_u, user_vec, user_bias) into the plan. */
  // The user whose c_u is in memory: the quantized strategy runs approximate() then score() for the same user, and
  // c_u (a [dim] × [dim, H1] product) is then not recomputed. Compared by value (the caller may reuse the array).
  const lastVec = new Float32Array(dim);
  let haveLast = false;
  const setUser = (f32: Float32Array, vec: Float32Array, userBias: number): void => {
    f32.set(vec, uvec / 4);
    f32[p + 8] = userBias;
    let same = haveLast;
    for (let i = 0; same && i < dim; i++) same = Object.is(vec[i], lastVec[i]);
    if (same) return;
    sums.fill(0);
    for (let i = 0; i < dim; i++) {
      const v = vec[i] as number;
      const row = i * hidden1;
      for (let j = 0; j < hidden1; j++) sums[j] = (sums[j] as number) + v * (userW1[row + j] as number);
    }
    for (let j = 0; j < hidden1; j++) f32[cu / 4 + j] = sums[j] as number;
    lastVec.set(vec);
    haveLast = true;
  };
  /** Runs `pass` (the exact or approximate export) over every movie or the given list, in pieces of `rows`. */
  const run = (
    state: NonNullable<typeof live>,
    movies: Int32Array | undefined,
    pass: (list: number, count: number) => void,
  ): Float32Array => {
    const { f32, i32 } = state;
    const count = movies === undefined ? m : movies.length;
    if (count === 0) return new Float32Array(0);
    if (movies === undefined) {
      pass(allMovies, rows);
      return f32.slice(out / 4, out / 4 + m);
    }
    // Lists longer than the catalogue (repeats) go through the candidate buffer in pieces.
    const ratings = new Float32Array(count);
    const base = candidates / 4;
    for (let start = 0; start < count; start += rows) {
      const n = Math.min(rows, count - start);
      for (let k = 0; k < n; k++) {
        const movie = movies[start + k] as number;
        if (!(movie >= 0 && movie < m)) throw new RangeError(`movie index ${movie} is outside 0..${m - 1}`);
        i32[base + k] = movie;
      }
      // The kernel works in blocks of 4: the tail repeats the last movie, whose extra ratings are not read.
      for (let k = n; k < pad(n, 4); k++) i32[base + k] = i32[base + n - 1] as number;
      pass(candidates, pad(n, 4));
      ratings.set(f32.subarray(out / 4, out / 4 + n), start);
    }
    return ratings;
  };

  let approximationScale = 0;
  return {
    numMovies: m,
    get approximationScale() {
      return approximationScale;
    },
    workPerMovie: w.layers.reduce((sum, l) => sum + l.inSize * l.outSize, 0),
    memoryBytes: pages * PAGE,
    score(vec, userBias, movies) {
      const state = open(vec);
      setUser(state.f32, vec, userBias);
      return run(state, movies, (list, count) => state.kernel.score(plan, list, count, out));
    },
    approximate(vec, userBias, movies) {
      const state = open(vec);
      setUser(state.f32, vec, userBias);
      approximationScale = quantizer(state.f32, state.i8, { cu, ab, wq, scales });
      return run(state, movies, (list, count) => state.kernel.approx(plan, quant, list, count, out));
    },
    proxy(vec) {
      const { kernel, f32 } = open(vec);
      f32.set(vec, uvec / 4);
      kernel.proxy(plan, m, out);
      return f32.slice(out / 4, out / 4 + m);
    },
    release() {
      live = undefined;
    },
  };
}
