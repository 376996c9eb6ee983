import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../shared/src/kernels/prng.ts';
import { topK } from '../../../../shared/src/kernels/top-k.ts';
import { splitOf, tinyTable } from '../../../../tools/evaluation-data.ts';
import { easeModel, easeSkipReason, easeWeights, invertSpd, userMovieSets } from './ease.ts';
import { trainBaselines } from './index.ts';
import { popularityModel } from './popularity.ts';
import { trainData } from './train-data.ts';

/** Textbook Gauss–Jordan inversion with partial pivoting, the reference for invertSpd. */
function referenceInverse(g: number[][]): number[][] {
  const n = g.length;
  const aug = g.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(aug[r]![c]!) > Math.abs(aug[pivot]![c]!)) pivot = r;
    [aug[c], aug[pivot]] = [aug[pivot]!, aug[c]!];
    const p = aug[c]![c]!;
    aug[c] = aug[c]!.map((v) => v / p);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = aug[r]![c]!;
      aug[r] = aug[r]!.map((v, j) => v - f * aug[c]![j]!);
    }
  }
  return aug.map((row) => row.slice(n));
}

/** A random symmetric positive-definite n × n matrix: a co-occurrence count matrix plus a ridge. */
function randomSpd(n: number, seed: number): number[][] {
  const rng = createRng(seed, 5);
  const g = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let u = 0; u < 3 * n + 4; u++) {
    const items = Array.from({ length: n }, (_, m) => m).filter(() => rng.nextFloat() < 0.3);
    for (const i of items) for (const j of items) g[i]![j]!++;
  }
  return g.map((row, i) => row.map((v, j) => v + (i === j ? 1 + rng.nextFloat() : 0)));
}

// 6 users × 5 movies; user 0 rated movie 1 twice (one binary entry), and ratings do not matter to EASE.
const TRIPLES: [number, number, number][] = [
  [0, 0, 5],
  [0, 1, 3],
  [0, 2, 4],
  [0, 1, 5],
  [1, 0, 2],
  [1, 1, 4],
  [2, 1, 5],
  [2, 2, 1],
  [2, 3, 4],
  [3, 3, 3],
  [3, 4, 5],
  [4, 0, 4],
  [4, 4, 2],
  [5, 2, 5],
  [5, 3, 4],
  [5, 4, 1],
];
const USER_MOVIES = [
  [0, 1, 2],
  [0, 1],
  [1, 2, 3],
  [3, 4],
  [0, 4],
  [2, 3, 4],
];
const tiny = tinyTable(TRIPLES, 6, 5);
const tinyData = trainData(
  tiny,
  splitOf(
    TRIPLES.map((_, i) => i),
    [],
  ),
);

function referenceWeights(lambda: number): number[][] {
  const M = 5;
  const g = Array.from({ length: M }, (_, i) =>
    Array.from({ length: M }, (_, j) => USER_MOVIES.filter((s) => s.includes(i) && s.includes(j)).length),
  );
  const p = referenceInverse(g.map((row, i) => row.map((v, j) => v + (i === j ? lambda : 0))));
  return p.map((row, i) => row.map((v, j) => (i === j ? 0 : -v / p[j]![j]!)));
}

describe('invertSpd', () => {
  it('matches a textbook inversion for every size around the 4 × 4 tiles', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 17, 33]) {
      const g = randomSpd(n, n);
      const a = Float64Array.from(g.flat());
      // Only the lower triangle may be read: garbage above it must not change the result.
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 1e9;
      invertSpd(a, n);
      const ref = referenceInverse(g);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          expect(a[i * n + j], `n=${n} (${i}, ${j})`).toBeCloseTo(ref[i]![j]!, 10);
          expect(a[i * n + j]).toBe(a[j * n + i]);
        }
      }
    }
  });

  it('refuses a matrix that is not positive definite, naming the pivot', () => {
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite \(pivot 1/);
    expect(() => invertSpd(new Float64Array(5), 2)).toThrow(/expected 2 × 2 = 4 entries \(got 5\)/);
  });
});

describe('userMovieSets', () => {
  it('lists each user’s distinct movies ascending, keeping the highest rating of a repeated pair', () => {
    const sets = userMovieSets(tinyData);
    expect(Array.from(sets.offsets)).toEqual([0, 3, 5, 8, 10, 12, 15]);
    expect(Array.from(sets.movies)).toEqual(USER_MOVIES.flat());
    expect(Array.from(sets.ratings.subarray(0, 3))).toEqual([5, 5, 4]);
  });
});

describe('EASE', () => {
  it('equals the closed form B = I − P·diag(1/diag P) computed by a textbook inversion', () => {
    const lambda = 2.5;
    const b = easeWeights(userMovieSets(tinyData), 5, lambda);
    const ref = referenceWeights(lambda);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(b[i * 5 + j]).toBeCloseTo(ref[i]![j]!, 12);
  });

  it('satisfies the constrained least-squares optimality condition', () => {
    // B minimises ‖X − XB‖² + λ‖B‖² s.t. diag(B) = 0 iff diag(B) = 0 and (XᵀX + λI)B − XᵀX is diagonal
    // (the Lagrange multipliers of the constraint).
    const lambda = 7;
    const b = easeWeights(userMovieSets(tinyData), 5, lambda);
    const gram = (i: number, j: number): number =>
      USER_MOVIES.filter((s) => s.includes(i) && s.includes(j)).length;
    for (let i = 0; i < 5; i++) {
      expect(b[i * 5 + i]).toBe(0);
      for (let j = 0; j < 5; j++) {
        if (i === j) continue;
        let gb = 0;
        for (let k = 0; k < 5; k++) gb += (gram(i, k) + (i === k ? lambda : 0)) * (b[k * 5 + j] as number);
        expect(gb - gram(i, j), `(${i}, ${j})`).toBeCloseTo(0, 12);
      }
    }
  });

  it('scores a user by the sum of B over their movies and predicts the shrunk movie mean', () => {
    const model = easeModel(tinyData, { lambdas: [2.5] });
    expect(model.lambda).toBe(2.5);
    expect(model.note).toBe('ease: λ = 2.5 (given).');
    const ref = referenceWeights(2.5);
    const out = new Float32Array(5);
    USER_MOVIES.forEach((movies, u) => {
      model.scoreAll(u, out);
      for (let j = 0; j < 5; j++) {
        expect(out[j], `user ${u} movie ${j}`).toBeCloseTo(
          movies.reduce((s, i) => s + ref[i]![j]!, 0),
          6,
        );
      }
    });
    const users = Int32Array.from([0, 3, 5]);
    const movies = Int32Array.from([4, 0, 2]);
    expect(model.predict(users, movies)).toEqual(popularityModel(tinyData).predict(users, movies));
  });

  it('ranks the missing movie of a co-rated trilogy first', () => {
    const data = trilogyData(1);
    const model = easeModel(data, { lambdas: [5] });
    const out = new Float32Array(data.numMovies);
    const probe = data.numUsers - 1; // rated movies 0 and 1 of the trilogy 0–2, and 5, 8, 11
    model.scoreAll(probe, out);
    expect(Array.from(topK(out, 1, { sorted: Int32Array.from([0, 1, 5, 8, 11]) }).indices)).toEqual([2]);
  });

  it('chooses λ from the grid by validation NDCG, the same λ for the same seed', () => {
    const data = trilogyData(2);
    const grid = [0.5, 5, 50, 5000];
    const a = easeModel(data, { lambdas: grid, seed: 7 });
    const b = easeModel(data, { lambdas: grid, seed: 7 });
    expect(grid).toContain(a.lambda);
    expect(b.lambda).toBe(a.lambda);
    expect(b.note).toBe(a.note);
    // The note lists every λ with its NDCG; the chosen one has the highest.
    const tried = [...a.note.matchAll(/([\d.]+): ([\d.]+)/g)].map(
      (m) => [Number(m[1]), Number(m[2])] as const,
    );
    expect(tried.map(([l]) => l)).toEqual(grid);
    const best = Math.max(...tried.map(([, ndcg]) => ndcg));
    expect(tried.find(([, ndcg]) => ndcg === best)?.[0]).toBe(a.lambda);
    expect(a.note).toMatch(
      /^ease: λ = [\d.]+.* the best NDCG@10 on a 10% hold-out of the training movies \(\d+ users;/,
    );
    // The default grid is scaled to the data: four values, and the chosen one is among them.
    const scaled = easeModel(data);
    const defaults = [...scaled.note.matchAll(/([\d.]+): [\d.]+/g)].map((m) => Number(m[1]));
    expect(defaults).toHaveLength(4);
    expect(defaults).toContain(scaled.lambda);
  });

  it('is skipped with a note above the movie limit, and refuses to fit there', () => {
    expect(easeSkipReason(20_000)).toBeUndefined();
    expect(easeSkipReason(30_000)).toBe(
      'ease: skipped, 30000 movies need a 30000² × 8-byte matrix (7.2 GB); the limit is 20000 movies ' +
        '(ease.maxMovies).',
    );
    const trained = trainBaselines(tiny, splitOf([0, 1, 2, 4, 5, 6], [3]), {
      names: ['ease', 'popularity'],
      ease: { maxMovies: 4 },
    });
    expect(trained.models.map((m) => m.name)).toEqual(['popularity']);
    expect(trained.notes).toEqual([easeSkipReason(5, 4)]);
    expect(() => easeModel(tinyData, { maxMovies: 4 })).toThrow(/ease: skipped, 5 movies/);
  });

  it('notes the λ it chose when trained as a baseline', () => {
    const trained = trainBaselines(tiny, splitOf([0, 1, 2, 4, 5, 6], [3]), {
      names: ['ease'],
      ease: { lambdas: [3] },
    });
    expect(trained.models.map((m) => m.name)).toEqual(['ease']);
    expect(trained.notes).toEqual(['ease: λ = 3 (given).']);
  });

  it('refuses a λ grid it cannot use', () => {
    expect(() => easeModel(tinyData, { lambdas: [] })).toThrow(/ease.lambdas: expected one or more/);
    expect(() => easeModel(tinyData, { lambdas: [10, 0] })).toThrow(/got \[10, 0\]/);
  });
});

/**
 * Movies 0–2 form a trilogy rated together by the first 30 users; everyone also rates random movies 3–11,
 * rated 5 for the trilogy and its fans' picks so the hold-out has relevant movies. The last user rated 0, 1,
 * 5, 8, 11.
 */
function trilogyData(seed: number): ReturnType<typeof trainData> {
  const rng = createRng(seed, 9);
  const triples: [number, number, number][] = [];
  const numUsers = 61;
  for (let u = 0; u < numUsers - 1; u++) {
    if (u < 30) for (const m of [0, 1, 2]) triples.push([u, m, 5]);
    for (let m = 3; m < 12; m++) if (rng.nextFloat() < 0.4) triples.push([u, m, 1 + rng.below(5)]);
  }
  for (const m of [0, 1, 5, 8, 11]) triples.push([numUsers - 1, m, 4]);
  const table = tinyTable(triples, numUsers, 12);
  return trainData(
    table,
    splitOf(
      triples.map((_, i) => i),
      [],
    ),
  );
}
