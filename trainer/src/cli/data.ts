/**
 * `marquee data stats PATH`: loads a rating data set in any supported format and prints its statistics — a
 * readable table on stdout, or JSON with `--json`. Loader warnings go to stderr.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { MarqueeError } from '../../../shared/src/errors.ts';
import {
  FORMAT_LABELS,
  RATING_FORMATS,
  describeScale,
  loadRatings,
  parseColumnMapping,
  parseDelimiter,
  parseScale,
  type LoadOptions,
  type RatingFormat,
} from '../data/load/index.ts';
import { computeStats, type DataStats, type Quantiles } from '../data/stats.ts';

interface StatsFlags {
  skipInvalid?: boolean;
  columns?: LoadOptions['columns'];
  delimiter?: string;
  scale?: LoadOptions['scale'];
  format?: RatingFormat;
  json?: boolean;
}

/** `marquee data` and its subcommands. */
export function dataCommand(): Command {
  const data = new Command('data').description('Inspect rating data sets.');
  data
    .command('stats')
    .description(
      'Load a rating data set (a directory or a ratings file: MovieLens 100K, 1M, latest/20M/25M, or any CSV with ' +
        '--columns) and print counts, density, rating histogram and per-user/per-movie quantiles.',
    )
    .argument('<path>', 'data directory or ratings file')
    .option('--skip-invalid', 'skip (and count) invalid lines instead of stopping at the first one')
    .option(
      '--columns <mapping>',
      'generic CSV column mapping, e.g. user=uid,movie=item_id,rating=stars,timestamp=ts',
      asFlag(parseColumnMapping),
    )
    .option(
      '--delimiter <char>',
      'generic CSV delimiter (default ","; "tab" for tabs)',
      asFlag(parseDelimiter),
    )
    .option(
      '--scale <min:max:step>',
      'rating scale to enforce, e.g. 0.5:5:0.5 (default: inferred)',
      asFlag(parseScale),
    )
    .addOption(new Option('--format <format>', 'skip format detection').choices(RATING_FORMATS))
    .option('--json', 'print JSON instead of a table')
    .action(async (path: string, flags: StatsFlags) => {
      const options: LoadOptions = { skipInvalid: flags.skipInvalid === true };
      if (flags.columns !== undefined) options.columns = flags.columns;
      if (flags.delimiter !== undefined) options.delimiter = flags.delimiter;
      if (flags.scale !== undefined) options.scale = flags.scale;
      if (flags.format !== undefined) options.format = flags.format;
      const { table, report } = await loadRatings(path, options);
      const stats = computeStats(table, report);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...stats, warnings: report.warnings }, null, 2)}\n`);
      } else {
        process.stdout.write(formatStats(stats));
        for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);
      }
    });
  return data;
}

/** Adapts a parser that throws MarqueeError to commander's flag-error convention (message names the flag). */
function asFlag<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof MarqueeError) throw new InvalidArgumentError(err.message.replace(/^--[\w-]+: /, ''));
      throw err;
    }
  };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const num = (n: number): string => (Number.isInteger(n) ? int(n) : n.toFixed(1));

/** The human-readable report of `marquee data stats`. */
export function formatStats(s: DataStats): string {
  const label = FORMAT_LABELS[s.format as RatingFormat] ?? s.format;
  const span = s.timeSpan
    ? `${s.timeSpan.first.slice(0, 10)} → ${s.timeSpan.last.slice(0, 10)} (${int(s.timeSpan.days)} days)`
    : 'no timestamps';
  const lines = [
    `Data set    ${s.path}`,
    `Format      ${label}`,
    `Ratings     ${int(s.ratings)}`,
    `Users       ${int(s.users)}`,
    `Movies      ${int(s.movies)}`,
    `Density     ${(s.density * 100).toFixed(3)} %`,
    `Scale       ${describeScale(s.scale)}`,
    `Mean        ${s.meanRating.toFixed(3)}`,
    `Time span   ${span}`,
    `Side info   movies: ${s.hasMovieInfo ? 'yes' : 'no'}, users: ${s.hasUserInfo ? 'yes' : 'no'}`,
    `Repaired    ${int(s.duplicatesResolved)} duplicates resolved (latest kept), ${int(s.skippedInvalid)} invalid lines skipped`,
    '',
    'Rating histogram',
  ];
  const maxCount = Math.max(...s.histogram.map((b) => b.count), 1);
  for (const b of s.histogram) {
    const name = b.from === b.to ? `${b.from}` : `${b.from}–${b.to}`;
    const share = ((b.count / s.ratings) * 100).toFixed(1);
    const bar = '█'.repeat(Math.round((b.count / maxCount) * 30));
    lines.push(`  ${name.padEnd(10)} ${int(b.count).padStart(12)} ${share.padStart(6)} %  ${bar}`);
  }
  lines.push(
    '',
    `Ratings per ${['min', 'p10', 'p25', 'p50', 'p75', 'p90', 'max'].map((h) => h.padStart(9)).join('')}`,
  );
  const row = (name: string, q: Quantiles) =>
    `  ${name.padEnd(9)} ${[q.min, q.p10, q.p25, q.p50, q.p75, q.p90, q.max].map((v) => num(v).padStart(9)).join('')}`;
  lines.push(row('user', s.ratingsPerUser), row('movie', s.ratingsPerMovie), '');
  return lines.join('\n');
}
