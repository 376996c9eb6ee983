/**
 * The MLP's training-mode forward and backward pass, written out by hand with a few tfjs ops instead of autodiff.
 *
 * Why by hand: on the wasm backend (this machine's fastest) overheads outside the matrix products decide
 * throughput. Measured here: a transposed matMul runs ~10× slower than a plain one, broadcasting element-wise ops
 * and axis-0 reductions ~10–20× slower than same-shape ones. So this pass uses only plain matMuls (an explicit
 * transpose where xᵀ·dz is needed; Wᵀ is transposed in JS), same-shape element-wise ops, column sums as
 * ones[1,B]·Z and row broadcasts as ones[B,1]·v (both cheap matMuls). Per-feature vectors (batch-norm
 * statistics, scales) are tiny and computed in JS; the parameters live in JS (ModelWeights) and are uploaded
 * each step, gradients downloaded. Every backend runs the same maths.
 *
 * Layer l (batch norm on):  z = x·W;  ẑ = (z − mean)/√(var + ε);  y = γ·ẑ + β;  a = relu(y)·dropoutMask.
 * Without batch norm:       y = x·W + b;                                      a = relu(y)·dropoutMask.
 * Output:                   o = a_L·W_out + b_out.
 * The dense bias b of a batch-normed layer has no effect in training (batch norm subtracts it) and stays as is.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DenseWeights, ModelWeights } from './weights.ts';

/** Gradients of the loss for one dense layer, shaped like its weights. */
export interface LayerGrads {
  /** [inSize, outSize]. */
  dW: Float32Array;
  /** [outSize]; zeros for a batch-normed layer (its bias cancels out). */
  db: Float32Array;
  /** [outSize], batch-normed layers only. */
  dGamma?: Float32Array;
  /** [outSize], batch-normed layers only. */
  dBeta?: Float32Array;
}

/** Gradients of one backward pass. */
export interface MlpGrads {
  hidden: LayerGrads[];
  out: LayerGrads;
  /** Gradient w.r.t. the MLP input, [B, inSize] row-major (the gathered embeddings). */
  dX: Float32Array;
}

/** The batch statistics a batch-normed layer used, for the moving averages. */
export interface BatchStats {
  mean: Float32Array;
  variance: Float32Array;
}

interface Saved {
  /** Layer input [B, in]. */
  x: tf.Tensor2D;
  /** Centred pre-activation z − mean [B, out] (batch norm) — else undefined. */
  zc?: tf.Tensor2D;
  /** Row-broadcast γ·rstd [B, out] (batch norm). */
  scaleRows?: tf.Tensor2D;
  scale?: Float32Array;
  rstd?: Float32Array;
  /** relu'(y)·dropout mask [B, out]. */
  mask: tf.Tensor2D;
}

function transposeMatrix(W: Float32Array, rows: number, cols: number): Float32Array {
  const T = new Float32Array(W.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) T[j * rows + i] = W[i * cols + j]!;
  return T;
}

function read(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/**
 * One forward + backward pass at a time over a fixed network shape. Holds cached ones-vectors per batch size
 * (real state), so create one per training run and `dispose()` it at the end.
 */
export class MlpPass {
  private readonly ones = new Map<number, { row: tf.Tensor2D; col: tf.Tensor2D }>();
  private saved: Saved[] = [];
  private last: tf.Tensor2D | undefined;
  private xT: tf.Tensor2D | undefined;
  private batch = 0;
  private weights: ModelWeights | undefined;
  private readonly scope: tf.Tensor[] = [];

  private onesFor(B: number): { row: tf.Tensor2D; col: tf.Tensor2D } {
    let o = this.ones.get(B);
    if (o === undefined) {
      o = { row: tf.ones([1, B]), col: tf.ones([B, 1]) };
      this.ones.set(B, o);
    }
    return o;
  }

  private keep<T extends tf.Tensor>(t: T): T {
    this.scope.push(t);
    return t;
  }

  /**
   * Training-mode forward pass. Uses batch statistics for batch norm and returns them (the caller updates the
   * moving averages). Keeps what the backward pass needs until `backward` is called.
   * @param x gathered inputs [B, inSize] row-major (inSize = 2·dim)
   * @param xT the same inputs transposed, [inSize, B] (built in JS while gathering: cheaper than a tfjs transpose)
   * @param dropoutMasks per hidden layer a [B, width] inverted-dropout mask, or undefined for no dropout
   * @returns the MLP output o [B] (without mu, biases or the hybrid dot product) and per-layer batch statistics
   */
  forward(
    weights: ModelWeights,
    x: Float32Array,
    xT: Float32Array,
    B: number,
    dropoutMasks: (Float32Array | undefined)[] | undefined,
  ): { out: Float32Array; stats: (BatchStats | undefined)[] } {
    this.release();
    this.weights = weights;
    this.batch = B;
    const inSize = 2 * weights.dim;
    const { row: onesRow, col: onesCol } = this.onesFor(B);
    let h = this.keep(tf.tensor2d(x, [B, inSize]));
    this.xT = this.keep(tf.tensor2d(xT, [inSize, B]));
    const stats: (BatchStats | undefined)[] = [];
    weights.hidden.forEach((layer, l) => {
      // The closure form keeps tidy from walking the (non-tensor) result; kept tensors are tracked in `scope`.
      tf.tidy(() => {
        const { saved, a, stat } = this.forwardLayer(layer, h, B, onesRow, onesCol, dropoutMasks?.[l]);
        this.saved.push(saved);
        stats.push(stat);
        h = a;
      });
    });
    this.last = h;
    const o = tf.tidy(() =>
      tf.fused.matMul({
        a: h,
        b: tf.tensor2d(weights.out.W, [weights.out.inSize, 1]),
        bias: tf.tensor1d(weights.out.b),
      }),
    );
    const out = read(o);
    o.dispose();
    return { out, stats };
  }

  private forwardLayer(
    layer: DenseWeights,
    x: tf.Tensor2D,
    B: number,
    onesRow: tf.Tensor2D,
    onesCol: tf.Tensor2D,
    dropout: Float32Array | undefined,
  ): { saved: Saved; a: tf.Tensor2D; stat: BatchStats | undefined } {
    const { inSize, outSize, bn } = layer;
    const W = tf.tensor2d(layer.W, [inSize, outSize]);
    let y: tf.Tensor2D;
    const saved: Saved = { x, mask: undefined as unknown as tf.Tensor2D };
    let stat: BatchStats | undefined;
    if (bn) {
      const z = tf.matMul(x, W);
      const mean = read(tf.matMul(onesRow, z)).map((s) => s / B);
      const zc = tf.sub(z, tf.matMul(onesCol, tf.tensor2d(mean, [1, outSize])));
      const variance = read(tf.matMul(onesRow, tf.mul(zc, zc))).map((s) => s / B);
      const rstd = variance.map((v) => 1 / Math.sqrt(v + bn.epsilon));
      const scale = rstd.map((r, j) => r * bn.gamma[j]!);
      const scaleRows = tf.matMul(onesCol, tf.tensor2d(scale, [1, outSize]));
      y = tf.add(tf.mul(zc, scaleRows), tf.matMul(onesCol, tf.tensor2d(bn.beta, [1, outSize])));
      Object.assign(saved, {
        zc: this.keep(tf.keep(zc)),
        scaleRows: this.keep(tf.keep(scaleRows)),
        scale,
        rstd,
      });
      stat = { mean, variance };
    } else {
      y = tf.fused.matMul({ a: x, b: W, bias: tf.tensor1d(layer.b) }) as tf.Tensor2D;
    }
    let mask: tf.Tensor2D = tf.step(y);
    if (dropout !== undefined) mask = tf.mul(mask, tf.tensor2d(dropout, [B, outSize]));
    saved.mask = this.keep(tf.keep(mask));
    const a = this.keep(tf.keep(tf.mul<tf.Tensor2D>(y, mask)));
    return { saved, a, stat };
  }

  /**
   * Backward pass of the last `forward`, then frees its tensors.
   * @param dOut dLoss/do per row, [B]
   * @throws Error when called without a preceding forward
   */
  backward(dOut: Float32Array): MlpGrads {
    const weights = this.weights;
    const last = this.last;
    if (weights === undefined || last === undefined || this.xT === undefined) {
      throw new Error('MlpPass.backward: call forward first');
    }
    const B = this.batch;
    const { row: onesRow, col: onesCol } = this.onesFor(B);
    let grads: MlpGrads | undefined;
    try {
      tf.tidy(() => {
        const gRow = tf.tensor2d(dOut, [1, B]);
        const gCol = tf.tensor2d(dOut, [B, 1]);
        const outSize = weights.out.inSize;
        // W_out is [in, 1]: the same memory as the row vector gRow·a_L.
        const out: LayerGrads = {
          dW: read(tf.matMul(gRow, last)),
          db: new Float32Array([dOut.reduce((s, g) => s + g, 0)]),
        };
        let dA: tf.Tensor2D = tf.matMul(gCol, tf.tensor2d(weights.out.W, [1, outSize]));
        const hidden: LayerGrads[] = new Array<LayerGrads>(weights.hidden.length);
        for (let l = weights.hidden.length - 1; l >= 0; l--) {
          const layer = weights.hidden[l]!;
          const s = this.saved[l]!;
          const dY = tf.mul<tf.Tensor2D>(dA, s.mask);
          let dZ: tf.Tensor2D;
          const grads: LayerGrads = { dW: new Float32Array(0), db: new Float32Array(layer.outSize) };
          if (layer.bn && s.zc && s.scaleRows && s.scale && s.rstd) {
            const t1 = read(tf.matMul(onesRow, dY));
            const t2 = read(tf.matMul(onesRow, tf.mul(dY, s.zc)));
            const { scale, rstd } = s;
            const dGamma = t2.map((v, j) => v * rstd[j]!);
            // dz = γ·rstd·(dy − mean(dy) − ẑ·mean(dy·ẑ)), with the per-feature factors folded into two vectors.
            const c = dGamma.map((g, j) => (-scale[j]! * rstd[j]! * g) / B);
            const d = t1.map((v, j) => (-scale[j]! * v) / B);
            dZ = tf.add(
              tf.add(
                tf.mul(dY, s.scaleRows),
                tf.mul(s.zc, tf.matMul(onesCol, tf.tensor2d(c, [1, layer.outSize]))),
              ),
              tf.matMul(onesCol, tf.tensor2d(d, [1, layer.outSize])),
            );
            grads.dGamma = dGamma;
            grads.dBeta = t1;
          } else {
            dZ = dY;
            grads.db = read(tf.matMul(onesRow, dZ));
          }
          const xT = l === 0 ? this.xT! : tf.transpose(s.x);
          grads.dW = read(tf.matMul(xT, dZ));
          hidden[l] = grads;
          dA = tf.matMul(
            dZ,
            tf.tensor2d(transposeMatrix(layer.W, layer.inSize, layer.outSize), [layer.outSize, layer.inSize]),
          );
        }
        grads = { hidden, out, dX: read(dA) };
      });
    } finally {
      this.release();
    }
    return grads!;
  }

  /** Frees the tensors kept by the last forward pass. */
  private release(): void {
    for (const t of this.scope) t.dispose();
    this.scope.length = 0;
    this.saved = [];
    this.last = undefined;
    this.xT = undefined;
    this.weights = undefined;
  }

  /** Frees every tensor this pass holds. */
  dispose(): void {
    this.release();
    for (const { row, col } of this.ones.values()) {
      row.dispose();
      col.dispose();
    }
    this.ones.clear();
  }
}
