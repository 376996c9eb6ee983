/** The trained deep model as a RatingModel, scored with the fast pure-TS scorer (model/scoring.ts). */
import { predictPairs, prepareScorer, scoreAllMovies } from '../model/scoring.ts';
import type { ModelWeights } from '../model/weights.ts';
import type { RatingModel } from './types.ts';

/**
 * Wraps model weights for evaluation. Precomputes the movie half of the first layer once (see prepareScorer).
 * @throws RangeError when the weights are inconsistent with their declared shapes
 */
export function deepRatingModel(weights: ModelWeights, name = 'model'): RatingModel {
  const scorer = prepareScorer(weights);
  return {
    name,
    predict: (users, movies) => predictPairs(scorer, users, movies),
    scoreAll: (user, out) => {
      scoreAllMovies(scorer, user, out);
    },
  };
}
