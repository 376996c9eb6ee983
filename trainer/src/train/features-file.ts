/**
 * `features.bin` of a run directory: the learned side-feature rows (features.ts) of the model in weights.bin, by
 * feature name. weights.bin holds the embeddings with these rows folded in, which is all serving needs; a warm
 * start (warm-start.ts) also needs them apart, to give the new run the same split between free and feature parts.
 *
 * Tensor file (tensor-file.ts): meta { kind: "marquee-features", user?: { names, dim }, movie?: { names, dim } },
 * arrays `user` / `movie` [names.length · dim] float32.
 */
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { ArtifactError } from '../../../shared/src/errors.ts';
import { parseWithSchema } from '../../../shared/src/schemas/parse.ts';
import type { RatingsTable } from '../data/types.ts';
import { movieFeatures, userFeatures } from './features.ts';
import { readTensorFile, writeTensorFile } from './tensor-file.ts';

export const FEATURES_KIND = 'marquee-features';

/** The learned rows of one side's features. */
export interface FeatureRows {
  names: string[];
  /** Width of a row. */
  dim: number;
  /** [names.length, dim]. */
  table: Float32Array;
}

export interface ModelFeatures {
  user?: FeatureRows;
  movie?: FeatureRows;
}

const SideSchema = z.looseObject({ names: z.array(z.string()), dim: z.int().min(1) });
const MetaSchema = z.looseObject({
  kind: z.literal(FEATURES_KIND),
  user: SideSchema.optional(),
  movie: SideSchema.optional(),
});

/**
 * The learned feature rows of a model trained on `rows` of `table` with embedding size `dim`, given its tables (a
 * checkpoint's `features`): the names are rebuilt as training built them.
 */
export function featureRows(
  table: RatingsTable,
  rows: Int32Array,
  dim: number,
  tables: { user?: Float32Array; movie?: Float32Array } | undefined,
): ModelFeatures {
  const out: ModelFeatures = {};
  const user = tables?.user && userFeatures(table, rows, dim);
  const movie = tables?.movie && movieFeatures(table, dim);
  if (user && tables?.user) out.user = { names: user.names, dim: user.dim, table: tables.user };
  if (movie && tables?.movie) out.movie = { names: movie.names, dim: movie.dim, table: tables.movie };
  return out;
}

/** Writes features.bin (nothing when the model has no side features). */
export async function writeFeatures(path: string, features: ModelFeatures): Promise<void> {
  const sides = (['user', 'movie'] as const).filter((s) => features[s] !== undefined);
  if (sides.length === 0) return;
  const meta: Record<string, unknown> = { kind: FEATURES_KIND };
  for (const s of sides) meta[s] = { names: features[s]!.names, dim: features[s]!.dim };
  await writeTensorFile(
    path,
    meta,
    sides.map((s) => ({ name: s, array: features[s]!.table })),
  );
}

/**
 * Reads features.bin.
 * @returns undefined when there is none (a model without side features, or a run from before the file existed)
 * @throws ArtifactError naming the file when it is malformed
 */
export async function readFeatures(path: string): Promise<ModelFeatures | undefined> {
  try {
    await stat(path);
  } catch {
    return undefined;
  }
  const { meta, arrays } = await readTensorFile<unknown>(path);
  const m = parseWithSchema(MetaSchema, path, meta);
  const out: ModelFeatures = {};
  for (const side of ['user', 'movie'] as const) {
    const s = m[side];
    if (s === undefined) continue;
    const table = arrays.get(side);
    if (!(table instanceof Float32Array) || table.length !== s.names.length * s.dim) {
      throw new ArtifactError(
        path,
        `expected float32 array "${side}" of ${s.names.length} × ${s.dim} values (got ${table?.length ?? 'none'})`,
      );
    }
    out[side] = { names: s.names, dim: s.dim, table };
  }
  return out;
}
