/**
 * `npx tsx trainer/bench/ranking-ceiling.ts [--preset standard|ml100k|small]`
 *
 * The ceiling of top-N on a synthetic data set: an oracle that knows the generator's latent state ranks each
 * user's unrated movies by P(the user rates it) × P(the rating is ≥ 4), the very events NDCG@10 counts. It is
 * scored with the same protocol as `marquee evaluate` (split, sampled users, relevance ≥ 4) beside popularity,
 * so "model NDCG / popularity NDCG" targets can be read against what any model could reach on this data.
 * `oracle-choice` ranks by P(rates it) alone. The data are generated in a temporary folder and deleted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset, type GenerateOptions } from '../src/data/generate/index.ts';
import { genreAffinity } from '../src/data/generate/interactions.ts';
import { latentScore, NOISE_SD } from '../src/data/generate/latent.ts';
import { makeMovies } from '../src/data/generate/movies.ts';
import { expectedRoundedRating, normalCdf } from '../src/data/generate/normal.ts';
import { resolveOptions } from '../src/data/generate/presets.ts';
import { makeUsers } from '../src/data/generate/users.ts';
import { loadRatings } from '../src/data/load/index.ts';
import { DEFAULT_SPLIT_SPEC, applySplit, parseSplitSpec } from '../src/data/split/index.ts';
import { trainBaselines } from '../src/evaluate/baselines/index.ts';
import { evaluateModel } from '../src/evaluate/evaluate.ts';
import type { RatingModel } from '../src/evaluate/types.ts';

const SHAPES: Record<string, { generate: GenerateOptions; split: string }> = {
  ml100k: { generate: { users: 943, movies: 1682, density: 0.0631 }, split: 'random:0.2' },
};

async function main(): Promise<void> {
  const i = process.argv.indexOf('--preset');
  const preset = i >= 0 ? process.argv[i + 1]! : 'standard';
  const shape = SHAPES[preset];
  const generate: GenerateOptions = shape?.generate ?? { preset: preset as GenerateOptions['preset'] };
  const work = await mkdtemp(join(tmpdir(), 'marquee-ceiling-'));
  try {
    await generateDataset(generate, join(work, 'data'));
    const o = resolveOptions(generate);
    const movies = makeMovies(o.seed, o.movies);
    const users = makeUsers(o.seed, o.users, movies, o.ratings);
    const { table } = await loadRatings(join(work, 'data'));
    const split = applySplit(table, parseSplitSpec(shape?.split ?? DEFAULT_SPLIT_SPEC), 42);
    // Dense index → generator index (external ids are index + 1).
    const genUser = Int32Array.from(table.userIds, (id) => id - 1);
    const genMovie = Int32Array.from(table.movieIds, (id) => id - 1);
    let total = 0;
    for (let m = 0; m < movies.count; m++) total += movies.popularity[m]!;
    const oracle = (name: string, liking: boolean): RatingModel => ({
      name,
      // E[rating] under the generator: the oracle's RMSE is the noise floor.
      predict: (u, m) =>
        Float32Array.from(u, (user, i) =>
          expectedRoundedRating(latentScore(users, genUser[user]!, movies, genMovie[m[i]!]!), NOISE_SD),
        ),
      scoreAll(user, out) {
        const u = genUser[user]!;
        for (let j = 0; j < out.length; j++) {
          const m = genMovie[j]!;
          if (movies.releases[m]! >= users.activeTo[u]!) {
            out[j] = -Infinity;
            continue;
          }
          const choose =
            (movies.popularity[m]! / total) *
            genreAffinity(users.favorites[u]!, users.disliked[u]!, movies.genres[m]!);
          const like = liking ? normalCdf((latentScore(users, u, movies, m) - 3.5) / NOISE_SD) : 1;
          out[j] = choose * like;
        }
      },
    });
    const { models } = trainBaselines(table, split, { names: ['popularity', 'ease'] });
    const rows: [string, number, number][] = [];
    for (const model of [oracle('oracle', true), oracle('oracle-choice', false), ...models]) {
      const result = evaluateModel(model, table, split);
      rows.push([model.name, result.ranking.ndcg, result.accuracy.rmse]);
    }
    const pop = rows.find(([n]) => n === 'popularity')![1];
    console.log(`ranking ceiling — ${preset}: ${table.count} ratings, split ${split.description}`);
    for (const [name, ndcg, rmse] of rows) {
      const ratio = (ndcg / pop).toFixed(3);
      console.log(
        `${name.padEnd(14)} NDCG@10 ${ndcg.toFixed(4)} (${ratio} × popularity)  RMSE ${rmse.toFixed(4)}`,
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
