/**
 * `marquee pipeline --data PATH --store URI [--events URI]`: the nightly job — gather rating events, train a
 * candidate (from the stable's weights with --warm-start), evaluate it against the stable version and the baselines
 * on one holdout, refuse (exit 3) or publish it refit on every rating (stable for a store's first version, else a
 * canary at the first step), and record the run in the store.
 * The steps: trainer/src/pipeline/run-pipeline.ts.
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from '../../../shared/src/errors.ts';
import { parseSplitSpec } from '../data/split/index.ts';
import { BASELINE_NAMES, EVALUATION_DEFAULTS, type BaselineName } from '../evaluate/index.ts';
import {
  CandidateRefused,
  DEFAULT_GATE,
  lockBackendFor,
  REFUSED_EXIT_CODE,
  runPipeline,
  type PipelineResult,
} from '../pipeline/index.ts';
import type { OpenStoreOptions } from '../store/open-store.ts';
import { STORE_URI_HELP } from '../store/open-store.ts';
import { withEventsStore } from './canary.ts';
import { choiceFlag, intFlag, numberFlag } from './flags.ts';
import { addStoreOptions, withStore, type StoreFlags } from './publish.ts';
import { trainCommand } from './train.ts';

/** The split the pipeline evaluates on unless told otherwise: each user's two newest ratings. */
export const PIPELINE_SPLIT = 'last:2';

/**
 * Checks a --split value (UsageError naming --split) and keeps its text for the train command.
 * @throws UsageError for `none`: the gate needs a holdout
 */
function splitFlag(value: string): string {
  if (parseSplitSpec(value).kind === 'none') {
    throw new UsageError(
      '--split: expected a split with a holdout for the gate (got "none"); the served model trains on every ' +
        'rating anyway (--refit-all)',
    );
  }
  return value;
}

/** `marquee train` flags the pipeline sets itself. */
const OWN_TRAIN_FLAGS = ['--data', '--out', '--split', '--test', '--resume', '--force', '--init-from'];

interface PipelineFlags extends StoreFlags {
  data: string;
  events?: string;
  workdir: string;
  split: string;
  trainFlags: string;
  maxUsers: number;
  seed: number;
  gateRmseBaseline: BaselineName;
  gateRankingBaseline: BaselineName;
  rmseTolerance: number;
  ndcgTolerance: number;
  canaryPercent: number;
  replaceCanary?: boolean;
  warmStart?: boolean;
  /** Undefined unless given: commander keeps no default when --refit-all and --no-refit-all are both defined. */
  refitAll?: boolean;
  settleMinutes: number;
  lockTtlMinutes: number;
  json?: boolean;
}

/**
 * Splits --train-flags on whitespace and refuses the flags the pipeline sets.
 * @throws UsageError naming --train-flags
 */
export function parseTrainFlags(text: string): string[] {
  const args = text.split(/\s+/).filter((a) => a !== '');
  const own = args.find((a) => OWN_TRAIN_FLAGS.includes(a.split('=')[0] as string));
  if (own !== undefined) {
    throw new UsageError(`--train-flags: ${own} is set by the pipeline itself (got "${text}").`);
  }
  return args;
}

/** Runs `marquee train` with `args` in this process (its summary goes to stdout, progress to stderr). */
async function trainWithCommand(args: string[]): Promise<void> {
  const cmd = trainCommand().exitOverride();
  // The train command reports on stdout; inside the pipeline that report is progress, so it goes to stderr with
  // the pipeline's own log and stdout carries only the pipeline's result (one JSON document with --json).
  const stdoutWrite = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    await cmd.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      throw new UsageError(`--train-flags: ${err.message.replace(/^error: /, '')}`, { cause: err });
    }
    throw err;
  } finally {
    process.stdout.write = stdoutWrite;
  }
}

function printResult(result: PipelineResult, code: number, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ code, record: result.record }, null, 2)}\n`);
    return;
  }
  const lines = result.summary.map((l) => `pipeline: ${l}`);
  const r = result.record;
  if (r?.metrics !== undefined) {
    const m = r.metrics;
    const row = (name: string, s: { rmse: number; ndcg: number; ratings: number }) =>
      `  ${name.padEnd(22)} RMSE ${s.rmse.toFixed(4)}  NDCG@${m.holdout.k} ${s.ndcg.toFixed(4)}  (${s.ratings} ratings)`;
    lines.unshift(
      `pipeline: holdout ${m.holdout.split}: ${m.holdout.ratings} ratings`,
      row('candidate', m.candidate),
      ...Object.entries(m.baselines).map(([name, s]) => row(name, s)),
      ...(m.stable.compared
        ? [row('candidate (shared)', m.stable.candidate), row(`stable ${m.stable.version}`, m.stable.stable)]
        : []),
    );
  }
  const t = r?.train.result;
  if (t !== undefined && r !== null) {
    const start = r.train.warmStart ? `warm from ${r.train.warmStart}` : 'cold';
    const refit = t.refitEpochs === null ? '' : ` + refit ${t.refitEpochs}`;
    lines.push(
      `pipeline: candidate: ${start}, ${t.epochs} epochs (best ${t.bestEpoch})${refit}, ${t.seconds.toFixed(1)} s`,
    );
  }
  const p = r?.published;
  if (p !== undefined) {
    lines.push(
      p.model === 'refit-all'
        ? `pipeline: served model: trained on every rating (${p.ratings}, ${p.holdoutRatings} of the holdout) ` +
            `for ${p.epochs} epochs, ${p.seconds.toFixed(1)} s`
        : `pipeline: served model: the candidate (${p.ratings} ratings, no holdout)`,
    );
  }
  if (r !== null) lines.push(`pipeline: run record pipeline/runs/${r.id}.json`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `marquee pipeline`. */
export function pipelineCommand(): Command {
  const g = DEFAULT_GATE;
  const cmd = new Command('pipeline').description(
    'The nightly job: gather rating events since the last run, train a candidate, evaluate it against the ' +
      'stable version and the baselines on one holdout, refuse (exit 3) or publish it as a canary at the first ' +
      'step (stable for a store with none), and record the run in the store (pipeline/runs/).',
  );
  addStoreOptions(cmd);
  return cmd
    .requiredOption(
      '--data <path>',
      'base ratings: a MovieLens directory or ratings file (e.g. from marquee generate)',
    )
    .option(
      '--events <uri>',
      `the events bucket: its rating events since the last run join the training data (${STORE_URI_HELP})`,
    )
    .option('--workdir <dir>', 'where run directories are kept (one per run: merged data, model)', './runs')
    .option(
      '--split <spec>',
      'the holdout all models are evaluated on (see `marquee train --help`); the newest ratings keep the stable ' +
        'comparison fair',
      splitFlag,
      PIPELINE_SPLIT,
    )
    .option('--train-flags <flags>', 'extra `marquee train` flags, e.g. "--epochs 20 --arch hybrid"', '')
    .option(
      '--max-users <n>',
      'rank at most this many holdout users for NDCG (seeded sample)',
      intFlag(1),
      EVALUATION_DEFAULTS.maxUsers,
    )
    .option('--seed <n>', 'seed of the user sample and the baselines', intFlag(0, 2 ** 32 - 1), 42)
    .option(
      '--gate-rmse-baseline <name>',
      `baseline the candidate must beat on RMSE: ${BASELINE_NAMES.join(', ')}`,
      choiceFlag(BASELINE_NAMES),
      g.rmseBaseline,
    )
    .option(
      '--gate-ranking-baseline <name>',
      'baseline the candidate must beat on NDCG@10',
      choiceFlag(BASELINE_NAMES),
      g.rankingBaseline,
    )
    .option(
      '--rmse-tolerance <x>',
      'refuse when candidate RMSE > stable RMSE × (1 + x) on the shared holdout',
      numberFlag(0, 10),
      g.rmseTolerance,
    )
    .option(
      '--ndcg-tolerance <x>',
      'refuse when candidate NDCG@10 < stable NDCG@10 × (1 − x) on the shared holdout',
      numberFlag(0, 1),
      g.ndcgTolerance,
    )
    .option('--canary-percent <p>', 'share of users a new version gets as canary', intFlag(1, 100), 10)
    .option('--replace-canary', 'train and replace a canary in flight (default: skip while one is in flight)')
    .option(
      '--warm-start',
      "start the candidate from the stable version's weights (pipeline/models/<version>/; users and movies new " +
        'since start fresh) instead of random ones; it is then judged on the holdout ratings the stable never ' +
        'trained on (default: off; a cold start when the stable has no run files or another model shape)',
    )
    .option(
      '--refit-all',
      'once the gate passes, publish the candidate retrained on every rating, its holdout included, for its ' +
        'number of epochs (default: on)',
    )
    .option('--no-refit-all', 'publish the judged candidate itself (trained without its holdout)')
    .option(
      '--settle-minutes <n>',
      'read only events files named at least this long ago (late queue writes are not skipped)',
      intFlag(0, 24 * 60),
      10,
    )
    .option(
      '--lock-ttl-minutes <n>',
      'lifetime of the pipeline lock; a killed run blocks others this long; must exceed a run',
      intFlag(1, 7 * 24 * 60),
      360,
    )
    .option('--json', 'print the run record as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 published, skipped (canary in flight) or nothing to do (inputs unchanged); 3 refused (the gate);
2 bad flags, data or storage, or another pipeline holds the lock.
Gate: RMSE < --gate-rmse-baseline and NDCG@10 > --gate-ranking-baseline on the holdout; and, when the stable
version's run files are in the store (pipeline/models/<version>/), no worse than stable beyond the tolerances on the
holdout ratings both models know and the stable never trained on. Rating events become rating rows, an event
delivered twice once; watch events are counted, not trained on. Once the gate passes, the version published is
trained on every rating, the holdout included (--refit-all).

Example:
  marquee pipeline --data data/ratings --store s3://marquee-models --events s3://marquee-events \\
    --endpoint https://<account>.r2.cloudflarestorage.com --train-flags "--epochs 20"`,
    )
    .action(async (flags: PipelineFlags) => {
      const trainArgs = parseTrainFlags(flags.trainFlags);
      const storeOptions: OpenStoreOptions = {};
      if (flags.endpoint !== undefined) storeOptions.endpoint = flags.endpoint;
      if (flags.region !== undefined) storeOptions.region = flags.region;
      const pipeline = withStore(
        flags,
        async (store) => {
          const run = (events: Parameters<typeof runPipeline>[0]['events']) =>
            runPipeline({
              store,
              events,
              lock: lockBackendFor(flags.store, storeOptions, store),
              lockTtlMs: flags.lockTtlMinutes * 60_000,
              data: flags.data,
              workdir: flags.workdir,
              trainArgs,
              split: flags.split,
              compare: {
                k: EVALUATION_DEFAULTS.k,
                maxUsers: flags.maxUsers,
                seed: flags.seed,
                baselines: [...new Set([flags.gateRmseBaseline, flags.gateRankingBaseline])],
              },
              gate: {
                rmseBaseline: flags.gateRmseBaseline,
                rankingBaseline: flags.gateRankingBaseline,
                rmseTolerance: flags.rmseTolerance,
                ndcgTolerance: flags.ndcgTolerance,
              },
              canaryPercent: flags.canaryPercent,
              replaceCanary: flags.replaceCanary === true,
              warmStart: flags.warmStart === true,
              refitAll: flags.refitAll !== false,
              settleMs: flags.settleMinutes * 60_000,
              train: trainWithCommand,
              log: (line) => process.stderr.write(`${line}\n`),
            });
          return flags.events === undefined
            ? run(null)
            : withEventsStore({ ...flags, events: flags.events }, (events) => run(events));
        },
        flags.events,
      );
      let result: PipelineResult;
      try {
        result = await pipeline;
      } catch (err) {
        // The metrics and checks are printed as for a publish; main() then prints the reasons and exits 3.
        if (err instanceof CandidateRefused) printResult(err, REFUSED_EXIT_CODE, flags.json === true);
        throw err;
      }
      printResult(result, 0, flags.json === true);
    });
}
