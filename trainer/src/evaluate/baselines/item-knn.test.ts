import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../shared/src/kernels/prng.ts';
import { topK } from '../../../../shared/src/kernels/top-k.ts';
import { splitOf, tinyTable } from '../../../../tools/evaluation-data.ts';
import { userMovieSets } from './ease.ts';
import { trainBaselines } from './index.ts';
import { cosineNeighbors, itemKnnModel } from './item-knn.ts';
import { popularityModel } from './popularity.ts';
import { trainData, type TrainData } from './train-data.ts';

/** Every row of the table as training data. */
function allRows(triples: [number, number, number][], numUsers: number, numMovies: number): TrainData {
  return trainData(
    tinyTable(triples, numUsers, numMovies),
    splitOf(
      triples.map((_, i) => i),
      [],
    ),
  );
}

/** Brute-force cosine of two movies' user sets: a double loop over the users. */
function naiveCosine(data: TrainData, i: number, j: number): number {
  let both = 0;
  let onlyI = 0;
  let onlyJ = 0;
  for (let u = 0; u < data.numUsers; u++) {
    const rated = (m: number): boolean => data.users.some((x, r) => x === u && data.movies[r] === m);
    const a = rated(i);
    const b = rated(j);
    if (a && b) both++;
    if (a) onlyI++;
    if (b) onlyJ++;
  }
  return both === 0 ? 0 : both / Math.sqrt(onlyI * onlyJ);
}

// 7 users × 6 movies (movie 5 unrated); user 0 rated movie 1 twice, which must count once.
const TRIPLES: [number, number, number][] = [
  [0, 0, 5],
  [0, 1, 3],
  [0, 1, 4],
  [0, 2, 4],
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
  [6, 0, 3],
  [6, 2, 3],
];
const data = allRows(TRIPLES, 7, 6);
const userMovies = (u: number): number[] => [...new Set(TRIPLES.filter(([x]) => x === u).map(([, m]) => m))];

describe('item-kNN', () => {
  it('keeping every neighbour, scores a movie by the summed cosine to the user’s movies', () => {
    const model = itemKnnModel(data, { neighbors: 10 });
    const out = new Float32Array(6);
    for (let u = 0; u < 7; u++) {
      model.scoreAll(u, out);
      for (let i = 0; i < 6; i++) {
        const expected = userMovies(u)
          .filter((j) => j !== i)
          .reduce((s, j) => s + naiveCosine(data, j, i), 0);
        expect(out[i], `user ${u} movie ${i}`).toBeCloseTo(expected, 6);
      }
    }
  });

  it('keeps each movie’s k most similar movies, ties to the lower index', () => {
    const sets = userMovieSets(data);
    const neighbors = cosineNeighbors(sets.offsets, sets.movies, 6, 2);
    for (let i = 0; i < 6; i++) {
      const expected = [0, 1, 2, 3, 4, 5]
        .filter((j) => j !== i && naiveCosine(data, i, j) > 0)
        .sort((a, b) => naiveCosine(data, i, b) - naiveCosine(data, i, a) || a - b)
        .slice(0, 2);
      const from = neighbors.offsets[i] as number;
      const to = neighbors.offsets[i + 1] as number;
      expect(Array.from(neighbors.movies.subarray(from, to)), `movie ${i}`).toEqual(expected);
      expected.forEach((j, t) =>
        expect(neighbors.similarities[from + t]).toBeCloseTo(naiveCosine(data, i, j), 6),
      );
    }
    // Movie 5 has no ratings, so it neither has nor is a neighbour.
    expect(neighbors.offsets[6]! - neighbors.offsets[5]!).toBe(0);
    expect(Array.from(neighbors.movies)).not.toContain(5);
  });

  it('scores only through the kept neighbours', () => {
    const model = itemKnnModel(data, { neighbors: 1 });
    const out = new Float32Array(6);
    model.scoreAll(6, out); // user 6 rated movies 0 and 2
    // Movie 0's nearest is 1 (cosine 2/√12, above 2/4 for movie 2); movie 2's nearest are 1 and 3, tied at
    // 2/√12, and the lower index wins. So only movie 1 scores, twice; movies 3 and 4 would score with more
    // neighbours.
    expect(naiveCosine(data, 2, 1)).toBe(naiveCosine(data, 2, 3));
    const expected = [0, 4 / Math.sqrt(12), 0, 0, 0, 0];
    out.forEach((v, i) => expect(v, `movie ${i}`).toBeCloseTo(expected[i]!, 6));
  });

  it('ranks the missing movie of a co-rated trilogy first, and predicts the shrunk movie mean', () => {
    const rng = createRng(1, 9);
    const triples: [number, number, number][] = [];
    for (let u = 0; u < 60; u++) {
      if (u < 30) for (const m of [0, 1, 2]) triples.push([u, m, 5]);
      for (let m = 3; m < 12; m++) if (rng.nextFloat() < 0.4) triples.push([u, m, 1 + rng.below(5)]);
    }
    for (const m of [0, 1, 5, 8, 11]) triples.push([60, m, 4]);
    const trilogy = allRows(triples, 61, 12);
    const model = itemKnnModel(trilogy, { neighbors: 3 });
    const out = new Float32Array(12);
    model.scoreAll(60, out);
    expect(Array.from(topK(out, 1, { sorted: Int32Array.from([0, 1, 5, 8, 11]) }).indices)).toEqual([2]);
    const users = Int32Array.from([0, 60]);
    const movies = Int32Array.from([2, 7]);
    expect(model.predict(users, movies)).toEqual(popularityModel(trilogy).predict(users, movies));
  });

  it('is trained by trainBaselines with its options, and refuses a neighbour count below 1', () => {
    const trained = trainBaselines(tinyTable(TRIPLES, 7, 6), splitOf([0, 1, 2, 3, 4], [5]), {
      names: ['item-knn'],
      itemKnn: { neighbors: 2 },
    });
    expect(trained.models.map((m) => m.name)).toEqual(['item-knn']);
    expect(() => itemKnnModel(data, { neighbors: 0 })).toThrow(
      'item-knn neighbors: expected a whole number >= 1 (got 0)',
    );
  });
});
