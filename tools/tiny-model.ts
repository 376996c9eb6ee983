/** Small models and rating columns for tests of the model and the training step. */
import { resolveModelConfig, type ModelConfig } from '../trainer/src/model/config.ts';
import { initWeights } from '../trainer/src/model/init.ts';
import { fillNormal, modelRng } from '../trainer/src/model/random.ts';
import type { ModelWeights } from '../trainer/src/model/weights.ts';

/** A small random model whose batch-norm parameters and moving statistics are not neutral. */
export function tinyModel(
  partial: Partial<ModelConfig>,
  numUsers = 5,
  numMovies = 4,
  seed = 7,
): ModelWeights {
  const config = resolveModelConfig({ dim: 3, hidden: [4, 3], dropout: 0, ...partial });
  const w = initWeights(config, numUsers, numMovies, 3.2, seed);
  const rng = modelRng(seed + 1, 'init');
  // Larger embeddings than the default init so every term of the prediction matters.
  fillNormal(w.userEmb, 0.7, rng);
  fillNormal(w.movieEmb, 0.7, rng);
  fillNormal(w.userBias, 0.3, rng);
  fillNormal(w.movieBias, 0.3, rng);
  for (const l of [...w.hidden, w.out]) {
    fillNormal(l.b, 0.2, rng);
    if (l.bn) {
      fillNormal(l.bn.beta, 0.2, rng);
      fillNormal(l.bn.movingMean, 0.3, rng);
      for (let j = 0; j < l.outSize; j++) {
        l.bn.gamma[j] = 1 + 0.3 * Math.sin(j + 1);
        l.bn.movingVariance[j] = 0.5 + 0.1 * j;
      }
    }
  }
  return w;
}

/** Ratings for every (user, movie) pair listed, with a repeated user and movie so row gradients accumulate. */
export function tinyColumns(numUsers = 5, numMovies = 4) {
  const users: number[] = [];
  const movies: number[] = [];
  const ratings: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    for (let m = 0; m < numMovies; m++) {
      if ((u + 2 * m) % 3 === 0) continue;
      users.push(u);
      movies.push(m);
      ratings.push(1 + ((u * 7 + m * 3) % 5));
    }
  }
  return {
    users: Int32Array.from(users),
    movies: Int32Array.from(movies),
    ratings: Float32Array.from(ratings),
  };
}
