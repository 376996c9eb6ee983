/**
 * Loading one model version into the isolate: manifest first (a version without a valid manifest does not
 * exist), then every movie-side file in parallel, each checked against the manifest's size and SHA-256, then the
 * ONNX session. users.bin and seen.bin stay in R2: only their headers (and the users fence) are read, and their
 * sizes are checked against the manifest (hashing them would mean reading every user into the isolate); id pages
 * are then cached as requests read them, within a byte cap (artifacts/user-pages.ts).
 */
import { ArtifactError } from '../../../shared/src/errors.ts';
import { readMoviesBin } from '../../../shared/src/formats/movies-bin.ts';
import { readPopularityBin } from '../../../shared/src/formats/popularity-bin.ts';
import { readSimilarBin } from '../../../shared/src/formats/similar-bin.ts';
import {
  ARTIFACT_FILES,
  MANIFEST_FILE,
  parseManifest,
  type Manifest,
} from '../../../shared/src/schemas/manifest.ts';
import { parseMoviesMeta } from '../../../shared/src/schemas/movies.ts';
import { parseJsonBytes } from '../../../shared/src/schemas/parse.ts';
import { buildCatalog, type MovieCatalog } from '../artifacts/catalog.ts';
import { readVerified, type ObjectStore } from '../artifacts/r2-store.ts';
import { openUserIndex, type UserIndex } from '../artifacts/users.ts';
import { releaseServingModel, servingModel, type ServingModel } from '../inference/index.ts';

/** Everything the routes need of one version. */
export interface ServingVersion {
  id: string;
  manifest: Manifest;
  catalog: MovieCatalog;
  users: UserIndex;
  model: ServingModel;
  /** Wall-clock milliseconds the load took (reported by /v1/models). */
  loadMs: number;
}

/** Object key of a version's file. */
export function versionKey(version: string, file: string): string {
  return `models/${version}/${file}`;
}

function entry(manifest: Manifest, file: string, key: string): { bytes: number; sha256: string } {
  const e = manifest.files[file];
  if (e === undefined) throw new ArtifactError(key, `is not listed in the manifest`);
  return e;
}

/**
 * Loads and verifies a version.
 * @param options.pageCacheBytes cap of the version's users.bin id-page cache (artifacts/user-pages.ts)
 * @throws ArtifactError when a file is missing, corrupt or inconsistent; StorageError when R2 fails
 */
export async function loadVersion(
  store: ObjectStore,
  version: string,
  options: { pageCacheBytes?: number } = {},
): Promise<ServingVersion> {
  const started = Date.now();
  const manifestKey = versionKey(version, MANIFEST_FILE);
  const manifestBytes = await store.get(manifestKey);
  if (manifestBytes === null) {
    throw new ArtifactError(
      store.prefix + manifestKey,
      'missing: the version was never published (or was deleted)',
    );
  }
  const manifest = parseManifest(parseJsonBytes(manifestKey, manifestBytes), store.prefix + manifestKey);
  if (manifest.version !== version) {
    throw new ArtifactError(manifestKey, `names version "${manifest.version}", expected "${version}"`);
  }
  const { movies: numMovies, dim, users: numUsers } = manifest.dims;
  const read = (file: string): Promise<Uint8Array> => {
    const key = versionKey(version, file);
    return readVerified(store, key, entry(manifest, file, key));
  };
  const usersKey = versionKey(version, ARTIFACT_FILES.users);
  const seenKey = versionKey(version, ARTIFACT_FILES.seen);
  try {
    const [moviesBin, moviesMeta, popularity, similar, users, model] = await Promise.all([
      read(ARTIFACT_FILES.movies).then((b) => readMoviesBin(b, { numMovies, dim })),
      read(ARTIFACT_FILES.moviesMeta).then((b) =>
        parseMoviesMeta(
          parseJsonBytes(ARTIFACT_FILES.moviesMeta, b),
          versionKey(version, ARTIFACT_FILES.moviesMeta),
        ),
      ),
      read(ARTIFACT_FILES.popularity).then((b) => readPopularityBin(b, numMovies)),
      manifest.dims.similarK > 0
        ? read(ARTIFACT_FILES.similar).then((b) => readSimilarBin(b, numMovies))
        : Promise.resolve(undefined),
      openUserIndex(
        store,
        { users: usersKey, seen: seenKey },
        {
          users: entry(manifest, ARTIFACT_FILES.users, usersKey).bytes,
          seen: entry(manifest, ARTIFACT_FILES.seen, seenKey).bytes,
        },
        options.pageCacheBytes,
      ),
      servingModel(version, { dim, numMovies }, async () => ({
        file: store.prefix + versionKey(version, ARTIFACT_FILES.onnx),
        bytes: await read(ARTIFACT_FILES.onnx),
      })),
    ]);
    if (users.header.numUsers !== numUsers || users.header.dim !== dim) {
      throw new ArtifactError(
        usersKey,
        `holds ${users.header.numUsers} users of dim ${users.header.dim}; the manifest says ${numUsers} of dim ${dim}`,
      );
    }
    if (users.seen.length !== manifest.counts.seen) {
      throw new ArtifactError(
        seenKey,
        `holds ${users.seen.length} entries; the manifest says ${manifest.counts.seen}`,
      );
    }
    // The exporter writes a ranking plan exactly when the model has a preference head; two-stage ranking needs both.
    const hasHead = moviesBin.prefEmb !== undefined;
    if (hasHead !== (manifest.ranking !== undefined)) {
      throw new ArtifactError(
        versionKey(version, ARTIFACT_FILES.movies),
        hasHead
          ? 'holds a preference head (pref_emb, pref_bias) but manifest.json has no ranking plan'
          : 'holds no preference head (pref_emb, pref_bias) but manifest.json has a ranking plan',
      );
    }
    const catalog = buildCatalog(moviesMeta, moviesBin, popularity, similar);
    return { id: version, manifest, catalog, users, model, loadMs: Date.now() - started };
  } catch (err) {
    await releaseServingModel(version);
    throw err;
  }
}
