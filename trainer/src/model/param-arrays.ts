/**
 * The arrays of a ModelWeights by stable name, for serialisation and for the optimizer's per-array state.
 * Names: userEmb, movieEmb, userBias, movieBias, hidden.<l>.{W,b,gamma,beta,movingMean,movingVariance}, out.{W,b},
 * and with the preference head pref.{gate,movieEmb,movieBias,history}.
 */
import type { DenseWeights, ModelWeights } from './weights.ts';

/** One named array of a model. */
export interface NamedArray {
  name: string;
  array: Float32Array;
  /** Learned by gradient descent (false for batch-norm moving statistics). */
  trainable: boolean;
}

function denseArrays(prefix: string, l: DenseWeights): NamedArray[] {
  const out: NamedArray[] = [
    { name: `${prefix}.W`, array: l.W, trainable: true },
    { name: `${prefix}.b`, array: l.b, trainable: true },
  ];
  if (l.bn) {
    out.push(
      { name: `${prefix}.gamma`, array: l.bn.gamma, trainable: true },
      { name: `${prefix}.beta`, array: l.bn.beta, trainable: true },
      { name: `${prefix}.movingMean`, array: l.bn.movingMean, trainable: false },
      { name: `${prefix}.movingVariance`, array: l.bn.movingVariance, trainable: false },
    );
  }
  return out;
}

/** Every array of `w` (views, not copies), in a fixed order. */
export function namedArrays(w: ModelWeights): NamedArray[] {
  return [
    { name: 'userEmb', array: w.userEmb, trainable: true },
    { name: 'movieEmb', array: w.movieEmb, trainable: true },
    { name: 'userBias', array: w.userBias, trainable: true },
    { name: 'movieBias', array: w.movieBias, trainable: true },
    ...w.hidden.flatMap((l, i) => denseArrays(`hidden.${i}`, l)),
    ...denseArrays('out', w.out),
    ...(w.pref
      ? [
          { name: 'pref.gate', array: w.pref.gate, trainable: true },
          { name: 'pref.movieEmb', array: w.pref.movieEmb, trainable: true },
          { name: 'pref.movieBias', array: w.pref.movieBias, trainable: true },
          // Fixed at 1 (init.ts): kept with the weights so the exported model says what it was trained with.
          { name: 'pref.history', array: w.pref.history, trainable: false },
        ]
      : []),
  ];
}

/**
 * Checks that every array of `w` has the length its declared shape implies.
 * @throws RangeError naming the array, the expected and the actual length
 */
export function checkWeightShapes(w: ModelWeights): void {
  const expect = (name: string, a: Float32Array, n: number) => {
    if (a.length !== n) throw new RangeError(`weights.${name}: expected ${n} values (got ${a.length})`);
  };
  expect('userEmb', w.userEmb, w.numUsers * w.dim);
  expect('movieEmb', w.movieEmb, w.numMovies * w.dim);
  expect('userBias', w.userBias, w.numUsers);
  expect('movieBias', w.movieBias, w.numMovies);
  let inSize = 2 * w.dim;
  const layers = [...w.hidden.map((l, i) => [`hidden.${i}`, l] as const), ['out', w.out] as const];
  for (const [name, l] of layers) {
    if (l.inSize !== inSize)
      throw new RangeError(`weights.${name}.inSize: expected ${inSize} (got ${l.inSize})`);
    expect(`${name}.W`, l.W, l.inSize * l.outSize);
    expect(`${name}.b`, l.b, l.outSize);
    if (l.bn) {
      for (const key of ['gamma', 'beta', 'movingMean', 'movingVariance'] as const) {
        expect(`${name}.${key}`, l.bn[key], l.outSize);
      }
    }
    inSize = l.outSize;
  }
  if (w.pref) {
    expect('pref.gate', w.pref.gate, w.dim);
    expect('pref.movieEmb', w.pref.movieEmb, w.numMovies * w.dim);
    expect('pref.history', w.pref.history, 1);
    expect('pref.movieBias', w.pref.movieBias, w.numMovies);
  }
  if (w.out.outSize !== 1) throw new RangeError(`weights.out.outSize: expected 1 (got ${w.out.outSize})`);
}
