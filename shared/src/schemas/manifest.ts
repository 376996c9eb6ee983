/**
 * manifest.json: the self-description of one model version (docs/artifacts.md). Written last when publishing; a
 * version without a valid manifest does not exist.
 */
import { z } from 'zod';
import { parseArtifact } from './parse.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_SCHEMA_VERSION = 1;

/** The artifact files of a version, by role. */
export const ARTIFACT_FILES = {
  onnx: 'model.onnx',
  movies: 'movies.bin',
  moviesMeta: 'movies.json',
  users: 'users.bin',
  seen: 'seen.bin',
  popularity: 'popularity.bin',
  similar: 'similar.bin',
} as const;

/** Files every version has; similar.bin is present exactly when dims.similarK > 0. */
export const REQUIRED_FILES: readonly string[] = [
  ARTIFACT_FILES.onnx,
  ARTIFACT_FILES.movies,
  ARTIFACT_FILES.moviesMeta,
  ARTIFACT_FILES.users,
  ARTIFACT_FILES.seen,
  ARTIFACT_FILES.popularity,
];

/** Version ids are path segments: letters, digits, ".", "_", "-", starting with a letter or digit. */
export const VERSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const VersionIdSchema = z
  .string()
  .regex(
    VERSION_ID_PATTERN,
    'expected a version id (letters, digits, ".", "_", "-"; at most 100 characters)',
  );

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (sha256)');
const Count = z.int().min(0);
const FileNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected a plain file name');

export const FileEntrySchema = z.strictObject({ bytes: Count, sha256: Sha256Schema });

export const ManifestSchema = z
  .looseObject({
    schema: z.literal(MANIFEST_SCHEMA_VERSION),
    /** The model version id, equal to the folder name models/<version>/. */
    version: VersionIdSchema,
    /** ISO 8601 UTC time the version was built. */
    created: z.iso.datetime(),
    model: z.looseObject({
      arch: z.enum(['dcf', 'hybrid']),
      /** Hidden layer sizes of the MLP (before folding batch norm). */
      hidden: z.array(z.int().min(1)),
      /** Global bias (also folded into the ONNX graph's movie_bias). */
      mu: z.number(),
      ratingScale: z.strictObject({ min: z.number(), max: z.number(), step: z.number().positive() }),
    }),
    dims: z.strictObject({
      /** Users in users.bin. */
      users: z.int().min(1),
      movies: z.int().min(1),
      /** Embedding size. */
      dim: z.int().min(1),
      /** Neighbours per movie in similar.bin; 0 when the file is absent. */
      similarK: Count,
    }),
    counts: z.strictObject({
      /** Training ratings (the rows the model, popularity.bin and movies.json's statistics were built from). */
      trainRatings: Count,
      /**
       * Entries of seen.bin: the distinct movies each user of users.bin rated anywhere in the data (training,
       * validation and test rows): trainRatings plus those users' test ratings, less repeated pairs.
       */
      seen: Count,
      /** Movies with no training rating (their embeddings are untrained; popularity ranks them last). */
      unratedMovies: Count,
      /** Users of the model with no training rating, left out of users.bin (the edge treats them as unknown). */
      untrainedUsers: Count,
    }),
    fingerprints: z.strictObject({
      /** sha256 of the training rows (see docs/artifacts.md for the exact byte layout). */
      data: Sha256Schema,
      /** sha256 of the model weights. */
      weights: Sha256Schema,
    }),
    training: z.looseObject({
      /** The tfjs backend that trained the model, e.g. "wasm". */
      backend: z.string(),
      /** The run's config.json: hyperparameters, split, seed. */
      config: z.record(z.string(), z.unknown()),
    }),
    /** The run's metrics.json (e.g. test.rmse, test.ndcg@10). */
    metrics: z.record(z.string(), z.unknown()),
    /**
     * The two-stage plan (shared/src/kernels/two-stage.ts), chosen on validation ratings when the model was
     * trained; present exactly when movies.bin has the preference head. Absent: the version ranks by predicted
     * rating alone.
     */
    ranking: z
      .strictObject({
        candidates: z.int().min(1),
        ratingWeight: z.number().min(0),
        /** The model's learned weight of a user's history in the preference's user vector (two-stage.ts). */
        historyWeight: z.number(),
      })
      .optional(),
    files: z.record(FileNameSchema, FileEntrySchema),
  })
  .superRefine((m, ctx) => {
    for (const name of REQUIRED_FILES) {
      if (!(name in m.files)) ctx.addIssue({ code: 'custom', path: ['files'], message: `missing ${name}` });
    }
    const hasSimilar = ARTIFACT_FILES.similar in m.files;
    if (hasSimilar !== m.dims.similarK > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: `similar.bin must be listed exactly when dims.similarK > 0 (similarK = ${m.dims.similarK})`,
      });
    }
    if (m.model.ratingScale.max < m.model.ratingScale.min) {
      ctx.addIssue({ code: 'custom', path: ['model', 'ratingScale'], message: 'max is below min' });
    }
  });

export type Manifest = z.output<typeof ManifestSchema>;
export type FileEntry = z.output<typeof FileEntrySchema>;

/**
 * Validates a parsed manifest.json.
 * @param file file name for errors (e.g. "models/<version>/manifest.json")
 * @throws ArtifactError naming the file on an unknown schema version or any invalid field
 */
export function parseManifest(value: unknown, file: string = MANIFEST_FILE): Manifest {
  return parseArtifact(ManifestSchema, file, MANIFEST_SCHEMA_VERSION, value);
}
