import { describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/src/kernels/prng.ts';
import { randomSplit } from '../data/split/random.ts';
import type { RatingsTable } from '../data/types.ts';
import { initPreference } from '../model/init.ts';
import { Ranker, type RankBy } from '../model/ranker.ts';
import { predictPairs, prepareScorer } from '../model/scoring.ts';
import type { ModelWeights } from '../model/weights.ts';
import {
  evaluateColdStart,
  ratedMovies,
  rateUserVectors,
  revealOrder,
  userVectorRanker,
} from './cold-start.ts';
import { coldStartMetrics, describeColdStartUsers } from './evaluation-report.ts';
import { formatColdStartTable } from './format-table.ts';
import { randomWeights, splitOf, tinyTable } from '../../../tools/evaluation-data.ts';
import { countRows } from './user-items.ts';

const NUM_USERS = 40;
const NUM_MOVIES = 60;

/** Random weights (dim 4) with a random preference head. */
function weightsWithPreference(seed: number): ModelWeights {
  const w = randomWeights(NUM_USERS, NUM_MOVIES, seed);
  w.pref = initPreference(w.dim, new Int32Array(NUM_MOVIES));
  const rng = createRng(seed, 5);
  w.pref.gate.forEach((_, k, g) => (g[k] = 2 * rng.nextFloat() - 1));
  w.pref.movieBias.forEach((_, m, b) => (b[m] = rng.nextFloat()));
  return w;
}

/**
 * Each user rates a random share `density` of the movies with exactly the model's prediction for them (the model
 * is the truth), so a fold-in from enough ratings recovers the user and ranks like the user's own vector.
 */
function tableFromModel(w: ModelWeights, seed: number, density: number): RatingsTable {
  const rng = createRng(seed, 6);
  const users: number[] = [];
  const movies: number[] = [];
  for (let u = 0; u < NUM_USERS; u++) {
    for (let m = 0; m < NUM_MOVIES; m++) {
      if (rng.nextFloat() < density) {
        users.push(u);
        movies.push(m);
      }
    }
  }
  const ratings = predictPairs(prepareScorer(w), Int32Array.from(users), Int32Array.from(movies));
  const table = tinyTable(
    users.map((u, i) => [u, movies[i] as number, ratings[i] as number] as const),
    NUM_USERS,
    NUM_MOVIES,
    { min: -100, max: 100, step: 0.001 },
  );
  return table;
}

/** The rating above which a quarter of the table's ratings lie (the relevance threshold of these tests). */
function upperQuartile(table: RatingsTable): number {
  const sorted = Float32Array.from(table.ratings).sort();
  return sorted[Math.floor(0.75 * sorted.length)] as number;
}

describe('rateUserVectors', () => {
  it("rates a known user's own vector exactly as predictPairs rates the user", () => {
    const w = randomWeights(NUM_USERS, NUM_MOVIES, 3);
    const scorer = prepareScorer(w);
    const movies = Int32Array.of(5, 0, 59, 12);
    const users = [7, 31];
    const vecs = new Float32Array(users.length * w.dim);
    users.forEach((u, r) => vecs.set(w.userEmb.subarray(u * w.dim, (u + 1) * w.dim), r * w.dim));
    const got = rateUserVectors(
      scorer,
      vecs,
      Float32Array.from(users, (u) => w.userBias[u] as number),
      movies,
    );
    const pairUsers = Int32Array.from(users.flatMap((u) => Array.from(movies, () => u)));
    const pairMovies = Int32Array.from(users.flatMap(() => Array.from(movies)));
    expect(Array.from(got)).toEqual(Array.from(predictPairs(scorer, pairUsers, pairMovies)));
    expect(() => rateUserVectors(scorer, new Float32Array(3), new Float32Array(1), movies)).toThrow(
      /expected 1 × 4 user vector values/,
    );
  });
});

describe('userVectorRanker', () => {
  it("ranks a known user's own vector exactly as Ranker ranks the user, for every rank-by", () => {
    const w = weightsWithPreference(4);
    const scorer = prepareScorer(w);
    const plan = { candidates: 15, ratingWeight: 0.7 };
    const exclude = Int32Array.of(2, 3, 30);
    for (const rankBy of ['rating', 'preference', 'blend'] as RankBy[]) {
      const ranker = new Ranker(scorer, rankBy, plan);
      const rank = userVectorRanker(ranker);
      for (const u of [0, 17, 39]) {
        const vec = w.userEmb.slice(u * w.dim, (u + 1) * w.dim);
        const own = rank({ vec, bias: w.userBias[u] as number }, 10, exclude);
        expect(Array.from(own), `${rankBy}, user ${u}`).toEqual(
          Array.from(ranker.rank(u, 10, exclude).movies),
        );
      }
    }
    expect(() =>
      userVectorRanker(new Ranker(scorer, 'rating'))({ vec: new Float32Array(3), bias: 0 }, 5, exclude),
    ).toThrow(/expected a user vector of 4 values \(got 3\)/);
  });
});

describe('evaluateColdStart', () => {
  const w = weightsWithPreference(8);
  const table = tableFromModel(w, 8, 0.5);
  const split = randomSplit(table, 0.2, 3);
  const threshold = upperQuartile(table);
  const options = { relevantThreshold: threshold, minRatings: 20, maxUsers: 25, seed: 5 };

  it('folds users in well enough from 10 ratings to rank like the true user', async () => {
    // Every user rates every movie: ranking by the true user's predicted ratings finds the test's best movies, an
    // NDCG of 1, and a user folded in from enough ratings comes close.
    const dense = tableFromModel(w, 9, 1);
    const denseSplit = randomSplit(dense, 0.2, 3);
    const ranker = new Ranker(prepareScorer(w), 'rating');
    // The ratings are noise-free: a small noise variance lets the data outweigh the priors.
    const foldIn = { noiseVariance: 0.01, evaluations: 8 };
    const r = await evaluateColdStart(ranker, dense, denseSplit, {
      ...options,
      relevantThreshold: upperQuartile(dense),
      foldIn,
    });
    expect(r.rows.map((row) => row.revealed)).toEqual([1, 3, 5, 10]);
    expect(r.users).toBe(25);
    const ndcg = r.rows.map((row) => row.ndcg);
    // 10 noise-free ratings of 5 parameters (dim 4 and the bias) nearly recover the user; fewer do less well.
    expect(ndcg[3]).toBeGreaterThan(0.95);
    expect(ndcg[0]).toBeLessThan(ndcg[2]!);
    for (const row of r.rows) {
      expect(row.ndcg).toBeGreaterThan(row.popularityNdcg);
      expect(row.fitRmse).toBeLessThan(0.1);
      expect(row.popularityPct).toBeGreaterThan(0);
      expect(row.popularityPct).toBeLessThanOrEqual(100);
    }
  });

  it("matches a brute-force computation of popularity's NDCG over every eligible user", async () => {
    const reveals = [1, 3, 5, 10];
    const r = await evaluateColdStart(new Ranker(prepareScorer(w), 'rating'), table, split, {
      ...options,
      maxUsers: 1000,
    });
    const counts = countRows(table.movies, NUM_MOVIES, split.train);
    // Most training ratings first, ties by lower index.
    const popular = Array.from({ length: NUM_MOVIES }, (_, m) => m).sort(
      (a, b) => (counts[b] as number) - (counts[a] as number) || a - b,
    );
    const testUsers = new Set(Array.from(split.test, (row) => table.users[row] as number));
    const sums = reveals.map(() => 0);
    let users = 0;
    for (const u of testUsers) {
      const rows = Array.from({ length: table.count }, (_, i) => i).filter((i) => table.users[i] === u);
      const { movies, ratings } = ratedMovies(table, rows);
      if (movies.length < 20) continue;
      const order = Array.from(revealOrder(movies.length, 10, 5, u));
      if (!order.slice(10).some((i) => (ratings[i] as number) >= threshold)) continue;
      users++;
      reveals.forEach((n, j) => {
        const shown = new Set(order.slice(0, n).map((i) => movies[i]));
        const relevant = new Set(
          order
            .slice(n)
            .filter((i) => (ratings[i] as number) >= threshold)
            .map((i) => movies[i]),
        );
        const top = popular.filter((m) => !shown.has(m)).slice(0, 10);
        let dcg = 0;
        top.forEach((m, rank) => (dcg += relevant.has(m) ? 1 / Math.log2(rank + 2) : 0));
        let idcg = 0;
        for (let i = 0; i < Math.min(10, relevant.size); i++) idcg += 1 / Math.log2(i + 2);
        sums[j]! += dcg / idcg;
      });
    }
    expect(r.users).toBe(users);
    expect(r.sampled).toBe(false);
    r.rows.forEach((row, j) => expect(row.popularityNdcg).toBeCloseTo(sums[j]! / users, 10));
  });

  it('measures popularity on the same users and reveals: a model ranking by popularity scores the same', async () => {
    // Preference = log(1 + training ratings), no user term: the popularity order (ties by lower index, as topK).
    const pw = weightsWithPreference(8);
    const counts = countRows(table.movies, NUM_MOVIES, split.train);
    const init = initPreference(pw.dim, counts);
    pw.pref = { ...init, gate: new Float32Array(pw.dim) };
    const r = await evaluateColdStart(new Ranker(prepareScorer(pw), 'preference'), table, split, options);
    for (const row of r.rows) expect(row.ndcg).toBe(row.popularityNdcg);
    // A model that does use the user does not.
    const blend = await evaluateColdStart(
      new Ranker(prepareScorer(w), 'blend', { candidates: 20, ratingWeight: 1 }),
      table,
      split,
      options,
    );
    expect(blend.rows.some((row) => row.ndcg !== row.popularityNdcg)).toBe(true);
  });

  it('counts eligible users by distinct movies, samples reproducibly and reports the keys', async () => {
    const ranker = new Ranker(prepareScorer(w), 'rating');
    const a = await evaluateColdStart(ranker, table, split, { ...options, maxUsers: 5 });
    const b = await evaluateColdStart(ranker, table, split, { ...options, maxUsers: 5 });
    const c = await evaluateColdStart(ranker, table, split, { ...options, maxUsers: 5, seed: 6 });
    expect(b).toEqual(a);
    expect(c.rows).not.toEqual(a.rows);
    const testUsers = new Set(Array.from(split.test, (row) => table.users[row] as number));
    let eligible = 0;
    for (const u of testUsers) {
      const rows = Array.from({ length: table.count }, (_, i) => i).filter((i) => table.users[i] === u);
      if (rows.length >= 20 && rows.some((i) => (table.ratings[i] as number) >= threshold)) eligible++;
    }
    expect(a).toMatchObject({ users: 5, eligibleUsers: eligible, sampled: true, k: 10, minRatings: 20 });
    expect(describeColdStartUsers(a)).toMatch(
      new RegExp(`^5 of ${eligible} test users with >= 20 rated movies`),
    );
    const keys = coldStartMetrics(a);
    expect(Object.keys(keys)).toEqual([
      'test.coldstart.users',
      'test.coldstart.ndcg@10.n1',
      'baselines.popularity.coldstart.ndcg@10.n1',
      'test.coldstart.ndcg@10.n3',
      'baselines.popularity.coldstart.ndcg@10.n3',
      'test.coldstart.ndcg@10.n5',
      'baselines.popularity.coldstart.ndcg@10.n5',
      'test.coldstart.ndcg@10.n10',
      'baselines.popularity.coldstart.ndcg@10.n10',
    ]);
    expect(keys['test.coldstart.ndcg@10.n10']).toBe(a.rows[3]?.ndcg);
    const lines = formatColdStartTable(a).split('\n');
    expect(lines[0]).toMatch(/^revealed\s+model NDCG@10\s+popularity NDCG@10\s+Pop%@10\s+fit RMSE$/);
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(['1', '3', '5', '10']);
  });

  it('counts a movie rated twice once and measures nobody below minRatings', async () => {
    // User 0 has 21 rows but 20 distinct movies; with minRatings 21 nobody qualifies.
    const rows: [number, number, number][] = Array.from({ length: 20 }, (_, m) => [
      0,
      m,
      m % 2 === 0 ? 5 : 2,
    ]);
    rows.push([0, 3, 5], [1, 0, 4]);
    const t = tinyTable(rows, 2, NUM_MOVIES);
    const s = splitOf(
      [21],
      Array.from({ length: 21 }, (_, i) => i),
    );
    const ranker = new Ranker(prepareScorer(randomWeights(2, NUM_MOVIES, 1)), 'rating');
    const none = await evaluateColdStart(ranker, t, s, { minRatings: 21 });
    expect(none).toMatchObject({ users: 0, eligibleUsers: 0, sampled: false });
    expect(none.rows[0]?.ndcg).toBeNaN();
    expect(coldStartMetrics(none)).toEqual({ 'test.coldstart.users': 0 });
    expect(describeColdStartUsers(none)).toMatch(/^no test users with >= 21 rated movies/);
    const one = await evaluateColdStart(ranker, t, s, { minRatings: 20 });
    expect(one).toMatchObject({ users: 1, eligibleUsers: 1 });
  });

  it('rejects bad options', async () => {
    const ranker = new Ranker(prepareScorer(w), 'rating');
    await expect(evaluateColdStart(ranker, table, split, { reveals: [3, 1] })).rejects.toThrow(
      /reveals must be ascending whole numbers >= 1 \(got 3, 1\)/,
    );
    await expect(evaluateColdStart(ranker, table, split, { minRatings: 10 })).rejects.toThrow(
      /minRatings must be a whole number above the largest reveal, 10 \(got 10\)/,
    );
    await expect(evaluateColdStart(ranker, table, split, { k: 0 })).rejects.toThrow(/k must be/);
    const small = tinyTable([[0, 0, 4]], 1, 1);
    await expect(evaluateColdStart(ranker, small, splitOf([], [0]))).rejects.toThrow(
      /the model has 40 users × 60 movies but the data has 1 × 1/,
    );
  });
});
