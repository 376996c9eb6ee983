/**
 * The training data of a pipeline run: the base ratings (`--data`) plus the rating rows gathered from events,
 * written as a copy of the base ratings file in its own format with the new rows appended, and the movie / user
 * side files linked beside it, so the loaders read titles, genres and user attributes as before. Duplicate
 * (user, movie) pairs resolve as the loaders always do: the latest rating wins.
 *
 * Generic CSV with a column mapping has no fixed line layout to append to, so events can be merged only into the
 * MovieLens formats (the ones `marquee generate` writes); with no rows to add the base is used as it is.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, copyFile, mkdir, open, symlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../../../shared/src/errors.ts';
import { detectSource, type RatingFormat } from '../data/load/index.ts';
import type { RatingRow } from './gather.ts';

/** The data a run trains on. */
export interface MergedData {
  /** What to pass as `--data`: the base path, or the merged directory. */
  path: string;
  format: RatingFormat;
  /** Rows appended to the base ratings. */
  added: number;
  /** sha256 of the ratings file and side files trained on (hex). */
  fingerprint: string;
}

const LINE: Partial<Record<RatingFormat, (r: RatingRow) => string>> = {
  'movielens-100k': ([u, m, v, t]) => `${u}\t${m}\t${v}\t${t}\n`,
  'movielens-1m': ([u, m, v, t]) => `${u}::${m}::${v}::${t}\n`,
  'movielens-csv': ([u, m, v, t]) => `${u},${m},${v},${t}\n`,
};

async function hashFiles(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${basename(f)}\0`);
    for await (const chunk of createReadStream(f)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

async function endsWithoutNewline(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** sha256 of the base ratings file and its side files (hex). @throws DataError from format detection */
export async function baseFingerprint(base: string): Promise<string> {
  const source = await detectSource(base);
  const sides = [source.moviesFile, source.usersFile].filter((f): f is string => f !== undefined);
  return hashFiles([source.ratingsFile, ...sides]);
}

/**
 * Writes the merged data set into `outDir` (or, with no rows, points at the base).
 * @throws UsageError when rows must be merged into generic CSV; DataError from format detection
 */
export async function mergeRatings(
  base: string,
  rows: readonly RatingRow[],
  outDir: string,
): Promise<MergedData> {
  const source = await detectSource(base);
  const sides = [source.moviesFile, source.usersFile].filter((f): f is string => f !== undefined);
  if (rows.length === 0) {
    return {
      path: base,
      format: source.format,
      added: 0,
      fingerprint: await hashFiles([source.ratingsFile, ...sides]),
    };
  }
  const line = LINE[source.format];
  if (line === undefined) {
    throw new UsageError(
      `--data ${base}: rating events can be merged only into MovieLens-format data (u.data, ratings.dat or ` +
        `ratings.csv with its header); got ${source.format}. Convert the base ratings or run without --events.`,
    );
  }
  await mkdir(outDir, { recursive: true });
  const ratingsFile = join(outDir, basename(source.ratingsFile));
  await copyFile(source.ratingsFile, ratingsFile);
  const text = ((await endsWithoutNewline(ratingsFile)) ? '\n' : '') + rows.map(line).join('');
  await appendFile(ratingsFile, text);
  for (const side of sides) await symlink(resolve(side), join(outDir, basename(side)));
  return {
    path: outDir,
    format: source.format,
    added: rows.length,
    fingerprint: await hashFiles([ratingsFile, ...sides]),
  };
}
