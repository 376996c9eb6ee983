/**
 * `marquee demo`: the whole product on a small synthetic data set, end to end — generate, train, evaluate against
 * the baselines, publish to the local R2 that `npm run dev` serves, render the report, and answer a few queries
 * offline. Each step is the real CLI command, run in this process, so the demo cannot drift from the product.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { MarqueeError } from '../../../shared/src/errors.ts';
import { intFlag } from './flags.ts';

/** Marks a directory as the demo's own, so a re-run may clear it without touching anything else. */
const MARKER = '.marquee-demo';

interface DemoFlags {
  dir: string;
  users: number;
  movies: number;
  epochs: number;
  store: string;
  seed: number;
}

type Step = { title: string; argv: string[] };

function steps(flags: DemoFlags): Step[] {
  const dir = resolve(flags.dir);
  const data = join(dir, 'data');
  const run = join(dir, 'run');
  const seed = String(flags.seed);
  return [
    {
      title: 'Generate a synthetic data set',
      argv: [
        'generate',
        '--preset',
        'small',
        '--users',
        String(flags.users),
        '--movies',
        String(flags.movies),
      ].concat(['--seed', seed, '--out', data]),
    },
    { title: 'Data statistics', argv: ['data', 'stats', data] },
    {
      title: 'Train the model',
      argv: ['train', '--data', data, '--out', run, '--epochs', String(flags.epochs), '--seed', seed],
    },
    { title: 'Evaluate against the baselines', argv: ['evaluate', '--run', run, '--baselines'] },
    {
      title: 'Publish the version (stable channel)',
      argv: ['publish', '--run', run, '--store', flags.store, '--channel', 'stable'],
    },
    { title: 'Render the report', argv: ['report', '--run', run, '--out', join(dir, 'report')] },
    { title: 'Recommendations for user 1', argv: ['recommend', '--run', run, '--user', '1', '--limit', '5'] },
    { title: 'Movies similar to movie 1', argv: ['similar', '--run', run, '--movie', '1', '--limit', '5'] },
  ];
}

async function prepareDir(dir: string): Promise<void> {
  if (existsSync(dir)) {
    if (!existsSync(join(dir, MARKER))) {
      throw new MarqueeError(
        `--dir ${dir} exists and was not made by the demo; choose another directory (the demo clears its own).`,
      );
    }
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), 'made by `marquee demo`; safe to delete\n');
}

/** The `marquee demo` command. */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Run the whole flow on a small synthetic data set: generate, train, evaluate, publish to the local R2 that ' +
        '`npm run dev` serves, render the report and query the model.',
    )
    .option('--dir <dir>', 'working directory of the demo (cleared on each run)', 'demo')
    .option('--users <n>', 'synthetic users', intFlag(50, 1_000_000), 3000)
    .option('--movies <n>', 'synthetic movies', intFlag(50, 100_000), 1000)
    .option('--epochs <n>', 'most training epochs', intFlag(1, 1000), 15)
    .option('--seed <n>', 'seed of every random choice', intFlag(0, 2 ** 32 - 1), 42)
    .option(
      '--store <uri>',
      'where to publish (the local R2 bucket that `npm run dev` serves)',
      'r2-local://marquee-models',
    )
    .action(async (flags: DemoFlags) => {
      // Imported here, not at the top: main.ts imports this file, and the demo needs main's dispatcher.
      const { main } = await import('./main.ts');
      const dir = resolve(flags.dir);
      await prepareDir(dir);
      const all = steps(flags);
      for (const [i, step] of all.entries()) {
        process.stdout.write(
          `\n── ${i + 1}/${all.length} ${step.title}\n   $ marquee ${step.argv.join(' ')}\n\n`,
        );
        const code = await main(step.argv);
        if (code !== 0)
          throw new MarqueeError(`demo step "${step.title}" failed (exit code ${code}); see above.`);
      }
      process.stdout.write(
        [
          '',
          'Done. What to look at next:',
          `  report:  ${join(dir, 'report', 'index.html')} (open it in a browser; it needs no network)`,
          '  serve:   npm run dev     (the Worker serves the version just published to the local R2)',
          "  query:   curl 'localhost:8787/v1/users/1/recommendations?limit=5'",
          "           curl 'localhost:8787/v1/movies/1/similar?limit=5'",
          '',
        ].join('\n'),
      );
    });
}
