/**
 * The numeric hot path: MovieLens rating files (u.data, ratings.dat, ratings.csv) are parsed byte by byte straight
 * out of the read buffer into the column builder.
 *
 * Why hand-written: these files hold millions of lines of four small numbers. Splitting each line into strings
 * (or running a general CSV parser) allocates several objects per rating and runs at a few hundred thousand lines
 * per second; reading digits directly from the bytes allocates nothing per line, which is what lets a 1M-rating
 * file load in well under a second within ~20 bytes per rating. A general CSV library still handles the small,
 * quoted side files and generic CSVs (see movielens-csv.ts, generic-csv.ts). Lines that fail the fast path are
 * re-examined as text by `describeBadLine`, which only has to be clear, not fast.
 */
import type { RatingScale } from '../types.ts';
import type { ColumnBuilder } from './columns.ts';
import type { IdMap } from './id-map.ts';
import { rejectLine, type LoadReport } from './options.ts';
import { forEachLineChunk, CHUNK_BYTES } from './read-lines.ts';
import { describeScale, onScale } from './scale.ts';

export type FieldRole = 'user' | 'movie' | 'rating' | 'timestamp' | 'skip';

/** How the fields of one line are laid out. Every data line must have exactly `roles.length` fields. */
export interface LineLayout {
  /** One or two ASCII characters: "\t", ",", "::". */
  delimiter: string;
  roles: FieldRole[];
  /** Lines to skip at the top (a header already checked by the format detector). */
  headerLines: number;
}

/** Where parsed rows go and how bad lines are treated. */
export interface RowTarget {
  builder: ColumnBuilder;
  users: IdMap;
  movies: IdMap;
  /** Ratings must lie on this scale (use ANY_RATING for none). */
  scale: RatingScale;
  skipInvalid: boolean;
  report: LoadReport;
}

const LF = 10;
const CR = 13;
const DOT = 46;
const INT32_MAX = 2147483647;
const UINT32_MAX = 4294967295;
const ROLE_CODE: Record<FieldRole, number> = { skip: 0, user: 1, movie: 2, rating: 3, timestamp: 4 };

interface ParseState {
  file: string;
  layout: LineLayout;
  target: RowTarget;
  roles: Int8Array;
  d0: number;
  /** Second delimiter byte, -1 for one-byte delimiters. */
  d1: number;
  /** Lines consumed so far (1-based number of the last line seen). */
  line: number;
  headerLeft: number;
}

/**
 * Parses every rating line of `file` into `target` (dense ids interned on the way).
 * @throws DataError naming file, line and problem for the first bad line, unless `target.skipInvalid`, in which
 *   case bad lines are counted in `target.report` (with a few samples in its warnings).
 */
export async function parseRatingLines(
  file: string,
  layout: LineLayout,
  target: RowTarget,
  chunkBytes = CHUNK_BYTES,
): Promise<void> {
  const d = Buffer.from(layout.delimiter, 'latin1');
  if (d.length < 1 || d.length > 2)
    throw new Error(`unsupported delimiter ${JSON.stringify(layout.delimiter)}`);
  const state: ParseState = {
    file,
    layout,
    target,
    roles: Int8Array.from(layout.roles, (r) => ROLE_CODE[r]),
    d0: d[0]!,
    d1: d.length === 2 ? d[1]! : -1,
    line: 0,
    headerLeft: layout.headerLines,
  };
  await forEachLineChunk(file, (buf, start, end) => parseRange(buf, start, end, state), chunkBytes);
}

function parseRange(buf: Buffer, start: number, end: number, st: ParseState): void {
  const { roles, d0, d1 } = st;
  const { builder, users, movies, scale } = st.target;
  const nFields = roles.length;
  const dlen = d1 < 0 ? 1 : 2;
  const min = scale.min;
  const max = scale.max;
  const step = scale.step;
  const invStep = step > 0 ? 1 / step : 0;
  let line = st.line;
  let p = start;
  while (p < end) {
    const lineStart = p;
    line++;
    if (st.headerLeft > 0) {
      st.headerLeft--;
      p = lineEndAfter(buf, p, end);
      continue;
    }
    const c0 = buf[p]!;
    if (c0 === LF) {
      p++;
      continue;
    }
    if (c0 === CR && (p + 1 === end || buf[p + 1] === LF)) {
      p += 2;
      continue;
    }
    let user = 0;
    let movie = 0;
    let rating = 0;
    let time = 0;
    let ok = true;
    for (let f = 0; f < nFields; f++) {
      const role = roles[f]!;
      if (role === 3) {
        let value = 0;
        let digits = 0;
        for (; p < end; p++) {
          const d = buf[p]! - 48;
          if (d < 0 || d > 9) break;
          value = value * 10 + d;
          digits++;
        }
        if (p < end && buf[p] === DOT) {
          p++;
          let frac = 0;
          let div = 1;
          for (; p < end; p++) {
            const d = buf[p]! - 48;
            if (d < 0 || d > 9) break;
            frac = frac * 10 + d;
            div *= 10;
            digits++;
          }
          value += frac / div;
        }
        if (digits === 0 || digits > 15) {
          ok = false;
          break;
        }
        rating = value;
      } else if (role === 0) {
        for (; p < end; p++) {
          const b = buf[p]!;
          if (b === d0 || b === LF || b === CR) break;
        }
      } else {
        let value = 0;
        let digits = 0;
        for (; p < end; p++) {
          const d = buf[p]! - 48;
          if (d < 0 || d > 9) break;
          value = value * 10 + d;
          digits++;
        }
        if (digits === 0 || digits > 10 || value > (role === 4 ? UINT32_MAX : INT32_MAX)) {
          ok = false;
          break;
        }
        if (role === 1) user = value;
        else if (role === 2) movie = value;
        else time = value;
      }
      if (f < nFields - 1) {
        if (p < end && buf[p] === d0 && (d1 < 0 || (p + 1 < end && buf[p + 1] === d1))) {
          p += dlen;
        } else {
          ok = false;
          break;
        }
      }
    }
    if (ok) {
      if (p < end && buf[p] === CR) p++;
      if (p < end) {
        if (buf[p] === LF) p++;
        else ok = false;
      }
    }
    if (ok && !(rating >= min && rating <= max)) ok = false;
    if (ok && step > 0) {
      const k = (rating - min) * invStep;
      if (Math.abs(k - Math.round(k)) > 1e-4) ok = false;
    }
    if (!ok) {
      p = lineEndAfter(buf, lineStart, end);
      badLine(st, line, buf.toString('latin1', lineStart, p));
      continue;
    }
    builder.push(users.intern(user), movies.intern(movie), rating, time);
  }
  st.line = line;
}

/** Index just past the "\n" ending the line that contains `p` (or `end`). */
function lineEndAfter(buf: Buffer, p: number, end: number): number {
  const nl = buf.indexOf(LF, p);
  return nl === -1 || nl >= end ? end : nl + 1;
}

function badLine(st: ParseState, line: number, text: string): void {
  const problem = describeBadLine(text, st.layout, st.target.scale);
  rejectLine(st.target.report, st.target.skipInvalid, st.file, line, problem);
}

const WHOLE = /^\d+$/;
const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;

/** Explains why a line failed the fast path: field count, which field, what was expected and what came. */
export function describeBadLine(text: string, layout: LineLayout, scale: RatingScale): string {
  const clean = text.replace(/\r?\n$/, '').replace(/\r$/, '');
  const shown = clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
  const fields = clean.split(layout.delimiter);
  if (fields.length !== layout.roles.length) {
    return (
      `expected ${layout.roles.length} fields separated by ${JSON.stringify(layout.delimiter)} ` +
      `(got ${fields.length}): "${shown}"`
    );
  }
  for (let f = 0; f < fields.length; f++) {
    const s = fields[f]!;
    const role = layout.roles[f]!;
    if (role === 'user' || role === 'movie') {
      if (!WHOLE.test(s)) return `${role} id "${s}" is not a non-negative whole number: "${shown}"`;
      if (Number(s) > INT32_MAX) return `${role} id ${s} is larger than ${INT32_MAX}: "${shown}"`;
    } else if (role === 'timestamp') {
      if (!WHOLE.test(s)) return `timestamp "${s}" is not a whole number of seconds: "${shown}"`;
      if (Number(s) > UINT32_MAX) return `timestamp ${s} is beyond ${UINT32_MAX}: "${shown}"`;
    } else if (role === 'rating') {
      const value = Number(s);
      if (!DECIMAL.test(s) && !(s.trim() !== '' && Number.isFinite(value))) {
        return `rating "${s}" is not a number: "${shown}"`;
      }
      if (!DECIMAL.test(s) || !onScale(value, scale)) {
        return `rating ${s} is outside the scale ${describeScale(scale)}: "${shown}"`;
      }
    }
  }
  return `cannot parse the line: "${shown}"`;
}
