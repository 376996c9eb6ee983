/**
 * Parsers of the request parameters every route shares (ids, limit, genres). Each returns the typed value or
 * throws a 400 ProblemError that names the parameter, what is expected and what came.
 */
import { GENRES, genreIndex } from '../../../shared/src/schemas/genres.ts';
import { invalid } from './problem.ts';

/** Largest id accepted: ids are stored as int32. */
const MAX_ID = 2 ** 31 - 1;
/** Bounds of `limit`. */
export const MIN_LIMIT = 1;
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 10;

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * An external user or movie id: a whole number in [0, 2^31-1], given as a decimal string (path, query) or a
 * JSON number (bodies).
 * @throws ProblemError 400 naming `field`
 */
export function parseId(field: string, value: unknown): number {
  let n = NaN;
  if (typeof value === 'string' && /^[0-9]{1,10}$/.test(value)) n = Number(value);
  else if (typeof value === 'number') n = value;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_ID) {
    throw invalid(`${field} must be a whole number between 0 and ${MAX_ID} (got ${show(value)})`, { field });
  }
  return n;
}

/**
 * `limit`: how many results, 1..100; DEFAULT_LIMIT when absent.
 * @throws ProblemError 400
 */
export function parseLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = typeof value === 'string' && /^[0-9]{1,4}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_LIMIT || n > MAX_LIMIT) {
    throw invalid(`limit must be a whole number from ${MIN_LIMIT} to ${MAX_LIMIT} (got ${show(value)})`, {
      field: 'limit',
    });
  }
  return n;
}

/**
 * A boolean query flag: true/false/1/0; `fallback` when absent.
 * @throws ProblemError 400
 */
export function parseFlag(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw invalid(`${field} must be true or false (got ${show(value)})`, { field });
}

/**
 * Genres as a bit mask (bit i = GENRES[i]); 0 when absent. Accepts "Comedy,Drama" (query) or ["Comedy","Drama"]
 * (bodies), case-insensitively.
 * @throws ProblemError 400 listing the valid genres when one is unknown
 */
export function parseGenres(value: unknown): number {
  if (value === undefined) return 0;
  const names =
    typeof value === 'string'
      ? value.split(',')
      : Array.isArray(value) && value.length <= GENRES.length * 2 && value.every((v) => typeof v === 'string')
        ? (value as string[])
        : undefined;
  if (names === undefined) {
    throw invalid(`genres must be a comma-separated list or an array of genre names (got ${show(value)})`, {
      field: 'genres',
    });
  }
  let mask = 0;
  for (const name of names) {
    const g = genreIndex(name);
    if (g < 0) {
      throw invalid(`unknown genre ${show(name)}; valid genres: ${GENRES.join(', ')}`, {
        field: 'genres',
        validGenres: GENRES,
      });
    }
    mask |= 1 << g;
  }
  return mask >>> 0;
}

/**
 * Rejects query parameters a route does not know, so typos (e.g. `limt`) do not pass silently.
 * @throws ProblemError 400 naming the unknown parameter and listing the known ones
 */
export function onlyKnownParams(query: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (!known.includes(key)) {
      throw invalid(
        `unknown query parameter ${show(key)}; this route accepts: ${known.join(', ') || 'none'}`,
        {
          field: key,
        },
      );
    }
  }
}

/**
 * A query parameter given more than once arrives as an array; every route wants one value.
 * @throws ProblemError 400
 */
export function single(query: Record<string, string | string[]>, key: string): string | undefined {
  const v = query[key];
  if (Array.isArray(v)) throw invalid(`${key} must be given once (got ${v.length} values)`, { field: key });
  return v;
}
