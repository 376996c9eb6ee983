/**
 * seen.bin: the movies each user rated in training, as one CSR value array. Section `movies` i32 [nnz]: dense movie
 * indices, each user's list contiguous and ascending, addressed by the user's record in users.bin
 * (seenOffset, seenCount, in elements). The edge range-reads one user's list per request to exclude rated movies.
 */
import { ArtifactError } from '../errors.ts';
import { assertIndices } from './checks.ts';
import {
  openContainer,
  parseContainerHeader,
  requireSection,
  viewAt,
  writeContainer,
  type ByteRange,
  type ContainerHeader,
  type SectionInfo,
} from './container.ts';

export const SEEN_BIN = 'seen.bin';
export const SEEN_MAGIC = 'MQSN';
/** The header of seen.bin is exactly this long, so this first read covers it. */
export const SEEN_HEADER_BYTES = 128;

/** A validated seen.bin header. */
export interface SeenHeader {
  container: ContainerHeader;
  /** Total number of entries. */
  length: number;
  movies: SectionInfo;
}

/**
 * Serializes the CSR values.
 * @param numMovies when given, every entry must be a movie index in [0, numMovies)
 * @throws ArtifactError when an entry is out of range
 */
export function writeSeenBin(movies: Int32Array, numMovies?: number): Uint8Array {
  if (numMovies !== undefined) assertIndices(SEEN_BIN, 'movies', movies, numMovies);
  return writeContainer(SEEN_BIN, SEEN_MAGIC, [
    { name: 'movies', dtype: 'i32', dims: [movies.length], data: movies },
  ]);
}

/**
 * Parses the seen.bin header from its first bytes.
 * @param bytes a prefix of the file (SEEN_HEADER_BYTES suffice) or the whole file
 * @param fileSize total file size (defaults to bytes.length)
 * @throws ArtifactError naming seen.bin
 */
export function parseSeenHeader(bytes: Uint8Array, fileSize: number = bytes.length): SeenHeader {
  const container = parseContainerHeader(SEEN_BIN, SEEN_MAGIC, bytes, fileSize);
  const movies = requireSection(container, 'movies', 'i32', 1);
  return { container, length: movies.dims[0] as number, movies };
}

/**
 * Byte range of a user's list.
 * @throws ArtifactError when the list runs past the end of seen.bin (users.bin and seen.bin disagree)
 */
export function seenRange(header: SeenHeader, offset: number, count: number): ByteRange {
  if (offset + count > header.length) {
    throw new ArtifactError(
      SEEN_BIN,
      `list ${offset}+${count} runs past the end (${header.length} entries): users.bin and seen.bin disagree`,
    );
  }
  return { offset: header.movies.offset + 4 * offset, length: 4 * count };
}

/**
 * Decodes a list fetched with `seenRange`.
 * @param numMovies when given, entries must be movie indices in [0, numMovies)
 * @throws ArtifactError when the length is not a multiple of 4 or an entry is out of range
 */
export function parseSeenSlice(bytes: Uint8Array, numMovies?: number): Int32Array {
  if (bytes.length % 4 !== 0) {
    throw new ArtifactError(SEEN_BIN, `a list slice must be a multiple of 4 bytes (got ${bytes.length})`);
  }
  const list = viewAt('i32', bytes, 0, bytes.length / 4);
  if (numMovies !== undefined) assertIndices(SEEN_BIN, 'list', list, numMovies);
  return list;
}

/**
 * Parses a whole seen.bin held in memory.
 * @param numMovies when given, entries must be movie indices in [0, numMovies)
 * @throws ArtifactError naming seen.bin
 */
export function readSeenBin(bytes: Uint8Array, numMovies?: number): Int32Array {
  const movies = openContainer(SEEN_BIN, SEEN_MAGIC, bytes).get('movies', 'i32', 1).data;
  if (numMovies !== undefined) assertIndices(SEEN_BIN, 'movies', movies, numMovies);
  return movies;
}
