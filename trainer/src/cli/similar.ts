/**
 * `marquee similar --run RUNDIR --movie ID [--limit N]`: the movies whose L2-normalized embeddings have the
 * highest cosine similarity with the given movie's (the edge's similar-movies route computes the same).
 */
import { Command } from 'commander';
import { genreNames } from '../../../shared/src/schemas/genres.ts';
import type { RatingsTable } from '../data/types.ts';
import { denseIndexOrThrow, similarMovies, type RankedMovie } from '../evaluate/queries.ts';
import { loadRun, loadRunData } from '../train/run-dir.ts';
import { checkSizes } from './evaluate.ts';
import { intFlag } from './flags.ts';

export function similarCommand(): Command {
  return new Command('similar')
    .description('List the movies most similar to a movie (cosine of normalized movie embeddings).')
    .requiredOption('--run <dir>', 'run directory written by `marquee train`')
    .requiredOption(
      '--movie <id>',
      'external movie id (as in the rating data)',
      intFlag(-(2 ** 31), 2 ** 31 - 1),
    )
    .option('--limit <n>', 'number of movies', intFlag(1, 10_000), 10)
    .action(async (flags: { run: string; movie: number; limit: number }) => {
      const run = await loadRun(flags.run);
      const movie = denseIndexOrThrow(run.movieIds, flags.movie, 'movie');
      const { table } = await loadRunData(run);
      checkSizes(run.dir, run.weights, table);
      const sims = similarMovies(run.weights, movie, flags.limit);
      const title = table.movieInfo?.titles[movie];
      process.stdout.write(`Similar to ${flags.movie}${title ? ` ${title}` : ''}:\n`);
      process.stdout.write(`${formatMovieRows(sims, table, 'cosine', (s) => s.toFixed(3))}\n`);
    });
}

/** Rows "rank  movie id  title  genres  score" aligned in columns; title and genres blank without movie info. */
export function formatMovieRows(
  rows: readonly RankedMovie[],
  table: RatingsTable,
  scoreHeader: string,
  formatScore: (score: number) => string,
): string {
  const cells = rows.map((r) => [
    String(r.rank),
    String(table.movieIds[r.movie]),
    table.movieInfo?.titles[r.movie] ?? '',
    table.movieInfo ? genreNames(table.movieInfo.genres[r.movie] ?? 0).join('|') : '',
    formatScore(r.score),
  ]);
  const all = [['rank', 'movie', 'title', 'genres', scoreHeader], ...cells];
  const widths = all[0]!.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const numeric = [true, true, false, false, true];
  return all
    .map((r) =>
      r
        .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
