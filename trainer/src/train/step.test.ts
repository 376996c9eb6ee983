import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradient functions autodiff needs (tfjs-core alone has none)
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../model/backend.ts';
import { resolveModelConfig } from '../model/config.ts';
import { countRows } from '../model/cold-rows.ts';
import { cloneWeights } from '../model/init.ts';
import { fillDropoutMask, modelRng } from '../model/random.ts';
import { tinyColumns, tinyModel } from '../../../tools/tiny-model.ts';
import type { ModelWeights } from '../model/weights.ts';
import { DEFAULT_ADAM } from './adam.ts';
import type { RowGradsSnapshot } from './sparse-grad.ts';
import { newOptimizerState, TrainStep, type StepTrace } from './step.ts';

/**
 * The same model written with stock tfjs ops (tf.gather on whole tables, tf.moments, autodiff): the ground truth
 * for the hand-written forward/backward and the sparse table gradients.
 */
function autodiffLoss(
  w: ModelWeights,
  v: Record<string, tf.Variable>,
  cols: ReturnType<typeof tinyColumns>,
  masks: { input?: Float32Array; hidden?: Float32Array[] },
  prior: { l2: number; biasL2: number },
): () => tf.Scalar {
  const B = cols.users.length;
  const u = tf.tensor1d(cols.users, 'int32');
  const m = tf.tensor1d(cols.movies, 'int32');
  const r = tf.tensor1d(cols.ratings);
  const counts = countRows(
    cols.users,
    cols.movies,
    Int32Array.from({ length: B }, (_, i) => i),
    w.numUsers,
    w.numMovies,
  );
  // 1 / (training ratings of the row) per use: the prior spread over a row's uses.
  const invU = tf.tensor1d(Float32Array.from(cols.users, (x) => 1 / counts.users[x]!));
  const invM = tf.tensor1d(Float32Array.from(cols.movies, (x) => 1 / counts.movies[x]!));
  return () => {
    const eu = tf.gather(v.userEmb!, u) as tf.Tensor2D;
    const em = tf.gather(v.movieEmb!, m) as tf.Tensor2D;
    let h: tf.Tensor = tf.concat([eu, em], 1);
    if (masks.input) h = tf.mul(h, tf.tensor2d(masks.input, [B, 2 * w.dim]));
    w.hidden.forEach((layer, l) => {
      let y: tf.Tensor = tf.matMul(h as tf.Tensor2D, v[`hidden.${l}.W`]! as tf.Tensor2D);
      if (layer.bn) {
        const { mean, variance } = tf.moments(y, 0);
        y = tf.add(
          tf.mul(
            tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, layer.bn.epsilon))),
            v[`hidden.${l}.gamma`]!,
          ),
          v[`hidden.${l}.beta`]!,
        );
      } else {
        y = tf.add(y, v[`hidden.${l}.b`]!);
      }
      h = tf.relu(y);
      if (masks.hidden) h = tf.mul(h, tf.tensor2d(masks.hidden[l]!, [B, layer.outSize]));
    });
    const o = tf.reshape(tf.add(tf.matMul(h as tf.Tensor2D, v['out.W']! as tf.Tensor2D), v['out.b']!), [B]);
    let pred = tf.add(tf.add(tf.add(o, v.mu!), tf.gather(v.userBias!, u)), tf.gather(v.movieBias!, m));
    if (w.arch === 'hybrid') pred = tf.add(pred, tf.sum(tf.mul(eu, em), 1));
    const bu = tf.gather(v.userBias!, u);
    const bm = tf.gather(v.movieBias!, m);
    const penalty = tf.add(
      tf.mul(
        prior.l2,
        tf.add(tf.mul(tf.sum(tf.square(eu), 1), invU), tf.mul(tf.sum(tf.square(em), 1), invM)),
      ),
      tf.mul(prior.biasL2, tf.add(tf.mul(tf.square(bu), invU), tf.mul(tf.square(bm), invM))),
    );
    return tf.mean(tf.add(tf.square(tf.sub(pred, r)), penalty));
  };
}

let nextVariableSet = 0;

/** tfjs variables holding a copy of `w`, keyed by array name (variable names get a unique prefix). */
function variablesOf(w: ModelWeights): Record<string, tf.Variable> {
  const p = `set${nextVariableSet++}.`;
  const v: Record<string, tf.Variable> = {
    userEmb: tf.variable(tf.tensor2d(w.userEmb, [w.numUsers, w.dim]), true, p + 'userEmb'),
    movieEmb: tf.variable(tf.tensor2d(w.movieEmb, [w.numMovies, w.dim]), true, p + 'movieEmb'),
    userBias: tf.variable(tf.tensor1d(w.userBias), true, p + 'userBias'),
    movieBias: tf.variable(tf.tensor1d(w.movieBias), true, p + 'movieBias'),
    mu: tf.variable(tf.scalar(w.mu), true, p + 'mu'),
    'out.W': tf.variable(tf.tensor2d(w.out.W, [w.out.inSize, 1]), true, p + 'out.W'),
    'out.b': tf.variable(tf.tensor1d(w.out.b), true, p + 'out.b'),
  };
  w.hidden.forEach((l, i) => {
    v[`hidden.${i}.W`] = tf.variable(tf.tensor2d(l.W, [l.inSize, l.outSize]), true, p + `hidden.${i}.W`);
    if (l.bn) {
      v[`hidden.${i}.gamma`] = tf.variable(tf.tensor1d(l.bn.gamma), true, p + `hidden.${i}.gamma`);
      v[`hidden.${i}.beta`] = tf.variable(tf.tensor1d(l.bn.beta), true, p + `hidden.${i}.beta`);
    } else {
      v[`hidden.${i}.b`] = tf.variable(tf.tensor1d(l.b), true, p + `hidden.${i}.b`);
    }
  });
  return v;
}

function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst, `${what}: max |difference|`).toBeLessThan(tol);
}

/** Dense [rows, width] gradient from the sparse accumulators. */
function denseTableGrad(g: RowGradsSnapshot, numRows: number, bias: boolean): Float32Array {
  const out = new Float32Array(numRows * (bias ? 1 : g.width));
  for (let s = 0; s < g.rows.length; s++) {
    const row = g.rows[s]!;
    if (bias) out[row] = g.biasGrads[s]!;
    else out.set(g.grads.subarray(s * g.width, (s + 1) * g.width), row * g.width);
  }
  return out;
}

const CASES = [
  {
    name: 'dcf, batch norm, dropout',
    arch: 'dcf',
    batchNorm: true,
    dropout: 0.3,
    inputDropout: 0,
    l2: 0,
    biasL2: 0,
  },
  {
    name: 'hybrid, batch norm',
    arch: 'hybrid',
    batchNorm: true,
    dropout: 0,
    inputDropout: 0,
    l2: 0,
    biasL2: 0,
  },
  {
    name: 'hybrid, no batch norm, dropout, input dropout, L2 priors',
    arch: 'hybrid',
    batchNorm: false,
    dropout: 0.25,
    inputDropout: 0.2,
    l2: 0.7,
    biasL2: 0.3,
  },
  {
    name: 'dcf, batch norm, input dropout, L2 prior',
    arch: 'dcf',
    batchNorm: true,
    dropout: 0,
    inputDropout: 0.3,
    l2: 2,
    biasL2: 0,
  },
] as const;

describe('TrainStep against tfjs autodiff (cpu backend)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  for (const c of CASES) {
    it(`${c.name}: gradients and one Adam step match`, () => {
      const { l2, biasL2, name: _name, ...model } = c;
      const config = resolveModelConfig({ dim: 3, hidden: [4, 3], ...model });
      const w = tinyModel(config);
      const cols = tinyColumns();
      const B = cols.users.length;
      const order = Int32Array.from({ length: B }, (_, i) => i);
      // The masks TrainStep draws: input dropout first, then each hidden layer's, from one stream.
      const rng = modelRng(3, 'dropout');
      const masks: { input?: Float32Array; hidden?: Float32Array[] } = {};
      if (c.inputDropout > 0) {
        masks.input = new Float32Array(B * 2 * w.dim);
        fillDropoutMask(masks.input, c.inputDropout, rng);
      }
      if (c.dropout > 0) {
        masks.hidden = w.hidden.map((l) => {
          const mask = new Float32Array(B * l.outSize);
          fillDropoutMask(mask, c.dropout, rng);
          return mask;
        });
      }
      const lr = 0.01;
      const optimizer = { adam: DEFAULT_ADAM, weightDecay: 0, embeddingDecay: 0, biasDecay: 0, l2, biasL2 };
      const counts = countRows(cols.users, cols.movies, order, w.numUsers, w.numMovies);

      // Our gradients (trace mode: nothing is updated).
      const mine = new TrainStep(cloneWeights(w), config, optimizer, newOptimizerState(w), B, counts);
      let trace: StepTrace | undefined;
      const loss = mine.run(cols, order, 0, B, lr, modelRng(3, 'dropout'), (t) => {
        trace = t;
      });
      mine.dispose();

      const vars = variablesOf(w);
      const f = autodiffLoss(w, vars, cols, masks, { l2, biasL2 });
      const { value, grads } = tf.variableGrads(f);
      // The reported loss is the data term alone (the priors only shape the gradients).
      if (l2 === 0 && biasL2 === 0) expect(loss).toBeCloseTo(value.dataSync()[0]!, 4);
      const t = trace!;
      const g = (name: string) => grads[vars[name]!.name]!.dataSync();
      expectClose(denseTableGrad(t.userGrads, w.numUsers, false), g('userEmb'), 1e-5, 'userEmb');
      expectClose(denseTableGrad(t.movieGrads, w.numMovies, false), g('movieEmb'), 1e-5, 'movieEmb');
      expectClose(denseTableGrad(t.userGrads, w.numUsers, true), g('userBias'), 1e-5, 'userBias');
      expectClose(denseTableGrad(t.movieGrads, w.numMovies, true), g('movieBias'), 1e-5, 'movieBias');
      expect(t.muGrad).toBeCloseTo(g('mu')[0]!, 5);
      expectClose(t.grads.out.dW, g('out.W'), 1e-5, 'out.W');
      w.hidden.forEach((l, i) => {
        expectClose(t.grads.hidden[i]!.dW, g(`hidden.${i}.W`), 1e-5, `hidden.${i}.W`);
        if (l.bn) {
          expectClose(t.grads.hidden[i]!.dGamma!, g(`hidden.${i}.gamma`), 1e-5, `hidden.${i}.gamma`);
          expectClose(t.grads.hidden[i]!.dBeta!, g(`hidden.${i}.beta`), 1e-5, `hidden.${i}.beta`);
        } else {
          expectClose(t.grads.hidden[i]!.db, g(`hidden.${i}.b`), 1e-5, `hidden.${i}.b`);
        }
      });

      // One real step of ours (sparse, lazy) against tfjs's dense Adam on the autodiff gradients.
      const stepped = cloneWeights(w);
      const real = new TrainStep(stepped, config, optimizer, newOptimizerState(w), B, counts);
      real.run(cols, order, 0, B, lr, modelRng(3, 'dropout'));
      real.dispose();
      const adam = tf.train.adam(lr, DEFAULT_ADAM.beta1, DEFAULT_ADAM.beta2, DEFAULT_ADAM.epsilon);
      adam.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      expectClose(stepped.userEmb, vars.userEmb!.dataSync(), 1e-6, 'userEmb after a step');
      expectClose(stepped.movieEmb, vars.movieEmb!.dataSync(), 1e-6, 'movieEmb after a step');
      expectClose(stepped.userBias, vars.userBias!.dataSync(), 1e-6, 'userBias after a step');
      expectClose(stepped.movieBias, vars.movieBias!.dataSync(), 1e-6, 'movieBias after a step');
      expectClose(stepped.out.W, vars['out.W']!.dataSync(), 1e-6, 'out.W after a step');
      expectClose(stepped.hidden[0]!.W, vars['hidden.0.W']!.dataSync(), 1e-6, 'hidden.0.W after a step');
      expect(stepped.mu).toBeCloseTo(vars.mu!.dataSync()[0]!, 6);
      // Rows the batch never touched keep their values (lazy updates).
      expect(stepped.userEmb).not.toEqual(w.userEmb);
      adam.dispose();
      for (const x of Object.values(vars)) x.dispose();
    });
  }

  it('decoupled weight decay shrinks only the touched rows', () => {
    const config = resolveModelConfig({ dim: 3, hidden: [4], dropout: 0 });
    const w = tinyModel(config, 6, 4);
    const cols = tinyColumns(5, 4); // user 5 never rated
    const B = cols.users.length;
    const order = Int32Array.from({ length: B }, (_, i) => i);
    const run = (embeddingDecay: number) => {
      const copy = cloneWeights(w);
      const step = new TrainStep(
        copy,
        config,
        { adam: DEFAULT_ADAM, weightDecay: 0, embeddingDecay, biasDecay: 0, l2: 0, biasL2: 0 },
        newOptimizerState(w),
        B,
      );
      step.run(cols, order, 0, B, 0.1, modelRng(1, 'dropout'));
      step.dispose();
      return copy;
    };
    const plain = run(0);
    const decayed = run(0.5);
    // p ← p·(1 − lr·wd) − lr·adam: the difference is exactly lr·wd·p for every touched value.
    for (let k = 0; k < 3; k++) {
      expect(decayed.userEmb[k]!).toBeCloseTo(plain.userEmb[k]! - 0.1 * 0.5 * w.userEmb[k]!, 6);
    }
    const untouched = w.userEmb.subarray(5 * 3, 6 * 3);
    expect(Array.from(decayed.userEmb.subarray(5 * 3, 6 * 3))).toEqual(Array.from(untouched));
  });
});
