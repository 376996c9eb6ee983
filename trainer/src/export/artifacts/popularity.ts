/**
 * Cold-start rankings for popularity.bin: every movie by training rating count, then mean rating, then index; and
 * the same order restricted to each genre.
 */
import { GENRES } from '../../../../shared/src/schemas/genres.ts';
import type { PopularityTables } from '../../../../shared/src/formats/popularity-bin.ts';
import type { MovieStats } from './training-stats.ts';

/**
 * @param genreMasks [numMovies] genre bit masks (bit g = GENRES[g]); all zero when the data has no genres
 */
export function rankPopularity(stats: MovieStats, genreMasks: Uint32Array): PopularityTables {
  const { counts, means } = stats;
  const mean = (m: number): number => (Number.isNaN(means[m] as number) ? -Infinity : (means[m] as number));
  const overall = Int32Array.from({ length: counts.length }, (_, m) => m).sort(
    (a, b) => (counts[b] as number) - (counts[a] as number) || mean(b) - mean(a) || a - b,
  );
  const genreOffsets = new Uint32Array(GENRES.length + 1);
  const lists: number[] = [];
  for (let g = 0; g < GENRES.length; g++) {
    for (const m of overall) if (((genreMasks[m] as number) >>> g) & 1) lists.push(m);
    genreOffsets[g + 1] = lists.length;
  }
  return { overall, genreOffsets, genreMovies: Int32Array.from(lists) };
}
