/** Building the artifacts of a model version (docs/artifacts.md) and writing them as a local directory. */
export { buildVersion, type BuiltVersion, type VersionInput } from './build-version.ts';
export { dataFingerprint, versionId, weightsFingerprint } from './fingerprint.ts';
export { rankPopularity } from './popularity.ts';
export { DEFAULT_SIMILAR_K, similarMovies } from './similar.ts';
export { movieStats, seenLists, type MovieStats, type SeenLists } from './training-stats.ts';
export { readVersionDir, writeVersionDir } from './version-dir.ts';
