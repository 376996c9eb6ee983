/**
 * `marquee canary judge --store URI --events URI [--apply] [--json]`: compares the canary with stable on the
 * traffic since the current canary step began and says rollback, hold, promote-step or promote; `--apply` makes
 * the change with one write of channels.json. Definitions and tests: trainer/src/canary/ (decide.ts, online.ts).
 */
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../../../shared/src/errors.ts';
import {
  applyDecision,
  DEFAULT_THRESHOLDS,
  formatReport,
  judgeCanary,
  type JudgeThresholds,
} from '../canary/index.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { openStore, STORE_URI_HELP, type OpenStoreOptions } from '../store/open-store.ts';
import { intFlag, numberFlag } from './flags.ts';
import { addStoreOptions, withStore, type StoreFlags } from './publish.ts';

/** Parses an ISO 8601 time with a zone, e.g. 2026-05-01T02:00:00Z. */
export function timeFlag(value: string): Date {
  const ms = Date.parse(value);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    !Number.isFinite(ms)
  ) {
    throw new InvalidArgumentError(
      `expected an ISO 8601 time with a zone, e.g. 2026-05-01T02:00:00Z (got "${value}").`,
    );
  }
  return new Date(ms);
}

/** Parses canary steps: increasing whole percentages from 1 to 100, e.g. "10,25,50,100". */
export function stepsFlag(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const steps = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (
    steps.length === 0 ||
    steps.some((s) => !(s >= 1 && s <= 100)) ||
    steps.some((s, i) => i > 0 && s <= (steps[i - 1] as number))
  ) {
    throw new InvalidArgumentError(
      `expected increasing whole percentages from 1 to 100, comma-separated, e.g. 10,25,50,100 (got "${value}").`,
    );
  }
  return steps;
}

/** Flags of the events bucket: it takes the model store's --endpoint / --region / --persist-to when they apply. */
export interface EventsFlags extends StoreFlags {
  events: string;
}

/**
 * Opens the events bucket named by --events with the store flags that apply to its scheme, checks it, runs `fn`,
 * and closes it.
 */
export async function withEventsStore<T>(
  flags: EventsFlags,
  fn: (events: ObjectStore) => Promise<T>,
): Promise<T> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(flags.events)?.[1]?.toLowerCase();
  const options: OpenStoreOptions = {};
  if (scheme === 's3') {
    if (flags.endpoint !== undefined) options.endpoint = flags.endpoint;
    if (flags.region !== undefined) options.region = flags.region;
  }
  if (scheme === 'r2-local' && flags.persistTo !== undefined) options.persistTo = flags.persistTo;
  const events = await openStore(flags.events, options);
  try {
    await events.check();
    return await fn(events);
  } finally {
    await events.close();
  }
}

interface JudgeFlags extends EventsFlags, JudgeThresholds {
  apply?: boolean;
  json?: boolean;
  since?: Date;
  until?: Date;
}

function judgeCommand(): Command {
  const d = DEFAULT_THRESHOLDS;
  const cmd = new Command('judge').description(
    'Compare the canary with stable on the events since the current canary step began (channels.json ' +
      '`updated`): serving guards (5xx and 4xx rates, p99 latency) and online quality (click-through, watch-through, ' +
      'rating hit rate; one-sided two-proportion z-tests). Decides rollback, hold, promote-step or promote.',
  );
  addStoreOptions(cmd);
  return cmd
    .requiredOption('--events <uri>', `the events bucket the Worker writes: ${STORE_URI_HELP}`)
    .option('--apply', 'perform the decision (one write of channels.json); default: only report it')
    .option('--json', 'print the whole report as JSON')
    .option(
      '--min-impressions <n>',
      'impressions each arm needs before quality is compared',
      intFlag(1),
      d.minImpressions,
    )
    .option(
      '--min-requests <n>',
      'requests each arm needs before the guards are checked',
      intFlag(1),
      d.minRequests,
    )
    .option(
      '--min-ratings <n>',
      'ratings of shown movies each arm needs before the rating hit rate is tested (below: not tested, no hold)',
      intFlag(1),
      d.minRatings,
    )
    .option(
      '--confidence <c>',
      'confidence of the quality tests, in [0.5, 1) (Bonferroni over the tests run)',
      numberFlag(0.5, 1, true),
      d.confidence,
    )
    .option(
      '--error-tolerance <x>',
      'rollback when canary 5xx rate > stable 5xx rate + x (absolute; 0.01 = one percentage point)',
      numberFlag(0, 1),
      d.errorTolerance,
    )
    .option(
      '--client-error-tolerance <x>',
      'rollback when canary 4xx rate > stable 4xx rate + x (absolute; a canary that cannot find users or movies)',
      numberFlag(0, 1),
      d.clientErrorTolerance,
    )
    .option(
      '--latency-tolerance <x>',
      'rollback when canary p99 > stable p99 × (1 + x) (p99 moves in histogram buckets: 8, 12, 20, 35 ms ...)',
      numberFlag(0, 1000),
      d.latencyTolerance,
    )
    .option('--good-rating <v>', 'a rating at least this high is a hit', numberFlag(0, 100), d.goodRating)
    .option(
      '--steps <list>',
      'canary percentages; a next step of 100 (or passing at the last step) promotes to stable',
      stepsFlag,
      [...d.steps],
    )
    .option(
      '--since <time>',
      'window start (default: channels.json `updated`, when the current step began)',
      timeFlag,
    )
    .option('--until <time>', 'window end (default: now)', timeFlag)
    .addHelpText(
      'after',
      `
Online metrics (per arm, events received in the window; definitions in trainer/src/canary/online.ts):
  click-through    share of impressions after which the user clicked a listed movie
  watch-through    the same with watch events
  rating hit rate  share of ratings >= --good-rating among ratings of movies an arm showed that user before
Decision: rollback on a failed guard or a significantly lower quality metric; hold while an arm lacks
--min-impressions or --min-requests (the missing counts are printed); else promote-step to the next of --steps,
or promote when that step is 100 % or the canary passes at the last step.

Examples:
  marquee canary judge --store s3://marquee-models --events s3://marquee-events --endpoint https://<acct>.r2.cloudflarestorage.com
  marquee canary judge --store file://$PWD/store --events file://$PWD/events --apply`,
    )
    .action(async (flags: JudgeFlags) => {
      if (flags.since !== undefined && flags.until !== undefined && flags.since > flags.until) {
        throw new UsageError('--since: expected a time before --until.');
      }
      const thresholds: JudgeThresholds = {
        minImpressions: flags.minImpressions,
        minRequests: flags.minRequests,
        minRatings: flags.minRatings,
        confidence: flags.confidence,
        errorTolerance: flags.errorTolerance,
        clientErrorTolerance: flags.clientErrorTolerance,
        latencyTolerance: flags.latencyTolerance,
        goodRating: flags.goodRating,
        steps: flags.steps,
      };
      await withStore(
        flags,
        (store) =>
          withEventsStore(flags, async (events) => {
            const report = await judgeCanary({
              store,
              events,
              thresholds,
              ...(flags.since === undefined ? {} : { since: flags.since }),
              ...(flags.until === undefined ? {} : { until: flags.until }),
            });
            const written = flags.apply ? await applyDecision(store, report) : null;
            if (flags.json) {
              process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
              return;
            }
            process.stdout.write(formatReport(report));
            if (written !== null) {
              const canary =
                written.canary === null ? 'none' : `${written.canary.version} at ${written.canary.percent} %`;
              process.stdout.write(`applied: channels.json now stable ${written.stable}, canary ${canary}\n`);
            } else if (!flags.apply && report.decision !== 'hold' && report.decision !== 'none') {
              process.stdout.write('not applied (run with --apply to perform it)\n');
            }
          }),
        flags.events,
      );
    });
}

/** `marquee canary`. */
export function canaryCommand(): Command {
  return new Command('canary')
    .description('Judge the canary against stable on live traffic and promote or roll it back.')
    .addCommand(judgeCommand());
}
