// rankMovies in Node with a stand-in graph (rating = bias + e_u · emb[m]): which movies each strategy asks the graph
// to rate (two-stage: judged by the shared preference scores with the user's history), and the answers. The
// workerd tests (test/edge-api.test.ts) check the same paths against the trainer's offline ranking.
import { describe, expect, it } from 'vitest';
import { mulberry32, randomFloats } from '../../../shared/src/kernels/prng.ts';
import { topK } from '../../../shared/src/kernels/top-k.ts';
import { preferenceScores } from '../../../shared/src/kernels/two-stage.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { rankMovies, type RankingContext } from './ranking.ts';
import type { ScoreRequest, ServingModel } from './serving-model.ts';

const M = 300;
const DIM = 8;
const rand = mulberry32(7);
const emb = randomFloats(rand, M * DIM);
const prefEmb = randomFloats(rand, M * DIM);
const prefBias = randomFloats(rand, M);
const genres = Uint32Array.from({ length: M }, (_, m) => 1 << (m % 5));
const catalog = {
  numMovies: M,
  dim: DIM,
  genres,
  tables: { numMovies: M, dim: DIM, norm: emb, emb, bias: new Float32Array(M), prefEmb, prefBias },
} as unknown as MovieCatalog;

const dot = (a: Float32Array, b: Float32Array, m: number): number => {
  let s = 0;
  for (let k = 0; k < DIM; k++) s += (a[k] as number) * (b[m * DIM + k] as number);
  return s;
};

/** The stand-in graph, recording the movies of every call. */
function standIn(): { model: ServingModel; calls: number[][] } {
  const calls: number[][] = [];
  const model: ServingModel = {
    dim: DIM,
    score: (r: ScoreRequest) => {
      const movies = Array.from(r.pairMovie, Number);
      calls.push(movies);
      return Promise.resolve(
        Float32Array.from(movies, (m) => (r.userBias[0] as number) + dot(r.userVec, emb, m)),
      );
    },
    release: () => Promise.resolve(),
  };
  return { model, calls };
}

const user = { vec: randomFloats(rand, DIM), bias: 0.25 };
const exclude = Int32Array.of(3, 40, 41, 299);

describe('rankMovies', () => {
  it('exhaustive: rates every eligible movie (the whole catalogue when few are excluded)', async () => {
    const { model, calls } = standIn();
    const ctx: RankingContext = { catalog, model };
    const brute = (mask: number) => {
      const s = Float32Array.from({ length: M }, (_, m) =>
        mask !== 0 && ((genres[m] as number) & mask) === 0 ? NaN : user.bias + dot(user.vec, emb, m),
      );
      return topK(s, 12, { sorted: exclude });
    };
    const all = await rankMovies(ctx, user, { limit: 12, exclude });
    expect(calls.at(-1)).toHaveLength(M); // 4 of 300 excluded: within the 2% rated along
    expect(all).toMatchObject({ strategy: 'exhaustive', scored: M - exclude.length });
    expect(Array.from(all.indices)).toEqual(Array.from(brute(0).indices));
    const some = await rankMovies(ctx, user, { limit: 12, exclude, genreMask: 0b101 });
    const eligible = genres.filter((g, m) => (g & 0b101) !== 0 && !exclude.includes(m)).length;
    expect(calls.at(-1)).toHaveLength(eligible);
    expect(some.scored).toBe(eligible);
    expect(Array.from(some.indices)).toEqual(Array.from(brute(0b101).indices));
    expect(Array.from(some.ratings)).toEqual(Array.from(brute(0b101).scores));
  });

  it('two-stage: rates only the C (or `limit`) movies of highest preference, eligible ones only', async () => {
    const plan = { candidates: 30, ratingWeight: 0.5, historyWeight: 4 };
    for (const [limit, genreMask, history] of [
      [10, 0, undefined],
      [50, 0, undefined],
      [10, 0b10, undefined],
      [10, 0, Int32Array.of(5, 6, 7)],
    ] as const) {
      const { model, calls } = standIn();
      const ctx: RankingContext = { catalog, model, plan };
      const ranked = await rankMovies(ctx, user, { limit, exclude, genreMask, ...(history && { history }) });
      const rated = calls.at(-1) as number[];
      expect(calls).toHaveLength(1);
      expect(ranked).toMatchObject({ strategy: 'two-stage', scored: Math.max(30, limit) });
      expect(rated).toHaveLength(Math.max(30, limit));
      // The shared preference scores with the history the edge must pass (the excluded movies by default).
      const tables = {
        prefEmb,
        numMovies: M,
        dim: DIM,
        movieBias: prefBias,
        historyWeight: plan.historyWeight,
      };
      const scores = preferenceScores(tables, user.vec, history ?? exclude);
      const pref = (m: number) => scores[m] as number;
      const ok = (m: number) =>
        !exclude.includes(m) && (genreMask === 0 || ((genres[m] as number) & genreMask) !== 0);
      const lowest = Math.min(...rated.map(pref));
      for (let m = 0; m < M; m++)
        if (ok(m) && !rated.includes(m)) expect(pref(m)).toBeLessThanOrEqual(lowest + 1e-5);
      expect(rated.every(ok)).toBe(true);
      // Ordered by preference + 0.5 × rating, the ratings the graph gave.
      const blend = Array.from(ranked.indices, (m, i) => pref(m) + 0.5 * (ranked.ratings[i] as number));
      blend.slice(1).forEach((b, i) => expect(b).toBeLessThanOrEqual((blend[i] as number) + 1e-5));
      expect(ranked.indices).toHaveLength(limit);
    }
  });

  it('refuses a user vector of the wrong size', async () => {
    const ctx: RankingContext = { catalog, model: standIn().model };
    await expect(rankMovies(ctx, { vec: new Float32Array(DIM + 1), bias: 0 }, { limit: 5 })).rejects.toThrow(
      /user vector must have 8 values \(got 9\)/,
    );
  });
});
