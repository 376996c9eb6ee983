/**
 * `marquee report --run RUNDIR --out DIR`: writes a self-contained HTML report of a trained run (training curves,
 * error analysis, baselines, bias terms, embedding maps, user segments, explained recommendations) to
 * DIR/index.html, with every figure also saved as DIR/figures/<name>.svg.
 */
import { Command, Option } from 'commander';
import {
  DEFAULT_REPORT_OPTIONS,
  loadReportInputs,
  writeReport,
  type ReportOptions,
} from '../report/index.ts';
import { intFlag } from './flags.ts';

interface ReportFlags {
  run: string;
  out: string;
  seed: number;
  mapMovies: number;
  examples: number;
}

/** `marquee report`. */
export function reportCommand(): Command {
  const d = DEFAULT_REPORT_OPTIONS;
  return new Command('report')
    .description(
      'Write an HTML report of a training run (opens from disk, no network): training curves, errors, ' +
        'baselines, biases, embedding maps, user segments and explained example recommendations.',
    )
    .requiredOption('--run <dir>', 'training run directory')
    .requiredOption('--out <dir>', 'output directory for index.html and figures/')
    .addOption(
      new Option('--seed <s>', 'seed of every sampled or randomised choice (UMAP, k-means, example users)')
        .argParser(intFlag(0, 2 ** 32 - 1))
        .default(d.seed),
    )
    .addOption(
      new Option('--map-movies <n>', 'most-rated movies drawn on the embedding maps')
        .argParser(intFlag(4, 20_000))
        .default(d.mapMovies),
    )
    .addOption(
      new Option('--examples <n>', 'users shown with example recommendations')
        .argParser(intFlag(0, 50))
        .default(d.exampleUsers),
    )
    .action(async (flags: ReportFlags) => {
      const started = performance.now();
      const inputs = await loadReportInputs(flags.run);
      const options: ReportOptions = {
        ...d,
        seed: flags.seed,
        mapMovies: flags.mapMovies,
        exampleUsers: flags.examples,
      };
      const written = await writeReport(flags.out, inputs, options);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `report written to ${written.index} (${written.figures.length} figures in ${flags.out}/figures) in ${seconds} s\n`,
      );
    });
}
