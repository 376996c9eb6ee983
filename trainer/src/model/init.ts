/**
 * Seeded initial weights of the deep CF model.
 */
import type { DenseWeights, ModelWeights, PreferenceWeights } from './weights.ts';
import type { ModelConfig } from './config.ts';
import { fillNormal, modelRng, type Rng } from './random.ts';

/**
 * Standard deviation of the initial embeddings. Small enough that the hybrid dot product starts near zero, large
 * enough that the first layer's batch norm sees distinct rows.
 */
export const EMBEDDING_INIT_STD = 0.05;

function denseLayer(inSize: number, outSize: number, std: number, batchNorm: boolean, eps: number, rng: Rng) {
  const layer: DenseWeights = {
    inSize,
    outSize,
    W: new Float32Array(inSize * outSize),
    b: new Float32Array(outSize),
  };
  fillNormal(layer.W, std, rng);
  if (batchNorm) {
    layer.bn = {
      gamma: new Float32Array(outSize).fill(1),
      beta: new Float32Array(outSize),
      movingMean: new Float32Array(outSize),
      movingVariance: new Float32Array(outSize).fill(1),
      epsilon: eps,
    };
  }
  return layer;
}

/**
 * Initial weights: embeddings N(0, 0.05²), hidden kernels He-normal (std √(2/fanIn), suited to ReLU), the output
 * kernel small (std 0.1·√(1/fanIn)) so the first predictions are close to `mu`, every bias 0, batch norm neutral.
 * @param mu the global bias, normally the mean training rating.
 * @param seed whole number in [0, 2^32); same arguments → identical weights.
 */
export function initWeights(
  config: ModelConfig,
  numUsers: number,
  numMovies: number,
  mu: number,
  seed: number,
): ModelWeights {
  const rng = modelRng(seed, 'init');
  const { dim } = config;
  const userEmb = new Float32Array(numUsers * dim);
  const movieEmb = new Float32Array(numMovies * dim);
  fillNormal(userEmb, EMBEDDING_INIT_STD, rng);
  fillNormal(movieEmb, EMBEDDING_INIT_STD, rng);
  const hidden: DenseWeights[] = [];
  let inSize = 2 * dim;
  for (const width of config.hidden) {
    hidden.push(denseLayer(inSize, width, Math.sqrt(2 / inSize), config.batchNorm, config.bnEpsilon, rng));
    inSize = width;
  }
  const out = denseLayer(inSize, 1, 0.1 * Math.sqrt(1 / inSize), false, 0, rng);
  return {
    arch: config.arch,
    dim,
    numUsers,
    numMovies,
    mu,
    userEmb,
    movieEmb,
    userBias: new Float32Array(numUsers),
    movieBias: new Float32Array(numMovies),
    hidden,
    out,
  };
}

/** A deep copy (every array copied), e.g. to keep the best weights while training continues. */
export function cloneWeights(w: ModelWeights): ModelWeights {
  const dense = (l: DenseWeights): DenseWeights => ({
    inSize: l.inSize,
    outSize: l.outSize,
    W: l.W.slice(),
    b: l.b.slice(),
    ...(l.bn
      ? {
          bn: {
            gamma: l.bn.gamma.slice(),
            beta: l.bn.beta.slice(),
            movingMean: l.bn.movingMean.slice(),
            movingVariance: l.bn.movingVariance.slice(),
            epsilon: l.bn.epsilon,
          },
        }
      : {}),
  });
  return {
    ...w,
    userEmb: w.userEmb.slice(),
    movieEmb: w.movieEmb.slice(),
    userBias: w.userBias.slice(),
    movieBias: w.movieBias.slice(),
    hidden: w.hidden.map(dense),
    out: dense(w.out),
    ...(w.pref
      ? {
          pref: {
            gate: w.pref.gate.slice(),
            movieEmb: w.pref.movieEmb.slice(),
            movieBias: w.pref.movieBias.slice(),
            history: w.pref.history.slice(),
          },
        }
      : {}),
  };
}

/**
 * A fresh preference head: every coordinate of the rating's movie embedding weighted 1, no preference-only part,
 * and each movie's preference bias at log(1 + its training ratings) — the popularity a choice model learns first, which the optimiser would otherwise need hundreds of
 * steps at the embedding learning rate to reach (see PreferenceWeights).
 * @param movieCounts [numMovies] training ratings per movie
 */
export function initPreference(dim: number, movieCounts: Int32Array): PreferenceWeights {
  return {
    gate: new Float32Array(dim).fill(1),
    movieEmb: new Float32Array(movieCounts.length * dim),
    movieBias: Float32Array.from(movieCounts, (n) => Math.log1p(n)),
    history: Float32Array.of(1),
  };
}
