/**
 * `evaluateModel`: the one evaluation every model goes through (the deep model and each baseline), so their
 * numbers are comparable: same split, same clipping, same candidate sets, same user sample.
 */
import { UsageError } from '../../../shared/src/errors.ts';
import { topK } from '../../../shared/src/kernels/top-k.ts';
import { groupRowsByUser } from '../data/split/group.ts';
import type { RatingsTable, Split } from '../data/types.ts';
import { accuracy, clipToScale } from './accuracy.ts';
import { popularityPercentiles, PopularityTally } from './popularity-bias.ts';
import { evaluateRanking } from './ranking.ts';
import { DEFAULT_BUCKET_EDGES, residualTables } from './residuals.ts';
import type { EvaluationOptions, EvaluationResult, RatingModel } from './types.ts';
import { countRows } from './user-items.ts';

/** Defaults of EvaluationOptions. */
export const EVALUATION_DEFAULTS = { k: 10, maxUsers: 1000, seed: 42, relevantThreshold: 4 } as const;

/**
 * Evaluates a model on the test rows of a split: RMSE/MAE over every test rating, top-k ranking metrics over
 * (a seeded sample of) the test users with the popularity of what they are recommended, and residual tables.
 * @throws UsageError when the split has no test ratings or an option is out of range
 */
export function evaluateModel(
  model: RatingModel,
  table: RatingsTable,
  split: Split,
  options: EvaluationOptions = {},
): EvaluationResult {
  const k = options.k ?? EVALUATION_DEFAULTS.k;
  const maxUsers = options.maxUsers ?? EVALUATION_DEFAULTS.maxUsers;
  const seed = options.seed ?? EVALUATION_DEFAULTS.seed;
  const relevantThreshold = options.relevantThreshold ?? EVALUATION_DEFAULTS.relevantThreshold;
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`k: expected a whole number >= 1 (got ${k}).`);
  if (!(maxUsers >= 1)) throw new UsageError(`max users: expected a number >= 1 (got ${maxUsers}).`);
  if (split.test.length === 0) {
    throw new UsageError(`the split "${split.description}" has no test ratings to evaluate.`);
  }
  const numUsers = table.userIds.length;
  const numMovies = table.movieIds.length;
  // Test rows grouped by user: models that reuse per-user work (the deep scorer) run faster this way.
  const rows = groupRowsByUser(table.users, numUsers, split.test).rows;
  const users = new Int32Array(rows.length);
  const movies = new Int32Array(rows.length);
  const truth = new Float32Array(rows.length);
  rows.forEach((row, i) => {
    users[i] = table.users[row] as number;
    movies[i] = table.movies[row] as number;
    truth[i] = table.ratings[row] as number;
  });
  const raw = model.predict(users, movies);
  if (raw.length !== rows.length) {
    throw new RangeError(`${model.name}.predict returned ${raw.length} predictions for ${rows.length} pairs`);
  }
  const predictions = clipToScale(raw, table.scale);

  const userCounts = countRows(table.users, numUsers, split.train);
  const movieCounts = countRows(table.movies, numMovies, split.train);
  const residuals = residualTables(
    {
      predictions,
      truth,
      userActivity: users.map((u) => userCounts[u] as number),
      moviePopularity: movies.map((m) => movieCounts[m] as number),
    },
    options.bucketEdges ?? DEFAULT_BUCKET_EDGES,
  );
  const popularity = new PopularityTally(popularityPercentiles(movieCounts));
  const ranking = evaluateRanking(tallied(model, numMovies, popularity), table, split, {
    k,
    maxUsers,
    seed,
    relevantThreshold,
  });
  return {
    model: model.name,
    accuracy: accuracy(predictions, truth),
    ranking: { ...ranking, popularityPct: popularity.mean() },
    residuals,
  };
}

/**
 * The model with every ranked list also added to `tally`: it ranks through `rank`, which is the model's own or,
 * for models that rank by `scoreAll`, the top k of those scores as evaluateRanking takes them.
 */
function tallied(model: RatingModel, numMovies: number, tally: PopularityTally): RatingModel {
  const scores = new Float32Array(numMovies);
  return {
    name: model.name,
    predict: (users, movies) => model.predict(users, movies),
    scoreAll: (user, out) => model.scoreAll(user, out),
    rank: (user, k, exclude) => {
      let top: Int32Array;
      if (model.rank) {
        top = model.rank(user, k, exclude);
      } else {
        model.scoreAll(user, scores);
        top = topK(scores, k, { sorted: exclude }).indices;
      }
      tally.add(top);
      return top;
    },
  };
}

/**
 * The headline numbers of a result as flat metric keys, e.g. `test.rmse`, `test.ndcg@10`, `test.coverage@10`,
 * `test.popularity_pct@10` (mean popularity percentile of the recommended movies, 0–100).
 * Non-finite values (no relevant test ratings) are left out rather than written as null.
 * @param prefix key prefix, e.g. "test" or "baselines.mf"
 */
export function flattenMetrics(result: EvaluationResult, prefix = 'test'): Record<string, number> {
  const { accuracy: a, ranking: r } = result;
  const k = r.k;
  const entries: [string, number][] = [
    ['rmse', a.rmse],
    ['mae', a.mae],
    [`ndcg@${k}`, r.ndcg],
    [`precision@${k}`, r.precision],
    [`recall@${k}`, r.recall],
    [`map@${k}`, r.map],
    [`hit@${k}`, r.hit],
    [`coverage@${k}`, r.coverage],
    [`popularity_pct@${k}`, r.popularityPct ?? NaN],
    ['ratings', a.count],
    ['ranked_users', r.users],
  ];
  const out: Record<string, number> = {};
  for (const [key, value] of entries) if (Number.isFinite(value)) out[`${prefix}.${key}`] = value;
  return out;
}
