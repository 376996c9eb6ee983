/**
 * The classical baselines, trained on the same split and evaluated by the same code as the deep model: global
 * mean, popularity, EASE and item-kNN (implicit: which movies a user rated), biased baseline, biased matrix
 * factorization and a genre-profile content model.
 */
import type { RatingsTable, Split } from '../../data/types.ts';
import type { RatingModel } from '../types.ts';
import { biasedBaselineModel } from './biased-baseline.ts';
import type { BiasOptions } from './biases.ts';
import { contentModel, type ContentOptions } from './content.ts';
import { easeModel, easeSkipReason, type EaseOptions } from './ease.ts';
import { globalMeanModel } from './global-mean.ts';
import { itemKnnModel, type ItemKnnOptions } from './item-knn.ts';
import { matrixFactorizationModel, type MatrixFactorizationOptions } from './matrix-factorization.ts';
import { popularityModel, type PopularityOptions } from './popularity.ts';
import { trainData } from './train-data.ts';

export const BASELINE_NAMES = [
  'global-mean',
  'popularity',
  'ease',
  'item-knn',
  'biased',
  'mf',
  'content',
] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

export interface BaselineOptions {
  /** Which baselines to train, in this order (default: all). */
  names?: readonly BaselineName[];
  /** Seed of the stochastic baselines (default 42). */
  seed?: number;
  biases?: BiasOptions;
  popularity?: PopularityOptions;
  ease?: Omit<EaseOptions, 'seed'>;
  itemKnn?: ItemKnnOptions;
  mf?: Omit<MatrixFactorizationOptions, 'seed'>;
  content?: Omit<ContentOptions, keyof BiasOptions>;
}

export interface TrainedBaselines {
  models: RatingModel[];
  /** Seconds spent training each model, by name. */
  seconds: Record<string, number>;
  /** Baselines that were skipped, and why; the λ EASE chose. */
  notes: string[];
}

/**
 * Trains the requested baselines on the training rows of `split`. The content baseline needs movie genres;
 * without `table.movieInfo` it is skipped with a note. EASE is skipped with a note above `ease.maxMovies`
 * movies (its matrix takes movies² × 8 bytes); when it runs, the λ it chose is noted.
 * @throws UsageError when the split has no training ratings
 */
export function trainBaselines(
  table: RatingsTable,
  split: Split,
  options: BaselineOptions = {},
): TrainedBaselines {
  const data = trainData(table, split);
  const seed = options.seed ?? 42;
  const result: TrainedBaselines = { models: [], seconds: {}, notes: [] };
  for (const name of options.names ?? BASELINE_NAMES) {
    const start = performance.now();
    let model: RatingModel | undefined;
    switch (name) {
      case 'global-mean':
        model = globalMeanModel(data);
        break;
      case 'popularity':
        model = popularityModel(data, options.popularity);
        break;
      case 'ease': {
        const skip = easeSkipReason(data.numMovies, options.ease?.maxMovies);
        if (skip === undefined) {
          const ease = easeModel(data, { ...options.ease, seed });
          result.notes.push(ease.note);
          model = ease;
        } else {
          result.notes.push(skip);
        }
        break;
      }
      case 'item-knn':
        model = itemKnnModel(data, options.itemKnn);
        break;
      case 'biased':
        model = biasedBaselineModel(data, options.biases);
        break;
      case 'mf':
        model = matrixFactorizationModel(data, { ...options.mf, seed });
        break;
      case 'content':
        if (table.movieInfo === undefined) {
          result.notes.push('content: skipped, the data set has no movie genres (no movie file was loaded).');
        } else {
          model = contentModel(data, table.movieInfo, { ...options.biases, ...options.content });
        }
        break;
    }
    if (model !== undefined) {
      result.models.push(model);
      result.seconds[name] = (performance.now() - start) / 1000;
    }
  }
  return result;
}

export {
  biasedBaselineModel,
  contentModel,
  easeModel,
  globalMeanModel,
  itemKnnModel,
  matrixFactorizationModel,
  popularityModel,
  trainData,
};
export { fitBiases } from './biases.ts';
export { fitMatrixFactorization, MF_DEFAULTS } from './matrix-factorization.ts';
export type { TrainData } from './train-data.ts';
export type { EaseModel, EaseOptions } from './ease.ts';
export type { ItemKnnOptions } from './item-knn.ts';
