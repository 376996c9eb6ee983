/** Biased baseline: r = mu + b_u + b_i (see biases.ts). It ranks every user's candidates by b_i. */
import type { RatingModel } from '../types.ts';
import { fitBiases, type BiasOptions } from './biases.ts';
import type { TrainData } from './train-data.ts';

export function biasedBaselineModel(data: TrainData, options: BiasOptions = {}): RatingModel {
  const { mu, userBias, movieBias } = fitBiases(data, options);
  return {
    name: 'biased',
    predict: (users, movies) => {
      const out = new Float32Array(users.length);
      for (let i = 0; i < users.length; i++) {
        out[i] = mu + (userBias[users[i] as number] as number) + (movieBias[movies[i] as number] as number);
      }
      return out;
    },
    scoreAll: (user, out) => {
      const base = mu + (userBias[user] as number);
      for (let m = 0; m < out.length; m++) out[m] = base + (movieBias[m] as number);
    },
  };
}
