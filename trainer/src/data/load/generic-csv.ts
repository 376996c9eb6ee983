/**
 * Any CSV of ratings, through a column mapping (`--columns user=uid,movie=item_id,rating=stars,timestamp=ts`)
 * and a delimiter. The first record is the header. Parsed with csv-parse (quotes, embedded delimiters): slower
 * than the MovieLens hot path, but these files come in every dialect.
 */
import { DataError, UsageError } from '../../../../shared/src/errors.ts';
import { findColumns, streamCsvRecords } from './csv-records.ts';
import type { RowTarget } from './line-parser.ts';
import { rejectLine, type ColumnMapping } from './options.ts';
import { describeScale, onScale } from './scale.ts';
import { parseId } from './side-info.ts';

const FIELDS = ['user', 'movie', 'rating', 'timestamp'] as const;
const UINT32_MAX = 4294967295;

/**
 * Parses `user=uid,movie=item_id,rating=stars[,timestamp=ts]`.
 * @throws UsageError for an unknown key, a repeated key, an empty name or a missing user/movie/rating.
 */
export function parseColumnMapping(text: string): ColumnMapping {
  const out: Partial<Record<(typeof FIELDS)[number], string>> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim() as (typeof FIELDS)[number];
    const name = part.slice(eq + 1).trim();
    if (eq < 0 || name === '' || !FIELDS.includes(key)) {
      throw new UsageError(
        `--columns: expected ${FIELDS.map((f) => `${f}=NAME`).join(',')} (timestamp optional); got "${part.trim()}".`,
      );
    }
    if (out[key] !== undefined) throw new UsageError(`--columns: "${key}" is given twice.`);
    out[key] = name;
  }
  const { user, movie, rating, timestamp } = out;
  if (user === undefined || movie === undefined || rating === undefined) {
    throw new UsageError(`--columns: user, movie and rating are required (got "${text}").`);
  }
  return timestamp === undefined ? { user, movie, rating } : { user, movie, rating, timestamp };
}

/** Accepts "," ";" "|" "\t" (or "tab", or a literal "\t"), "::" and other short delimiters. */
export function parseDelimiter(text: string): string {
  if (text === 'tab' || text === '\\t') return '\t';
  if (text.length === 0 || text.length > 2 || /[\r\n"]/.test(text)) {
    throw new UsageError(
      `--delimiter: expected one or two characters such as "," ";" "tab" (got "${text}").`,
    );
  }
  return text;
}

/**
 * Streams a CSV into `target`, using `mapping` to find the columns in its header.
 * @throws DataError (line 1) when a mapped column is missing; for bad rows, as the other loaders.
 */
export async function parseGenericCsv(
  file: string,
  mapping: ColumnMapping,
  delimiter: string,
  target: RowTarget,
): Promise<void> {
  const { builder, users, movies, scale, report, skipInvalid } = target;
  let cols: number[] | null = null;
  for await (const { fields, line } of streamCsvRecords(file, delimiter)) {
    if (cols === null) {
      cols = headerColumns(fields, mapping, file, line);
      continue;
    }
    const [cu, cm, cr, ct] = cols as [number, number, number, number];
    const reject = (problem: string) => rejectLine(report, skipInvalid, file, line, problem);
    const need = Math.max(cu, cm, cr, ct) + 1;
    if (fields.length < need) {
      reject(`expected at least ${need} fields (got ${fields.length}).`);
      continue;
    }
    const user = parseId(fields[cu]!);
    const movie = parseId(fields[cm]!);
    const ratingText = fields[cr]!;
    const rating = ratingText === '' ? NaN : Number(ratingText);
    const time = ct < 0 ? 0 : parseTimestamp(fields[ct]!);
    if (Number.isNaN(user)) reject(`user id "${fields[cu]}" is not a non-negative whole number.`);
    else if (Number.isNaN(movie)) reject(`movie id "${fields[cm]}" is not a non-negative whole number.`);
    else if (!Number.isFinite(rating)) reject(`rating "${ratingText}" is not a number.`);
    else if (!onScale(rating, scale))
      reject(`rating ${ratingText} is outside the scale ${describeScale(scale)}.`);
    else if (Number.isNaN(time)) reject(`timestamp "${fields[ct]}" is neither unix seconds nor a date.`);
    else builder.push(users.intern(user), movies.intern(movie), rating, time);
  }
  if (cols === null) throw new DataError('the file is empty (expected a header line).', { file });
}

function headerColumns(header: string[], mapping: ColumnMapping, file: string, line: number): number[] {
  const names = [mapping.user, mapping.movie, mapping.rating, mapping.timestamp];
  const cols = findColumns(
    header,
    names.map((n) => n ?? ''),
  );
  names.forEach((name, i) => {
    if (name !== undefined && cols[i]! < 0) {
      throw new DataError(
        `missing column "${name}" for ${FIELDS[i]} (the header has: ${header.join(', ')}).`,
        {
          file,
          line,
        },
      );
    }
  });
  return cols.map((c, i) => (names[i] === undefined ? -1 : c));
}

/** Unix seconds, or an ISO-8601-like date; NaN when neither (or out of the uint32 range). */
function parseTimestamp(text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= UINT32_MAX ? n : NaN;
  }
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || ms < 0 || ms / 1000 > UINT32_MAX) return NaN;
  return Math.floor(ms / 1000);
}
