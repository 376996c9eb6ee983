/**
 * Adam with decoupled weight decay (AdamW), in plain TypeScript over Float32Arrays: dense for the MLP, lazy
 * (sparse) for the embedding tables, where only the rows a batch touched are updated — O(batch × dim) per step
 * whatever the table size.
 *
 * Update of a parameter p with gradient g at step t (1-based, shared by all parameters):
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *   p ← p − lr·( (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε) + wd·p )
 * Lazy Adam skips rows without a gradient in the batch: their moments and values stay as they are (TensorFlow's
 * LazyAdam), so the decay of a row is applied when it is used.
 */

/** Hyperparameters shared by every Adam update. */
export interface AdamConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const DEFAULT_ADAM: Readonly<AdamConfig> = Object.freeze({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });

/** First and second moments of one parameter array. */
export interface Moments {
  m: Float32Array;
  v: Float32Array;
}

export function zeroMoments(size: number): Moments {
  return { m: new Float32Array(size), v: new Float32Array(size) };
}

/** The per-step factors: bias corrections for step t. */
export interface AdamStep {
  lr: number;
  /** 1 − β1^t. */
  bc1: number;
  /** √(1 − β2^t). */
  sqrtBc2: number;
}

/** Bias-correction factors for step `t` (1-based). */
export function adamStep(config: AdamConfig, lr: number, t: number): AdamStep {
  return { lr, bc1: 1 - config.beta1 ** t, sqrtBc2: Math.sqrt(1 - config.beta2 ** t) };
}

/**
 * Updates p[offset, offset + n) from g[gOffset, gOffset + n) in place.
 * @param wd decoupled weight decay (0 for none)
 */
export function adamUpdate(
  config: AdamConfig,
  step: AdamStep,
  wd: number,
  p: Float32Array,
  mom: Moments,
  offset: number,
  g: Float32Array,
  gOffset: number,
  n: number,
): void {
  const { beta1, beta2, epsilon } = config;
  const { m, v } = mom;
  const { lr, bc1, sqrtBc2 } = step;
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  // m̂ / (√v̂ + ε) = (m / bc1) / (√v / √bc2 + ε)
  const mScale = 1 / bc1;
  const vScale = 1 / sqrtBc2;
  const decay = 1 - lr * wd;
  for (let i = 0; i < n; i++) {
    const k = offset + i;
    const gi = g[gOffset + i]!;
    const mi = beta1 * m[k]! + a1 * gi;
    const vi = beta2 * v[k]! + a2 * gi * gi;
    m[k] = mi;
    v[k] = vi;
    p[k] = p[k]! * decay - (lr * mi * mScale) / (Math.sqrt(vi) * vScale + epsilon);
  }
}

/** Dense AdamW over a whole array. */
export function adamDense(
  config: AdamConfig,
  step: AdamStep,
  wd: number,
  p: Float32Array,
  mom: Moments,
  g: Float32Array,
): void {
  if (g.length !== p.length)
    throw new RangeError(`adamDense: gradient length ${g.length} ≠ parameter length ${p.length}`);
  adamUpdate(config, step, wd, p, mom, 0, g, 0, p.length);
}
