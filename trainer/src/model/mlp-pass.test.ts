import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend.ts';
import { MlpPass } from './mlp-pass.ts';
import type { ModelWeights } from './weights.ts';

/** dim 1, one hidden layer of width 2 with batch norm, output layer 2 → 1. */
function handModel(): ModelWeights {
  return {
    arch: 'dcf',
    dim: 1,
    numUsers: 2,
    numMovies: 2,
    mu: 0,
    userEmb: new Float32Array([1, 3]),
    movieEmb: new Float32Array([2, -1]),
    userBias: new Float32Array(2),
    movieBias: new Float32Array(2),
    hidden: [
      {
        inSize: 2,
        outSize: 2,
        W: new Float32Array([1, 0, 0.5, -1]),
        b: new Float32Array([0, 0]),
        bn: {
          gamma: new Float32Array([2, 1]),
          beta: new Float32Array([0.5, -0.25]),
          movingMean: new Float32Array(2),
          movingVariance: new Float32Array([1, 1]),
          epsilon: 1e-3,
        },
      },
    ],
    out: { inSize: 2, outSize: 1, W: new Float32Array([0.5, -2]), b: new Float32Array([0.1]) },
  };
}

describe('MlpPass forward (training mode) by hand', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('equals the hand computation with batch statistics, with and without dropout', () => {
    const w = handModel();
    // Rows: (user 0, movie 0) → x = [1, 2]; (user 1, movie 1) → x = [3, -1].
    const x = new Float32Array([1, 2, 3, -1]);
    const xT = new Float32Array([1, 3, 2, -1]);
    // z = x·W: row 0 = [1 + 2·0.5, −2] = [2, −2]; row 1 = [3 − 0.5, 1] = [2.5, 1].
    // Column means [2.25, −0.5]; biased variances [0.0625, 2.25].
    const rstd = [1 / Math.sqrt(0.0625 + 1e-3), 1 / Math.sqrt(2.25 + 1e-3)];
    const y = [
      [2 * -0.25 * rstd[0]! + 0.5, 1 * -1.5 * rstd[1]! - 0.25],
      [2 * 0.25 * rstd[0]! + 0.5, 1 * 1.5 * rstd[1]! - 0.25],
    ];
    const relu = (v: number) => Math.max(0, v);
    const o = y.map((r) => 0.5 * relu(r[0]!) - 2 * relu(r[1]!) + 0.1);

    const pass = new MlpPass();
    const { out, stats } = pass.forward(w, x, xT, 2, undefined);
    expect(out[0]).toBeCloseTo(o[0]!, 5);
    expect(out[1]).toBeCloseTo(o[1]!, 5);
    expect(Array.from(stats[0]!.mean)).toEqual([2.25, -0.5]);
    expect(stats[0]!.variance[0]).toBeCloseTo(0.0625, 6);
    expect(stats[0]!.variance[1]).toBeCloseTo(2.25, 6);
    pass.backward(new Float32Array(2));

    // Dropout keeps row 1 / unit 0 (scaled by 1/(1 − 0.5)) and drops row 1 / unit 1.
    const mask = new Float32Array([2, 2, 2, 0]);
    const dropped = pass.forward(w, x, xT, 2, [mask]).out;
    expect(dropped[1]).toBeCloseTo(0.5 * 2 * relu(y[1]![0]!) + 0.1, 5);
    pass.backward(new Float32Array(2));
    pass.dispose();
  });

  it('without batch norm adds the dense bias before the ReLU', () => {
    const w = handModel();
    delete w.hidden[0]!.bn;
    w.hidden[0]!.b = new Float32Array([-2.2, 0.5]);
    const pass = new MlpPass();
    const { out, stats } = pass.forward(
      w,
      new Float32Array([1, 2, 3, -1]),
      new Float32Array([1, 3, 2, -1]),
      2,
      undefined,
    );
    // z + b: row 0 = [−0.2, −1.5] → relu 0, 0; row 1 = [0.3, 1.5].
    expect(out[0]).toBeCloseTo(0.1, 6);
    expect(out[1]).toBeCloseTo(0.5 * 0.3 - 2 * 1.5 + 0.1, 5);
    expect(stats[0]).toBeUndefined();
    pass.backward(new Float32Array(2));
    pass.dispose();
  });

  it('refuses a backward pass without a forward pass', () => {
    expect(() => new MlpPass().backward(new Float32Array(1))).toThrow(/forward first/);
  });
});
