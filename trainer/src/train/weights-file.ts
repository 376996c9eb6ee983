/**
 * ModelWeights to and from the tensor-file container (see tensor-file.ts): `weights.bin` of a run directory.
 *
 * Metadata: { kind: "marquee-weights", arch, dim, numUsers, numMovies, mu,
 *             layers: [{ inSize, outSize, batchNorm, epsilon }...] (hidden layers, then the output layer) }
 * Arrays (float32, row-major, names of model/param-arrays.ts): userEmb [numUsers·dim], movieEmb [numMovies·dim],
 * userBias, movieBias, hidden.<l>.W [in·out], hidden.<l>.b, and for batch-normed layers hidden.<l>.gamma, .beta,
 * .movingMean, .movingVariance; out.W [in], out.b [1]; with the preference head pref.gate [dim],
 * pref.movieEmb [numMovies·dim], pref.movieBias [numMovies] and pref.history [1].
 */
import { z } from 'zod';
import { ArtifactError } from '../../../shared/src/errors.ts';
import { parseWithSchema } from '../../../shared/src/schemas/parse.ts';
import { checkWeightShapes, namedArrays } from '../model/param-arrays.ts';
import type { Arch, DenseWeights, ModelWeights } from '../model/weights.ts';
import type { TensorArray } from './tensor-file.ts';

export const WEIGHTS_KIND = 'marquee-weights';

export interface WeightsMeta {
  kind: typeof WEIGHTS_KIND;
  arch: Arch;
  dim: number;
  numUsers: number;
  numMovies: number;
  mu: number;
  layers: { inSize: number; outSize: number; batchNorm: boolean; epsilon: number }[];
}

const WeightsMetaSchema = z.looseObject({
  kind: z.literal(WEIGHTS_KIND),
  arch: z.enum(['dcf', 'hybrid']),
  dim: z.int().min(1),
  numUsers: z.int().min(0),
  numMovies: z.int().min(0),
  mu: z.number(),
  layers: z
    .array(
      z.looseObject({
        inSize: z.int().min(1),
        outSize: z.int().min(1),
        batchNorm: z.boolean(),
        epsilon: z.number(),
      }),
    )
    .min(1),
}) satisfies z.ZodType<WeightsMeta>;

/** Metadata and arrays (views, not copies) of `w`, each array name prefixed with `prefix`. */
export function weightsToArrays(
  w: ModelWeights,
  prefix = '',
): { meta: WeightsMeta; arrays: { name: string; array: Float32Array }[] } {
  const layers = [...w.hidden, w.out].map((l) => ({
    inSize: l.inSize,
    outSize: l.outSize,
    batchNorm: l.bn !== undefined,
    epsilon: l.bn?.epsilon ?? 0,
  }));
  const meta: WeightsMeta = {
    kind: WEIGHTS_KIND,
    arch: w.arch,
    dim: w.dim,
    numUsers: w.numUsers,
    numMovies: w.numMovies,
    mu: w.mu,
    layers,
  };
  return { meta, arrays: namedArrays(w).map((a) => ({ name: prefix + a.name, array: a.array })) };
}

/**
 * Rebuilds ModelWeights from metadata (as read, unchecked) and arrays, validating the metadata and every shape.
 * @param file the source, for error messages
 * @throws ArtifactError when the metadata is not a weights description, an array is missing, or a shape is wrong
 */
export function weightsFromArrays(
  metadata: unknown,
  arrays: Map<string, TensorArray>,
  file: string,
  prefix = '',
): ModelWeights {
  const meta = parseWithSchema(WeightsMetaSchema, file, metadata);
  const get = (name: string): Float32Array => {
    const a = arrays.get(prefix + name);
    if (!(a instanceof Float32Array))
      throw new ArtifactError(file, `expected a float32 array "${prefix + name}"`);
    return a;
  };
  const dense = (name: string, l: WeightsMeta['layers'][number]): DenseWeights => ({
    inSize: l.inSize,
    outSize: l.outSize,
    W: get(`${name}.W`),
    b: get(`${name}.b`),
    ...(l.batchNorm
      ? {
          bn: {
            gamma: get(`${name}.gamma`),
            beta: get(`${name}.beta`),
            movingMean: get(`${name}.movingMean`),
            movingVariance: get(`${name}.movingVariance`),
            epsilon: l.epsilon,
          },
        }
      : {}),
  });
  const hidden = meta.layers.slice(0, -1).map((l, i) => dense(`hidden.${i}`, l));
  const w: ModelWeights = {
    arch: meta.arch,
    dim: meta.dim,
    numUsers: meta.numUsers,
    numMovies: meta.numMovies,
    mu: meta.mu,
    userEmb: get('userEmb'),
    movieEmb: get('movieEmb'),
    userBias: get('userBias'),
    movieBias: get('movieBias'),
    hidden,
    out: dense('out', meta.layers[meta.layers.length - 1]!),
    ...(arrays.has(`${prefix}pref.gate`)
      ? {
          pref: {
            gate: get('pref.gate'),
            movieEmb: get('pref.movieEmb'),
            movieBias: get('pref.movieBias'),
            history: get('pref.history'),
          },
        }
      : {}),
  };
  try {
    checkWeightShapes(w);
  } catch (err) {
    throw new ArtifactError(file, (err as Error).message, { cause: err });
  }
  return w;
}
