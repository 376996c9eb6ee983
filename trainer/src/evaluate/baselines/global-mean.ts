/** Global mean: predicts the mean training rating for everything. Its ranking is all ties (lowest index first). */
import type { RatingModel } from '../types.ts';
import type { TrainData } from './train-data.ts';

export function globalMeanModel(data: TrainData): RatingModel {
  const mu = data.mean;
  return {
    name: 'global-mean',
    predict: (users) => new Float32Array(users.length).fill(mu),
    scoreAll: (_user, out) => {
      out.fill(mu);
    },
  };
}
