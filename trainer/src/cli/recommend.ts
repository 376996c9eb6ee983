/**
 * `marquee recommend --run RUNDIR --user ID [--limit N]`: the top movies for a user the model knows, ranked by the
 * path the edge serves (two-stage with the run's plan); every movie the user rated (train and test) is excluded.
 */
import { Command } from 'commander';
import { denseIndexOrThrow, recommendForUser } from '../evaluate/queries.ts';
import { itemsOf, userItems } from '../evaluate/user-items.ts';
import { servingRanker } from '../evaluate/deep-model.ts';
import { loadRun, loadRunData } from '../train/run-dir.ts';
import { checkSizes } from './evaluate.ts';
import { intFlag } from './flags.ts';
import { formatMovieRows } from './similar.ts';

export function recommendCommand(): Command {
  return new Command('recommend')
    .description('Recommend movies to a known user of a trained run (rated movies excluded).')
    .requiredOption('--run <dir>', 'run directory written by `marquee train`')
    .requiredOption(
      '--user <id>',
      'external user id (as in the rating data)',
      intFlag(-(2 ** 31), 2 ** 31 - 1),
    )
    .option('--limit <n>', 'number of movies', intFlag(1, 10_000), 10)
    .action(async (flags: { run: string; user: number; limit: number }) => {
      const run = await loadRun(flags.run);
      const user = denseIndexOrThrow(
        run.userIds,
        flags.user,
        'user',
        ' For a new user, use the cold-start path: POST their ratings to /v1/recommendations on the edge.',
      );
      const { table } = await loadRunData(run);
      checkSizes(run.dir, run.weights, table);
      const all = Int32Array.from({ length: table.count }, (_, i) => i);
      // Distinct, as the version's seen list the edge uses (also the preference's history) holds them.
      const rated = Int32Array.from(new Set(itemsOf(userItems(table, all), user)));
      const recs = recommendForUser(
        servingRanker(run.weights, run.metrics),
        user,
        rated,
        flags.limit,
        table.scale,
      );
      const header = `Top ${recs.length} for user ${flags.user} (${rated.length} rated movies excluded):\n`;
      const rows = formatMovieRows(recs, table, 'predicted', (score) => score.toFixed(2));
      process.stdout.write(`${header}${rows}\n`);
    });
}
