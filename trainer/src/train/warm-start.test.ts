import { beforeAll, describe, expect, it } from 'vitest';
import type { RatingsTable } from '../data/types.ts';
import { selectBackend } from '../model/backend.ts';
import { predictTf } from '../model/infer.ts';
import { preferenceMovieTable, type ModelWeights } from '../model/weights.ts';
import { plantedTable } from '../../../tools/training-data.ts';
import { featureRows } from './features-file.ts';
import { trainModel, type TrainData } from './loop.ts';
import { resolveTrainOptions, type TrainOptionsInput } from './options.ts';
import { initShapeProblem, knownRows, type InitModel } from './warm-start.ts';

const OPTIONS: TrainOptionsInput = {
  epochs: 3,
  batchSize: 32,
  l2: 1,
  // The implicit part and the side features ("active" year: the table is timestamped) are both on, so the test
  // covers the folding that warm start undoes.
  implicit: 1,
  model: { dim: 8, hidden: [16, 8] },
};

const old = plantedTable(40, 30, 0.5, 3);
const NEW_USERS = [1001, 1002, 1003];
const NEW_MOVIES = [2001, 2002];

/**
 * Tonight's data: last night's ratings with the dense indices in another order (new ids first, the known ones
 * reversed), plus ratings by new users and of new movies.
 */
function tonight(): { table: RatingsTable; oldUser: Int32Array; oldMovie: Int32Array } {
  const userIds = Int32Array.from([...NEW_USERS, ...Array.from(old.userIds).reverse()]);
  const movieIds = Int32Array.from([...NEW_MOVIES, ...Array.from(old.movieIds).reverse()]);
  const nu = old.userIds.length;
  const nm = old.movieIds.length;
  const userOf = (u: number) => NEW_USERS.length + (nu - 1 - u);
  const movieOf = (m: number) => NEW_MOVIES.length + (nm - 1 - m);
  const users = Array.from(old.users, userOf);
  const movies = Array.from(old.movies, movieOf);
  const ratings = Array.from(old.ratings);
  for (let u = 0; u < NEW_USERS.length; u++) {
    for (let m = 0; m < 12; m++) {
      users.push(u);
      movies.push(NEW_MOVIES.length + ((u * 7 + m) % nm));
      ratings.push(1 + ((u + m) % 5));
    }
  }
  for (let m = 0; m < NEW_MOVIES.length; m++) {
    for (let u = 0; u < 8; u++) {
      users.push(userOf(u * 3));
      movies.push(m);
      ratings.push(2 + ((u + m) % 4));
    }
  }
  const n = users.length;
  return {
    table: {
      ...old,
      users: Int32Array.from(users),
      movies: Int32Array.from(movies),
      ratings: Float32Array.from(ratings),
      timestamps: Uint32Array.from({ length: n }, (_, i) => 1_000_000 + i),
      count: n,
      userIds,
      movieIds,
    },
    oldUser: Int32Array.from({ length: nu + NEW_USERS.length }, (_, u) =>
      u < NEW_USERS.length ? -1 : nu - 1 - (u - NEW_USERS.length),
    ),
    oldMovie: Int32Array.from({ length: nm + NEW_MOVIES.length }, (_, m) =>
      m < NEW_MOVIES.length ? -1 : nm - 1 - (m - NEW_MOVIES.length),
    ),
  };
}

/** Every 10th row validates, the rest train: every user and movie keeps training rows. */
function rowsOf(table: RatingsTable): TrainData {
  const all = Array.from({ length: table.count }, (_, i) => i);
  return {
    table,
    train: Int32Array.from(all.filter((i) => i % 10 !== 0)),
    validation: Int32Array.from(all.filter((i) => i % 10 === 0)),
  };
}

let stable: ModelWeights;
let init: InitModel;

beforeAll(async () => {
  await selectBackend('wasm');
  const data = rowsOf(old);
  const trained = (await trainModel(data, resolveTrainOptions(OPTIONS))).checkpoint!;
  stable = trained.best;
  init = {
    from: 'last-night',
    weights: stable,
    userIds: old.userIds,
    movieIds: old.movieIds,
    // The learned "active" year rows, as features.bin keeps them.
    features: featureRows(old, data.train, 8, trained.features),
  };
});

describe('warm start', () => {
  it("predicts what the stable model did before training (by external id); new ids get a fresh model's rows", async () => {
    const { table, oldUser, oldMovie } = tonight();
    expect(knownRows(init, table.userIds, table.movieIds)).toEqual({
      users: old.userIds.length,
      movies: old.movieIds.length,
    });
    // One epoch at a learning rate that cannot move a weight measurably: the model as it starts.
    const still = resolveTrainOptions({ ...OPTIONS, epochs: 1, lr: 1e-9, averageFrom: 0 });
    const data = rowsOf(table);
    const warm = (await trainModel({ ...data, init }, still)).checkpoint!;
    const cold = (await trainModel(data, still)).checkpoint!;

    const known = Array.from(table.users.keys()).filter(
      (r) => oldUser[table.users[r]!]! >= 0 && oldMovie[table.movies[r]!]! >= 0,
    );
    const pick = (rows: number[], of: Int32Array, map?: Int32Array) =>
      Int32Array.from(rows, (r) => (map ? map[of[r]!]! : of[r]!));
    const before = predictTf(stable, pick(known, table.users, oldUser), pick(known, table.movies, oldMovie));
    const after = predictTf(warm.best, pick(known, table.users), pick(known, table.movies));
    let worst = 0;
    for (let i = 0; i < known.length; i++) worst = Math.max(worst, Math.abs(after[i]! - before[i]!));
    expect(known.length).toBeGreaterThan(500);
    expect(worst).toBeLessThan(1e-4);
    // The preference head's movie side too.
    const d = stable.dim;
    const prefBefore = preferenceMovieTable(stable);
    const prefAfter = preferenceMovieTable(warm.best);
    for (let m = NEW_MOVIES.length; m < table.movieIds.length; m++) {
      const o = oldMovie[m]!;
      for (let k = 0; k < d; k++) expect(prefAfter[m * d + k]).toBeCloseTo(prefBefore[o * d + k]!, 4);
      expect(warm.best.pref!.movieBias[m]).toBeCloseTo(stable.pref!.movieBias[o]!, 4);
    }
    expect(warm.best.mu).toBeCloseTo(stable.mu, 5);
    // The feature rows start as the stable's (by name), the free rows holding the rest of each embedding.
    const saved = init.features!.user!;
    expect(saved.names.length).toBeGreaterThan(0);
    const now = featureRows(table, data.train, 8, warm.features).user!;
    let same = 0;
    now.names.forEach((name, i) => {
      const j = saved.names.indexOf(name);
      if (j < 0) return;
      same++;
      for (let k = 0; k < now.dim; k++) {
        expect(now.table[i * now.dim + k]).toBeCloseTo(saved.table[j * saved.dim + k]!, 5);
      }
    });
    expect(same).toBeGreaterThan(0);
    expect(Array.from(saved.table).some((x) => Math.abs(x) > 1e-3)).toBe(true);

    // New users and movies: the rows a model trained from scratch starts with (same seed), not the stable's.
    const row = (a: Float32Array, i: number) => Array.from(a.subarray(i * d, (i + 1) * d));
    for (let u = 0; u < NEW_USERS.length; u++) {
      row(warm.weights.userEmb, u).forEach((x, k) =>
        expect(x).toBeCloseTo(row(cold.weights.userEmb, u)[k]!, 5),
      );
      expect(warm.weights.userBias[u]).toBeCloseTo(0, 5);
    }
    for (let m = 0; m < NEW_MOVIES.length; m++) {
      row(warm.weights.movieEmb, m).forEach((x, k) =>
        expect(x).toBeCloseTo(row(cold.weights.movieEmb, m)[k]!, 5),
      );
      expect(warm.weights.pref!.movieBias[m]).toBeCloseTo(cold.weights.pref!.movieBias[m]!, 5);
    }
  });

  it('refuses a model of another shape, saying what differs', async () => {
    const options = resolveTrainOptions({ ...OPTIONS, model: { dim: 16, hidden: [16, 8] } });
    expect(initShapeProblem(init, options.model)?.message).toMatch(
      /--init-from last-night: expected a model of this run's shape \(arch hybrid, dim 16, hidden 16,8, batch norm off\), got arch hybrid, dim 8/,
    );
    await expect(trainModel({ ...rowsOf(old), init }, options)).rejects.toThrow(/dim 16.*got.*dim 8/);
  });
});
