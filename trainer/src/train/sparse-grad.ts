/**
 * Gradients of the rows of a table (embeddings + bias) touched by one batch. Rows repeated within the batch are
 * summed, as a dense gradient through a gather would be. O(batch × width) per batch; the O(rows) index map is
 * allocated once.
 */
import type { AdamConfig, AdamStep, Moments } from './adam.ts';

/** Gradients of the touched rows of one batch (see SparseRowGrads.snapshot). */
export interface RowGradsSnapshot {
  width: number;
  rows: Int32Array;
  grads: Float32Array;
  biasGrads: Float32Array;
}

export class SparseRowGrads {
  /** Distinct rows touched, in first-touch order; valid up to `count`. */
  readonly rows: Int32Array;
  /** Number of distinct rows touched so far. */
  count = 0;
  /** Summed gradients of each touched row, [count, width] in the order of `rows`. */
  readonly grads: Float32Array;
  /** Summed bias gradient of each touched row. */
  readonly biasGrads: Float32Array;
  private readonly slotOf: Int32Array;

  /**
   * @param numRows rows of the table
   * @param width values per row (the embedding size)
   * @param capacity most distinct rows per batch (the batch size)
   */
  constructor(
    numRows: number,
    readonly width: number,
    capacity: number,
  ) {
    this.slotOf = new Int32Array(numRows).fill(-1);
    this.rows = new Int32Array(capacity);
    this.grads = new Float32Array(capacity * width);
    this.biasGrads = new Float32Array(capacity);
  }

  /** Slot of `row`, claiming and zeroing a new one on its first touch in this batch. */
  slot(row: number): number {
    let s = this.slotOf[row]!;
    if (s < 0) {
      s = this.count++;
      this.slotOf[row] = s;
      this.rows[s] = row;
      this.grads.fill(0, s * this.width, (s + 1) * this.width);
      this.biasGrads[s] = 0;
    }
    return s;
  }

  /**
   * Applies lazy AdamW to the touched rows of `emb` ([numRows, width]) and `bias` ([numRows]), then clears the
   * batch so the next one can accumulate.
   */
  applyAdam(
    config: AdamConfig,
    step: AdamStep,
    emb: Float32Array,
    embMoments: Moments,
    embDecay: number,
    bias: Float32Array,
    biasMoments: Moments,
    biasDecay: number,
  ): void {
    // adamUpdate (adam.ts) inlined: this loop runs for ~2·batch rows per step and dominates the JS side.
    const w = this.width;
    const { beta1, beta2, epsilon } = config;
    const a1 = 1 - beta1;
    const a2 = 1 - beta2;
    const lrm = step.lr / step.bc1;
    const vScale = 1 / step.sqrtBc2;
    const embKeep = 1 - step.lr * embDecay;
    const biasKeep = 1 - step.lr * biasDecay;
    const { m, v } = embMoments;
    const { grads, biasGrads, rows } = this;
    for (let s = 0; s < this.count; s++) {
      const r = rows[s]!;
      const o = r * w;
      const go = s * w;
      for (let k = 0; k < w; k++) {
        const g = grads[go + k]!;
        const mi = beta1 * m[o + k]! + a1 * g;
        const vi = beta2 * v[o + k]! + a2 * g * g;
        m[o + k] = mi;
        v[o + k] = vi;
        emb[o + k] = emb[o + k]! * embKeep - (lrm * mi) / (Math.sqrt(vi) * vScale + epsilon);
      }
      const g = biasGrads[s]!;
      const mi = beta1 * biasMoments.m[r]! + a1 * g;
      const vi = beta2 * biasMoments.v[r]! + a2 * g * g;
      biasMoments.m[r] = mi;
      biasMoments.v[r] = vi;
      bias[r] = bias[r]! * biasKeep - (lrm * mi) / (Math.sqrt(vi) * vScale + epsilon);
    }
    this.clear();
  }

  /** A copy of the accumulated gradients: touched rows, their gradients [count, width] and bias gradients. */
  snapshot(): RowGradsSnapshot {
    return {
      width: this.width,
      rows: this.rows.slice(0, this.count),
      grads: this.grads.slice(0, this.count * this.width),
      biasGrads: this.biasGrads.slice(0, this.count),
    };
  }

  /** Forgets the touched rows (O(count)). */
  clear(): void {
    for (let s = 0; s < this.count; s++) this.slotOf[this.rows[s]!] = -1;
    this.count = 0;
  }
}
