/**
 * Builds every artifact of one model version in memory from a trained model and the data it was trained on (layout
 * and formats: docs/artifacts.md). The result is checked with the same decoders readers use before it is returned.
 */
import { DataError } from '../../../../shared/src/errors.ts';
import { writeMoviesBin } from '../../../../shared/src/formats/movies-bin.ts';
import { checkPlan, type TwoStagePlan } from '../../../../shared/src/kernels/two-stage.ts';
import { writePopularityBin } from '../../../../shared/src/formats/popularity-bin.ts';
import { writeSeenBin } from '../../../../shared/src/formats/seen-bin.ts';
import { writeSimilarBin } from '../../../../shared/src/formats/similar-bin.ts';
import { DEFAULT_FENCE_STRIDE, writeUsersBin } from '../../../../shared/src/formats/users-bin.ts';
import { digestOf } from '../../../../shared/src/formats/verify.ts';
import { decodeVersion } from '../../../../shared/src/formats/version.ts';
import { l2NormalizeRows } from '../../../../shared/src/kernels/vectors.ts';
import { GENRES } from '../../../../shared/src/schemas/genres.ts';
import {
  ARTIFACT_FILES,
  MANIFEST_SCHEMA_VERSION,
  parseManifest,
  type Manifest,
} from '../../../../shared/src/schemas/manifest.ts';
import { MOVIES_META_SCHEMA_VERSION, type MoviesMeta } from '../../../../shared/src/schemas/movies.ts';
import { jsonBytes } from '../../../../shared/src/schemas/parse.ts';
import type { RatingsTable } from '../../data/types.ts';
import { preferenceMovieTable, type ModelWeights } from '../../model/weights.ts';
import { buildServingOnnx } from '../onnx/serving-graph.ts';
import { validateWeights } from '../onnx/validate-weights.ts';
import { dataFingerprint, versionId, weightsFingerprint } from './fingerprint.ts';
import { rankPopularity } from './popularity.ts';
import { DEFAULT_SIMILAR_K, similarMovies } from './similar.ts';
import { assertTrainRows, movieStats, seenLists, type MovieStats } from './training-stats.ts';

export interface VersionInput {
  weights: ModelWeights;
  /**
   * The whole data set the model was trained on (ids, metadata, rating scale): every rating, both sides of the
   * split. The seen lists hold all of its rows, so a version never recommends a movie the user rated in their
   * validation or test rows either.
   */
  table: RatingsTable;
  /**
   * Rows of `table` the model learned from (the split's training side, validation included). Only users with such
   * a row get into users.bin; popularity, movies.json's counts and means and the data fingerprint come from these
   * rows only, since they describe what the model knows.
   */
  trainRows: Int32Array;
  /** The run's config.json (hyperparameters, split, seed). */
  config: Record<string, unknown>;
  /** The run's metrics.json. */
  metrics: Record<string, unknown>;
  /** tfjs backend that trained the model. */
  backend: string;
  /** model.onnx bytes; built with buildServingOnnx(weights) when omitted. */
  onnx?: Uint8Array;
  /** Build time (default now); part of the version id. */
  created?: Date;
  /** Neighbours per movie in similar.bin (default 50; 0 omits the file). */
  similarK?: number;
  /**
   * The two-stage plan chosen when the model was trained (metrics.json `ranking.*`); required exactly when the
   * weights have a preference head.
   */
  ranking?: TwoStagePlan;
  /** Add the int8 copy of the normalized embeddings to movies.bin (default true). */
  int8?: boolean;
}

/** A built version: its id, manifest, and every other file by name. */
export interface BuiltVersion {
  id: string;
  manifest: Manifest;
  files: Map<string, Uint8Array>;
}

/** A plain Uint8Array view (protobufjs hands out Node Buffers, whose slice() and equality differ). */
function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function checkShapes(input: VersionInput): void {
  const { weights: w, table } = input;
  if (w.numUsers !== table.userIds.length || w.numMovies !== table.movieIds.length) {
    throw new DataError(
      `the model has ${w.numUsers} users × ${w.numMovies} movies but the data has ` +
        `${table.userIds.length} × ${table.movieIds.length}: was it trained on this data?`,
      { file: table.source.path },
    );
  }
  assertTrainRows(table, input.trainRows);
}

function moviesMeta(table: RatingsTable, stats: MovieStats): MoviesMeta {
  const m = table.movieIds.length;
  const info = table.movieInfo;
  return {
    schema: MOVIES_META_SCHEMA_VERSION,
    genreVocabulary: [...GENRES],
    ids: Array.from(table.movieIds),
    titles: info ? [...info.titles] : new Array<string>(m).fill(''),
    genreMasks: info ? Array.from(info.genres) : new Array<number>(m).fill(0),
    years: info ? Array.from(info.years, (y) => (y > 0 ? y : null)) : new Array<null>(m).fill(null),
    ratingCounts: Array.from(stats.counts),
    meanRatings: Array.from(stats.means, (v) => (Number.isNaN(v) ? null : Math.round(v * 1e4) / 1e4)),
  };
}

/**
 * Builds all files and the manifest of a version.
 * @throws DataError when the model and data do not match; ArtifactError when the weights are inconsistent or a
 *   table fails its format checks
 */
export async function buildVersion(input: VersionInput): Promise<BuiltVersion> {
  const { weights: w, table, trainRows } = input;
  validateWeights(w);
  checkShapes(input);
  if ((w.pref === undefined) !== (input.ranking === undefined)) {
    throw new DataError(
      w.pref === undefined
        ? 'a ranking plan was given for a model without a preference head'
        : 'the model has a preference head but no ranking plan (metrics.json ranking.candidates); retrain it, ' +
            'or evaluate a run that completed training',
    );
  }
  const { dim, numMovies } = w;
  const stats = movieStats(table, trainRows);
  const seen = seenLists(table, trainRows);

  const norm = l2NormalizeRows(w.movieEmb, numMovies, dim);
  const userVecs = new Float32Array(seen.users.length * dim);
  const userBias = new Float32Array(seen.users.length);
  seen.users.forEach((u, k) => {
    userVecs.set(w.userEmb.subarray(u * dim, (u + 1) * dim), k * dim);
    userBias[k] = w.userBias[u] as number;
  });
  const similarK = Math.max(0, Math.min(input.similarK ?? DEFAULT_SIMILAR_K, numMovies - 1));
  const files = new Map<string, Uint8Array>([
    [ARTIFACT_FILES.onnx, plainBytes(input.onnx ?? buildServingOnnx(w))],
    [
      ARTIFACT_FILES.movies,
      writeMoviesBin(
        {
          numMovies,
          dim,
          norm,
          emb: w.movieEmb,
          bias: w.movieBias,
          ...(w.pref ? { prefEmb: preferenceMovieTable(w), prefBias: w.pref.movieBias } : {}),
        },
        { int8: input.int8 ?? true },
      ),
    ],
    [ARTIFACT_FILES.moviesMeta, jsonBytes(moviesMeta(table, stats), false)],
    [
      ARTIFACT_FILES.users,
      writeUsersBin(
        {
          dim,
          ids: Int32Array.from(seen.users, (u) => table.userIds[u] as number),
          bias: userBias,
          vecs: userVecs,
          seenOffsets: seen.offsets,
          seenCounts: seen.counts,
        },
        DEFAULT_FENCE_STRIDE,
        // Each record followed by its seen list, so the edge reads a user with one range read; seen.bin is still
        // written for offline tools and readers of older versions.
        seen.movies,
      ),
    ],
    [ARTIFACT_FILES.seen, writeSeenBin(seen.movies, numMovies)],
    [
      ARTIFACT_FILES.popularity,
      writePopularityBin(rankPopularity(stats, table.movieInfo?.genres ?? new Uint32Array(numMovies))),
    ],
  ]);
  if (similarK > 0)
    files.set(ARTIFACT_FILES.similar, writeSimilarBin(similarMovies(norm, numMovies, dim, similarK)));

  const created = input.created ?? new Date();
  const fingerprints = { data: dataFingerprint(table, trainRows), weights: weightsFingerprint(w) };
  const id = versionId(created, fingerprints.data, fingerprints.weights);
  const digests: Manifest['files'] = {};
  for (const [name, bytes] of files) digests[name] = await digestOf(bytes);
  const manifest = parseManifest({
    schema: MANIFEST_SCHEMA_VERSION,
    version: id,
    created: created.toISOString(),
    model: {
      arch: w.arch,
      hidden: w.hidden.map((l) => l.outSize),
      mu: w.mu,
      ratingScale: { ...table.scale },
    },
    dims: { users: seen.users.length, movies: numMovies, dim, similarK },
    counts: {
      trainRatings: trainRows.length,
      seen: seen.movies.length,
      unratedMovies: stats.counts.filter((c) => c === 0).length,
      untrainedUsers: w.numUsers - seen.users.length,
    },
    fingerprints,
    training: { backend: input.backend, config: input.config },
    metrics: input.metrics,
    ...(input.ranking === undefined || w.pref === undefined
      ? {}
      : { ranking: { ...checkPlan({ ...input.ranking }), historyWeight: w.pref.history[0] } }),
    files: digests,
  });
  decodeVersion(manifest, files);
  return { id, manifest, files };
}
