/**
 * `marquee generate`: writes a synthetic rating data set and prints its statistics and noise floor.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  DEFAULT_SEED,
  generateDataset,
  PRESET_NAMES,
  PRESETS,
  type GenerateSummary,
  type PresetName,
} from '../data/generate/index.ts';
import { choiceFlag, intFlag } from './flags.ts';

interface GenerateFlags {
  preset: PresetName;
  users?: number;
  movies?: number;
  density?: number;
  seed: number;
  out: string;
  force?: boolean;
}

/** `marquee generate --preset small|standard|large [--users N] [--movies N] [--density D] [--seed S] --out DIR`. */
export function generateCommand(): Command {
  const presets = PRESET_NAMES.map(
    (p) => `${p} = ${PRESETS[p].users} users × ${PRESETS[p].movies} movies at density ${PRESETS[p].density}`,
  ).join('; ');
  return new Command('generate')
    .description(
      'Generate a synthetic rating data set (MovieLens "latest" CSV layout plus users.csv and truth.csv) ' +
        'from a known latent process, and print its statistics and noise floor.',
    )
    .addOption(
      new Option('--preset <name>', `size preset (${presets})`)
        .argParser(choiceFlag(PRESET_NAMES))
        .default('small'),
    )
    .addOption(new Option('--users <n>', 'number of users (overrides the preset)').argParser(intFlag(1)))
    .addOption(new Option('--movies <n>', 'number of movies (overrides the preset)').argParser(intFlag(20)))
    .addOption(
      new Option('--density <d>', 'ratings / (users × movies), in (0, 1] (overrides the preset)').argParser(
        positiveFraction,
      ),
    )
    .addOption(
      new Option('--seed <s>', 'random seed; the same seed gives byte-identical files')
        .argParser(intFlag(0))
        .default(DEFAULT_SEED),
    )
    .addOption(new Option('--out <dir>', 'output directory (written atomically)').makeOptionMandatory())
    .addOption(new Option('--force', 'replace the output directory if it exists and is not empty'))
    .action(async (flags: GenerateFlags) => {
      const progress = progressReporter();
      let summary: GenerateSummary;
      try {
        summary = await generateDataset(flags, flags.out, progress.update);
      } finally {
        progress.stop();
      }
      process.stdout.write(formatSummary(summary));
    });
}

/** Density flag: a number in (0, 1]. */
function positiveFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) {
    throw new InvalidArgumentError(`expected a number in (0, 1] (got "${value}").`);
  }
  return n;
}

/**
 * A progress bar on an interactive stderr; otherwise a line per 10% once the run has lasted two seconds, so quick
 * runs and CI logs stay quiet.
 */
function progressReporter(): { update: (fraction: number) => void; stop: () => void } {
  const started = Date.now();
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'generate [{bar}] {percentage}% | {duration}s',
      stream: process.stderr,
      hideCursor: true,
    });
    let active = false;
    return {
      update: (fraction) => {
        if (!active) {
          if (Date.now() - started < 1000) return;
          bar.start(100, 0);
          active = true;
        }
        bar.update(Math.round(fraction * 100));
      },
      stop: () => {
        if (active) bar.stop();
      },
    };
  }
  let lastDecile = 0;
  return {
    update: (fraction) => {
      const decile = Math.floor(fraction * 10);
      if (decile <= lastDecile) return;
      lastDecile = decile;
      if (Date.now() - started >= 2000) {
        process.stderr.write(`generate: ${decile * 10}% (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
      }
    },
    stop: () => undefined,
  };
}

/** The summary printed after a run: one "key: value" line each, easy to read and to grep. */
export function formatSummary(s: GenerateSummary): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const hist = s.histogram.map((c, i) => `${i + 1}: ${((100 * c) / s.ratings).toFixed(1)}%`).join(', ');
  return [
    `wrote ${s.outDir} (preset ${s.preset}, seed ${s.seed})`,
    `users: ${n(s.users)}`,
    `movies: ${n(s.movies)} (${n(s.ratedMovies)} rated)`,
    `ratings: ${n(s.ratings)}`,
    `density: ${s.density.toPrecision(4)}`,
    `ratings per user: ${s.minRatingsPerUser} to ${n(s.maxRatingsPerUser)} (mean ${(s.ratings / s.users).toFixed(1)})`,
    `mean rating: ${s.meanRating.toFixed(4)} (sd ${s.ratingSd.toFixed(4)}; ${hist})`,
    `noise floor RMSE: ${s.noiseFloorRmse.toFixed(4)}`,
    `time: ${s.seconds.toFixed(2)} s`,
    '',
  ].join('\n');
}
