import { beforeAll, describe, expect, it } from 'vitest';
import { holdout, randomSplit } from '../data/split/index.ts';
import { selectBackend } from '../model/backend.ts';
import { predictTf } from '../model/infer.ts';
import type { ModelWeights } from '../model/weights.ts';
import { trainModel, type TrainCheckpoint, type TrainData } from './loop.ts';
import { clippedAccuracy } from './metrics.ts';
import { resolveTrainOptions, type TrainOptionsInput } from './options.ts';
import { plantedTable } from '../../../tools/training-data.ts';

const table = plantedTable(60, 40, 0.5, 3);
const split = randomSplit(table, 0.2, 5);
const fit = holdout(split.train, table, 0.1, 5);
const data: TrainData = { table, train: fit.train, validation: fit.validation };

/** Small, fast settings: the model shape and training budget of a unit test. */
const SMALL: TrainOptionsInput = {
  epochs: 30,
  batchSize: 32,
  lr: 0.005,
  patience: 30,
  // ~17 training ratings per user: a much weaker prior than the default suits so little data.
  l2: 1,
  weightDecay: 1e-4,
  model: { dim: 8, hidden: [16, 8], dropout: 0 },
};

function testRmse(w: ModelWeights): number {
  const users = Int32Array.from(split.test, (r) => table.users[r]!);
  const movies = Int32Array.from(split.test, (r) => table.movies[r]!);
  return clippedAccuracy(predictTf(w, users, movies), table.ratings, split.test, table.scale).rmse;
}

function valPairs(): [Int32Array, Int32Array] {
  return [
    Int32Array.from(data.validation, (r) => table.users[r]!),
    Int32Array.from(data.validation, (r) => table.movies[r]!),
  ];
}

function meanBaselineRmse(): number {
  let s = 0;
  for (const r of split.train) s += table.ratings[r]!;
  const mean = s / split.train.length;
  let se = 0;
  for (const r of split.test) se += (table.ratings[r]! - mean) ** 2;
  return Math.sqrt(se / split.test.length);
}

describe('trainModel (wasm backend)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('learns: test RMSE falls well below the global-mean baseline, for dcf and hybrid', async () => {
    const baseline = meanBaselineRmse();
    for (const arch of ['dcf', 'hybrid'] as const) {
      // The MLP alone learns this tiny set only with batch norm.
      const model = { ...SMALL.model, arch, batchNorm: arch === 'dcf' };
      const result = await trainModel(data, resolveTrainOptions({ ...SMALL, model }));
      const rmse = testRmse(result.checkpoint!.best);
      expect(rmse, `${arch} test RMSE vs global mean ${baseline.toFixed(3)}`).toBeLessThan(0.8 * baseline);
      const history = result.checkpoint!.history;
      expect(history[history.length - 1]!.trainLoss).toBeLessThan(history[0]!.trainLoss);
    }
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const options = resolveTrainOptions({
      ...SMALL,
      epochs: 3,
      model: { ...SMALL.model, dropout: 0.2, inputDropout: 0.1 },
    });
    const a = await trainModel(data, options);
    const b = await trainModel(data, options);
    const c = await trainModel(data, { ...options, seed: options.seed + 1 });
    expect(Array.from(b.checkpoint!.weights.userEmb)).toEqual(Array.from(a.checkpoint!.weights.userEmb));
    expect(Array.from(b.checkpoint!.weights.hidden[0]!.W)).toEqual(
      Array.from(a.checkpoint!.weights.hidden[0]!.W),
    );
    expect(b.checkpoint!.weights.mu).toBe(a.checkpoint!.weights.mu);
    expect(Array.from(c.checkpoint!.weights.userEmb)).not.toEqual(Array.from(a.checkpoint!.weights.userEmb));
  });

  it('resuming from a checkpoint gives exactly the uninterrupted result', async () => {
    const options = resolveTrainOptions({ ...SMALL, epochs: 4, model: { ...SMALL.model, dropout: 0.2 } });
    const straight = await trainModel(data, options);
    let saved: TrainCheckpoint | undefined;
    const first = await trainModel(data, options, {
      onEpochEnd: (_r, c) => {
        // Snapshot epoch 2 as a file would: copies, not the live arrays.
        if (c.epoch === 2) saved = structuredClone(c);
      },
      shouldStop: () => saved !== undefined,
    });
    expect(first.stop).toBe('interrupted');
    expect(first.message).toMatch(/interrupted during epoch 3/);
    const resumed = await trainModel(data, options, {}, saved);
    expect(resumed.checkpoint!.epoch).toBe(4);
    expect(Array.from(resumed.checkpoint!.weights.movieEmb)).toEqual(
      Array.from(straight.checkpoint!.weights.movieEmb),
    );
    expect(resumed.checkpoint!.history.map((h) => h.valRmse)).toEqual(
      straight.checkpoint!.history.map((h) => h.valRmse),
    );
  });

  it("refit mode: no validation, exactly the given epochs, the last epoch's average kept", async () => {
    const options = resolveTrainOptions({ ...SMALL, epochs: 4, averageFrom: 2, averageSnapshots: 1 });
    const rows = Int32Array.from([...data.train, ...data.validation]);
    const lrs = [0.01, 0.005, 0.005, 0.001];
    const refit = await trainModel(
      { table, train: rows, validation: new Int32Array(0), refit: true, lrs },
      options,
    );
    const c = refit.checkpoint!;
    expect(refit.stop).toBe('max-epochs');
    expect(c.epoch).toBe(4);
    expect(c.history.every((h) => Number.isNaN(h.valRmse) && Number.isNaN(h.valMae))).toBe(true);
    // The learning rates are the replayed ones, not the schedule's.
    expect(c.history.map((h) => h.lr)).toEqual(lrs);
    // Every epoch is "best": the kept model is the last epoch's average.
    expect(c.bestEpoch).toBe(4);
    expect(c.average!.count).toBe(3);
    expect(Array.from(c.best.out.W)).toEqual(Array.from(c.average!.weights.out.W));
    expect(testRmse(c.best)).toBeLessThan(meanBaselineRmse());
    // Without the refit flag an empty validation set is still refused.
    await expect(trainModel({ table, train: rows, validation: new Int32Array(0) }, options)).rejects.toThrow(
      /at least 1 validation rating/,
    );
  });

  it('weight averaging: the kept model is the mean of the snapshots, and a resumed run carries the average', async () => {
    // No side features or implicit part, so a snapshot is the raw weights (cold rows aside, which the MLP lacks).
    const options = resolveTrainOptions({
      ...SMALL,
      epochs: 4,
      implicit: 0,
      averageFrom: 2,
      averageSnapshots: 1,
      patience: 30,
    });
    const raw: ModelWeights[] = [];
    let saved: TrainCheckpoint | undefined;
    let handedOut: TrainCheckpoint | undefined;
    const straight = await trainModel(data, options, {
      onEpochEnd: (_r, c) => {
        raw.push(structuredClone(c.weights));
        if (c.epoch === 3) {
          saved = structuredClone(c);
          handedOut = c;
        }
      },
    });
    // The average in a checkpoint stays that epoch's, though training went on adding to its own.
    expect(handedOut!.average!.count).toBe(2);
    expect(Array.from(handedOut!.average!.weights.out.W)).toEqual(Array.from(saved!.average!.weights.out.W));
    const c = straight.checkpoint!;
    expect(c.history.map((h) => h.averaged)).toEqual([undefined, 1, 2, 3]);
    expect(c.average!.count).toBe(3);
    const mean = (k: number): number => (raw[1]!.out.W[k]! + raw[2]!.out.W[k]! + raw[3]!.out.W[k]!) / 3;
    c.average!.weights.out.W.forEach((x, k) => expect(x).toBeCloseTo(mean(k), 5));
    expect(Array.from(c.average!.weights.out.W)).not.toEqual(Array.from(raw[3]!.out.W));
    // What is validated is the average: its RMSE is the recorded one.
    const val = clippedAccuracy(
      predictTf(c.average!.weights, ...valPairs()),
      table.ratings,
      data.validation,
      table.scale,
    );
    expect(c.history[3]!.valRmse).toBeCloseTo(val.rmse, 6);
    // Resuming after epoch 3 (average of 2 snapshots) ends exactly where the straight run did.
    expect(saved!.average!.count).toBe(2);
    const resumed = await trainModel(data, options, {}, saved);
    expect(resumed.checkpoint!.average!.count).toBe(3);
    expect(Array.from(resumed.checkpoint!.average!.weights.userEmb)).toEqual(
      Array.from(c.average!.weights.userEmb),
    );
    expect(Array.from(resumed.checkpoint!.best.out.W)).toEqual(Array.from(c.best.out.W));
    // Averaging off: nothing is averaged, and the kept model is a snapshot.
    const plain = await trainModel(data, { ...options, averageFrom: 0 });
    expect(plain.checkpoint!.average).toBeUndefined();
    expect(plain.checkpoint!.history.every((h) => h.averaged === undefined)).toBe(true);
  });

  it('with side features: learns their rows, checkpoints them and resumes exactly', async () => {
    // Genres follow the planted bump (it depends on m % 3), years and ages are arbitrary but known.
    const sided: TrainData = {
      ...data,
      table: {
        ...table,
        movieInfo: {
          titles: Array.from({ length: 40 }, (_, m) => `m${m}`),
          genres: Uint32Array.from({ length: 40 }, (_, m) => 1 << (m % 3)),
          years: Int32Array.from({ length: 40 }, (_, m) => 1950 + m),
        },
        userInfo: {
          ages: Int32Array.from({ length: 60 }, (_, u) => 15 + u),
          genders: Array.from({ length: 60 }, (_, u) => (u % 2 ? 'F' : 'M')),
          occupations: new Array<string>(60).fill(''),
          likedGenres: new Uint32Array(60),
          dislikedGenres: new Uint32Array(60),
        },
      },
    };
    const options = resolveTrainOptions({ ...SMALL, epochs: 4 });
    const straight = await trainModel(sided, options);
    const c = straight.checkpoint!;
    expect(c.features?.movie?.some((x) => x !== 0)).toBe(true);
    expect(c.features?.user?.some((x) => x !== 0)).toBe(true);
    // The kept weights hold the sum: without features the same run ends elsewhere.
    const plain = await trainModel(sided, resolveTrainOptions({ ...SMALL, epochs: 4, sideFeatures: false }));
    expect(plain.checkpoint!.features).toEqual({ user: undefined, movie: undefined });
    expect(Array.from(plain.checkpoint!.best.movieEmb)).not.toEqual(Array.from(c.best.movieEmb));
    let saved: TrainCheckpoint | undefined;
    await trainModel(sided, options, {
      onEpochEnd: (_r, cp) => {
        if (cp.epoch === 2) saved = structuredClone(cp);
      },
      shouldStop: () => saved !== undefined,
    });
    const resumed = await trainModel(sided, options, {}, saved);
    expect(Array.from(resumed.checkpoint!.best.movieEmb)).toEqual(Array.from(c.best.movieEmb));
    expect(Array.from(resumed.checkpoint!.features!.user!)).toEqual(Array.from(c.features!.user!));
    // A checkpoint without them does not resume a run that has them.
    await expect(trainModel(sided, options, {}, { ...saved!, features: {} })).rejects.toThrow(
      /side features do not match/,
    );
  });

  it('stops early on a plateau and keeps the best epoch', async () => {
    const result = await trainModel(
      data,
      resolveTrainOptions({ ...SMALL, epochs: 60, lr: 0.05, patience: 2 }),
    );
    const c = result.checkpoint!;
    expect(result.stop).toBe('early-stopping');
    expect(c.epoch).toBe(c.bestEpoch + 2);
    const best = Math.min(...c.history.map((h) => h.valRmse));
    expect(c.bestValRmse).toBe(best);
  });

  it('stops on a non-finite loss, names the epoch and the likely cause, and keeps the best checkpoint', async () => {
    const ratings = table.ratings.slice();
    const poisoned: TrainData = { ...data, table: { ...table, ratings } };
    const result = await trainModel(poisoned, resolveTrainOptions({ ...SMALL, epochs: 5 }), {
      onEpochEnd: (record) => {
        // A rating turns into NaN after epoch 1: epoch 2 must stop with epoch 1 kept.
        if (record.epoch === 1) ratings.fill(NaN);
      },
    });
    expect(result.stop).toBe('diverged');
    expect(result.message).toMatch(/diverged in epoch 2/);
    expect(result.message).toMatch(/learning rate/);
    expect(result.message).toMatch(/try --lr 0\.0005/);
    expect(result.checkpoint!.epoch).toBe(1);
    expect(result.checkpoint!.bestEpoch).toBe(1);
  });

  it('refuses data too small to train on', async () => {
    const options = resolveTrainOptions(SMALL);
    await expect(trainModel({ ...data, train: data.train.subarray(0, 1) }, options)).rejects.toThrow(
      /at least 2 training ratings/,
    );
    await expect(trainModel({ ...data, validation: new Int32Array(0) }, options)).rejects.toThrow(
      /validation/,
    );
    const oneMovie = { ...table, movieIds: table.movieIds.subarray(0, 1) };
    await expect(trainModel({ ...data, table: oneMovie }, options)).rejects.toThrow(
      /at least 2 users and 2 movies/,
    );
  });
});
