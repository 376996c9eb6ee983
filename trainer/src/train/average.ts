/**
 * Weight averaging (stochastic weight averaging, Izmailov et al. 2018): the running mean of snapshots of the
 * weights taken along the training trajectory at a constant-ish learning rate. Late in training each snapshot sits
 * at a different noisy point around the same minimum; their mean sits nearer its centre and generalises better than
 * any one of them, at the price of one extra copy of the weights. Snapshots are the model as it predicts (side
 * features and implicit offsets folded in, cold rows filled), so the mean is a ModelWeights like any other and the
 * export and the edge need nothing new.
 *
 * With batch norm the running statistics are averaged like the other arrays, an approximation; the loop keeps the
 * average only while its validation RMSE improves on the best kept so far, like any epoch's weights.
 */
import type { DenseWeights, ModelWeights } from '../model/weights.ts';
import { cloneWeights } from '../model/init.ts';

/** A running mean of `count` snapshots. */
export interface WeightAverage {
  weights: ModelWeights;
  count: number;
}

/** Every float array of a model, in a fixed order (for pairing two models' arrays). */
function arraysOf(w: ModelWeights): Float32Array[] {
  const layer = (l: DenseWeights): Float32Array[] => [
    l.W,
    l.b,
    ...(l.bn ? [l.bn.gamma, l.bn.beta, l.bn.movingMean, l.bn.movingVariance] : []),
  ];
  return [
    w.userEmb,
    w.movieEmb,
    w.userBias,
    w.movieBias,
    ...w.hidden.flatMap(layer),
    ...layer(w.out),
    ...(w.pref ? [w.pref.gate, w.pref.movieEmb, w.pref.movieBias, w.pref.history] : []),
  ];
}

/**
 * Adds a snapshot to the running mean (in place when `average` is given; the first snapshot is copied).
 * @throws RangeError when the snapshot's shapes differ from the average's
 */
export function addSnapshot(average: WeightAverage | undefined, snapshot: ModelWeights): WeightAverage {
  if (average === undefined) return { weights: cloneWeights(snapshot), count: 1 };
  const count = average.count + 1;
  const t = 1 / count;
  const into = arraysOf(average.weights);
  const from = arraysOf(snapshot);
  if (into.length !== from.length || into.some((a, k) => a.length !== (from[k] as Float32Array).length)) {
    throw new RangeError('a weight snapshot must have the shapes of the average it joins');
  }
  into.forEach((a, k) => {
    const b = from[k] as Float32Array;
    for (let i = 0; i < a.length; i++) a[i] = a[i]! + t * (b[i]! - a[i]!);
  });
  average.weights.mu += t * (snapshot.mu - average.weights.mu);
  average.count = count;
  return average;
}
