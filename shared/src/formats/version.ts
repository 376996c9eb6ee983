/**
 * Decoding and cross-checking every file of one version held in memory: each binary's header and content, its
 * dimensions against the manifest, and the links between files (users.bin seen lists inside seen.bin; users.bin's
 * optional profiles equal to its records and seen.bin's lists). Used on write (the export checks what it built)
 * and on read (the trainer's readVersion).
 */
import { ArtifactError } from '../errors.ts';
import { ARTIFACT_FILES, type Manifest } from '../schemas/manifest.ts';
import { parseMoviesMeta, type MoviesMeta } from '../schemas/movies.ts';
import { parseJsonBytes } from '../schemas/parse.ts';
import { readMoviesBin, type MovieTables } from './movies-bin.ts';
import { readPopularityBin, type PopularityTables } from './popularity-bin.ts';
import { readSeenBin } from './seen-bin.ts';
import { readSimilarBin, type SimilarTables } from './similar-bin.ts';
import { readUsersBin, type UsersTable } from './users-bin.ts';

/** Every table of a version, decoded. */
export interface DecodedVersion {
  onnx: Uint8Array;
  movies: MovieTables;
  moviesMeta: MoviesMeta;
  users: UsersTable;
  seen: Int32Array;
  popularity: PopularityTables;
  similar: SimilarTables | null;
}

/**
 * Decodes and cross-checks the files of a version (checksums are the caller's job: see verifyFile).
 * @param files file name → bytes, for every file the manifest lists
 * @throws ArtifactError naming the file at the first problem
 */
export function decodeVersion(manifest: Manifest, files: ReadonlyMap<string, Uint8Array>): DecodedVersion {
  const need = (name: string): Uint8Array => {
    const bytes = files.get(name);
    if (bytes === undefined) throw new ArtifactError(name, 'listed in the manifest but missing');
    return bytes;
  };
  const { users: numUsers, movies: numMovies, dim, similarK } = manifest.dims;
  const movies = readMoviesBin(need(ARTIFACT_FILES.movies), { numMovies, dim });
  if ((movies.prefEmb !== undefined) !== (manifest.ranking !== undefined)) {
    throw new ArtifactError(
      ARTIFACT_FILES.movies,
      manifest.ranking === undefined
        ? 'has a preference head (pref_emb, pref_bias) but the manifest records no ranking plan'
        : 'has no preference head (pref_emb, pref_bias) but the manifest records a ranking plan',
    );
  }
  const meta = parseMoviesMeta(parseJsonBytes(ARTIFACT_FILES.moviesMeta, need(ARTIFACT_FILES.moviesMeta)));
  if (meta.ids.length !== numMovies) {
    throw new ArtifactError(
      ARTIFACT_FILES.moviesMeta,
      `has ${meta.ids.length} movies, the manifest says ${numMovies}`,
    );
  }
  const seen = readSeenBin(need(ARTIFACT_FILES.seen), numMovies);
  if (seen.length !== manifest.counts.seen) {
    throw new ArtifactError(
      ARTIFACT_FILES.seen,
      `has ${seen.length} entries, the manifest says ${manifest.counts.seen}`,
    );
  }
  // With `profiles`, each user's copy of their record and seen list must agree with records and seen.bin.
  const users = readUsersBin(need(ARTIFACT_FILES.users), { numUsers, dim, seen, numMovies });
  const popularity = readPopularityBin(need(ARTIFACT_FILES.popularity), numMovies);
  let similar: SimilarTables | null = null;
  if (similarK > 0) {
    similar = readSimilarBin(need(ARTIFACT_FILES.similar), numMovies);
    if (similar.k !== similarK) {
      throw new ArtifactError(ARTIFACT_FILES.similar, `k = ${similar.k}, the manifest says ${similarK}`);
    }
  }
  return { onnx: need(ARTIFACT_FILES.onnx), movies, moviesMeta: meta, users, seen, popularity, similar };
}
