/** Readers and writers of the binary artifacts (layouts: docs/artifacts.md), and integrity checks. */
export {
  CONTAINER_VERSION,
  SECTION_ALIGN,
  openContainer,
  parseContainerHeader,
  viewAt,
  writeContainer,
} from './container.ts';
export type { ByteRange, ContainerHeader, DType, SectionInfo, SectionSpec } from './container.ts';
export { MOVIES_BIN, quantizeRowsInt8, readMoviesBin, writeMoviesBin } from './movies-bin.ts';
export type { MovieTables } from './movies-bin.ts';
export {
  DEFAULT_FENCE_STRIDE,
  USERS_BIN,
  USERS_INDEX_PROBE_BYTES,
  fenceLookup,
  findInPage,
  lookupUser,
  openUsersIndex,
  parseUserRecord,
  parseUsersHeader,
  readFence,
  readUsersBin,
  recordRange,
  writeUsersBin,
} from './users-bin.ts';
export type { RangeReader, UserPage, UserRecord, UsersHeader, UsersTable } from './users-bin.ts';
export {
  SEEN_BIN,
  SEEN_HEADER_BYTES,
  parseSeenHeader,
  parseSeenSlice,
  readSeenBin,
  seenRange,
  writeSeenBin,
} from './seen-bin.ts';
export type { SeenHeader } from './seen-bin.ts';
export { POPULARITY_BIN, genreRanking, readPopularityBin, writePopularityBin } from './popularity-bin.ts';
export type { PopularityTables } from './popularity-bin.ts';
export { SIMILAR_BIN, neighboursOf, readSimilarBin, writeSimilarBin } from './similar-bin.ts';
export type { SimilarTables } from './similar-bin.ts';
export { digestOf, verifyFile } from './verify.ts';
export type { FileDigest } from './verify.ts';
export { sha256, utf8Decode, utf8Encode } from './web.ts';
export { decodeVersion } from './version.ts';
export type { DecodedVersion } from './version.ts';
