/**
 * Helpers for the loader tests: write fixture files (text or raw bytes, e.g. latin-1) into a fresh temp
 * directory, and read a loaded table back as external-id rows for comparison.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { RatingsTable } from '../trainer/src/data/types.ts';

/**
 * Creates a temp directory holding `files` (name -> text written as UTF-8, or raw bytes) and returns its path.
 * Call it inside a test: the directory is removed when the test finishes.
 */
export async function writeFixtures(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'marquee-load-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/** Latin-1 bytes of `text` (every char must be ≤ U+00FF), as MovieLens 100K/1M store their side files. */
export function latin1(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** The table's rows as [external user id, external movie id, rating, timestamp], in row order. */
export function externalRows(t: RatingsTable): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let i = 0; i < t.count; i++) {
    out.push([t.userIds[t.users[i]!]!, t.movieIds[t.movies[i]!]!, t.ratings[i]!, t.timestamps[i]!]);
  }
  return out;
}

/** The side info of the movie with external id `movieId`. */
export function movieOf(t: RatingsTable, movieId: number): { title: string; genres: number; year: number } {
  const i = t.movieIds.indexOf(movieId);
  if (i < 0 || t.movieInfo === undefined) throw new Error(`movie ${movieId} not in the table`);
  return { title: t.movieInfo.titles[i]!, genres: t.movieInfo.genres[i]!, year: t.movieInfo.years[i]! };
}
