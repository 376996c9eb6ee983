/**
 * Movie and user side information (titles, genres, years; ages, genders), filled by the format-specific readers
 * and indexed by the dense ids of the loaded ratings. Entries for ids without ratings are ignored; rated ids
 * missing from a side file keep empty values and are reported.
 */
import { readFile } from 'node:fs/promises';
import { DataError } from '../../../../shared/src/errors.ts';
import type { MovieTable, UserTable } from '../types.ts';
import { denseIndexOf } from './id-map.ts';
import type { LoadReport } from './options.ts';
import { rejectLine } from './options.ts';

/** How side-file readers treat bad lines: the same policy as rating lines. */
export interface SideContext {
  skipInvalid: boolean;
  report: LoadReport;
}

/** Reports a bad side-file line (throws DataError unless skipping). */
export function rejectSideLine(ctx: SideContext, file: string, line: number, problem: string): void {
  rejectLine(ctx.report, ctx.skipInvalid, file, line, problem);
}

/** Collects a MovieTable for the rated movies `movieIds` (ascending external ids). */
export class MovieTableBuilder {
  private readonly table: MovieTable;
  private readonly filled: Uint8Array;

  constructor(private readonly movieIds: Int32Array) {
    const n = movieIds.length;
    this.table = {
      titles: new Array<string>(n).fill(''),
      genres: new Uint32Array(n),
      years: new Int32Array(n),
    };
    this.filled = new Uint8Array(n);
  }

  /** Records one movie; ignored when the movie has no ratings. */
  set(movieId: number, title: string, genres: number, year: number): void {
    const i = denseIndexOf(this.movieIds, movieId);
    if (i < 0) return;
    this.table.titles[i] = title;
    this.table.genres[i] = genres;
    this.table.years[i] = year;
    this.filled[i] = 1;
  }

  /** The table, with a warning in `report` when rated movies were missing from `file`. */
  finish(file: string, report: LoadReport): MovieTable {
    warnMissing(this.filled, this.movieIds, 'movies', file, report);
    return this.table;
  }
}

/** The user attributes beyond age and gender that some sources have. */
export interface UserExtras {
  occupation?: string;
  liked?: number;
  disliked?: number;
}

/** Collects a UserTable for the users `userIds` (ascending external ids). */
export class UserTableBuilder {
  private readonly table: UserTable;
  private readonly filled: Uint8Array;

  constructor(private readonly userIds: Int32Array) {
    const n = userIds.length;
    this.table = {
      ages: new Int32Array(n),
      genders: new Array<string>(n).fill(''),
      occupations: new Array<string>(n).fill(''),
      likedGenres: new Uint32Array(n),
      dislikedGenres: new Uint32Array(n),
    };
    this.filled = new Uint8Array(n);
  }

  /**
   * Records one user; ignored when the user has no ratings. `gender` is normalised to 'M' | 'F' | ''; `occupation`
   * is trimmed and lower-cased; `liked` and `disliked` are declared genre masks (0 = none).
   */
  set(userId: number, age: number, gender: string, extra: UserExtras = {}): void {
    const i = denseIndexOf(this.userIds, userId);
    if (i < 0) return;
    this.table.ages[i] = age;
    const g = gender.trim().toUpperCase();
    this.table.genders[i] = g === 'M' || g === 'F' ? g : '';
    this.table.occupations[i] = (extra.occupation ?? '').trim().toLowerCase();
    this.table.likedGenres[i] = extra.liked ?? 0;
    this.table.dislikedGenres[i] = extra.disliked ?? 0;
    this.filled[i] = 1;
  }

  finish(file: string, report: LoadReport): UserTable {
    warnMissing(this.filled, this.userIds, 'users', file, report);
    return this.table;
  }
}

function warnMissing(
  filled: Uint8Array,
  ids: Int32Array,
  what: string,
  file: string,
  report: LoadReport,
): void {
  const missing: number[] = [];
  let count = 0;
  for (let i = 0; i < filled.length; i++) {
    if (filled[i] === 1) continue;
    count++;
    if (missing.length < 5) missing.push(ids[i]!);
  }
  if (count > 0) {
    report.warnings.push(
      `${file}: ${count} rated ${what} have no entry (e.g. id ${missing.join(', ')}); their side information is empty.`,
    );
  }
}

/**
 * Splits "Toy Story (1995)" into {title: 'Toy Story', year: 1995}. Year ranges of series ("(1993–1998)",
 * "(2007-)") give the first year; a title without a plausible year (1870-2100) is kept whole with year 0.
 */
export function splitTitleYear(raw: string): { title: string; year: number } {
  const text = raw.trim();
  const m = /^(.*?)\s*\((\d{4})(?:\s*[-–]\s*(?:\d{4})?)?\)$/.exec(text);
  if (m === null) return { title: text, year: 0 };
  const year = Number(m[2]);
  if (year < 1870 || year > 2100 || m[1] === '') return { title: text, year: 0 };
  return { title: m[1]!, year };
}

/** Whole number in [0, 2^31), or NaN. */
export function parseId(text: string): number {
  const s = text.trim();
  if (!/^\d{1,10}$/.test(s)) return NaN;
  const n = Number(s);
  return n <= 2147483647 ? n : NaN;
}

/** Splits text into lines (LF or CRLF), dropping the empty last line of a file ending in a newline. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Reads a whole side file as text. MovieLens 100K and 1M side files are latin-1 (e.g. "é" is the single byte
 * 0xE9); the CSV layouts are UTF-8.
 * @throws DataError when the file cannot be read.
 */
export async function readText(file: string, encoding: 'latin1' | 'utf8'): Promise<string> {
  try {
    return (await readFile(file)).toString(encoding);
  } catch (err) {
    throw new DataError(`cannot read the file (${(err as NodeJS.ErrnoException).code ?? err}).`, {
      file,
      cause: err,
    });
  }
}
