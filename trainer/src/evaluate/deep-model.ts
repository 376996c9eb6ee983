/** The trained deep model as a RatingModel, scored with the fast pure-TS scorer (model/scoring.ts). */
import type { TwoStagePlan } from '../../../shared/src/kernels/two-stage.ts';
import { Ranker, type RankBy } from '../model/ranker.ts';
import { predictPairs, prepareScorer, scoreAllMovies } from '../model/scoring.ts';
import type { ModelWeights } from '../model/weights.ts';
import { planFromMetrics } from '../train/metrics.ts';
import type { RatingModel } from './types.ts';

/** How the deep model ranks: the two-stage plan of its run and which score orders the list. */
export interface DeepRankingOptions {
  /** Default: `blend` when the model has a preference head and a plan, else `rating`. */
  rankBy?: RankBy;
  plan?: TwoStagePlan;
}

/** The ranking a model serves: blend with a preference head and a plan, else by predicted rating. */
export function defaultRankBy(weights: ModelWeights, plan: TwoStagePlan | undefined): RankBy {
  return weights.pref !== undefined && plan !== undefined ? 'blend' : 'rating';
}

/**
 * The ranker a run serves with: two-stage with the plan in its metrics.json when the model has a preference head,
 * else by predicted rating.
 * @throws RangeError when metrics.json holds an invalid plan
 */
export function servingRanker(weights: ModelWeights, metrics: Record<string, unknown>): Ranker {
  const plan = planFromMetrics(metrics);
  return new Ranker(prepareScorer(weights), defaultRankBy(weights, plan), plan);
}

/**
 * Wraps model weights for evaluation. Precomputes the movie half of the first layer once (see prepareScorer).
 * @throws RangeError when the weights are inconsistent with their declared shapes, or `rankBy` needs a
 *   preference head or plan the model does not have
 */
export function deepRatingModel(
  weights: ModelWeights,
  name = 'model',
  ranking: DeepRankingOptions = {},
): RatingModel {
  const scorer = prepareScorer(weights);
  const rankBy = ranking.rankBy ?? defaultRankBy(weights, ranking.plan);
  const ranker = new Ranker(scorer, rankBy, ranking.plan);
  return {
    name,
    predict: (users, movies) => predictPairs(scorer, users, movies),
    scoreAll: (user, out) => {
      if (rankBy === 'rating') scoreAllMovies(scorer, user, out);
      // Without the user's rated movies at hand, the preference has no history part here; ranking goes
      // through rank(), which has them.
      else out.set(ranker.preference(user, new Int32Array(0)));
    },
    rank: (user, k, exclude) => ranker.rank(user, k, exclude).movies,
  };
}
