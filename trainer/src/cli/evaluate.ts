/**
 * `marquee evaluate --run RUNDIR [--test PATH] [--baselines] [--k 10] [--max-users N] [--cold-start-users N]`:
 * evaluates a trained run on its test split (or on a separate test file) and, with --baselines, trains and
 * evaluates the classical baselines on the same split; then measures cold start (users folded in from 1, 3, 5, 10
 * of their ratings; evaluate/cold-start.ts). Prints the tables; merges the metrics into RUNDIR/metrics.json and
 * writes the residual tables and the cold-start results to RUNDIR/evaluation.json.
 */
import path from 'node:path';
import { Command } from 'commander';
import { ArtifactError, UsageError } from '../../../shared/src/errors.ts';
import { loadRatings } from '../data/load/index.ts';
import type { RatingsTable, Split } from '../data/types.ts';
import {
  coldStartMetrics,
  deepRatingModel,
  describeColdStartUsers,
  describeRankedUsers,
  evaluateColdStart,
  evaluateModel,
  evaluationDocument,
  evaluationMetrics,
  externalTestSplit,
  formatColdStartTable,
  formatResultsTable,
  trainBaselines,
  COLD_START_DEFAULTS,
  EVALUATION_DEFAULTS,
  type ColdStartResult,
  type EvaluationResult,
} from '../evaluate/index.ts';
import { prepareScorer } from '../model/scoring.ts';
import type { ModelWeights } from '../model/weights.ts';
import { loadRun, loadRunData, mergeMetrics } from '../train/run-dir.ts';
import { writeFileAtomic } from '../train/tensor-file.ts';
import { defaultRankBy } from '../evaluate/deep-model.ts';
import { Ranker, RANK_BY, type RankBy } from '../model/ranker.ts';
import { planFromMetrics } from '../train/metrics.ts';
import { BASELINE_NAMES, type BaselineName } from '../evaluate/baselines/index.ts';
import { choiceFlag, choiceListFlag, intFlag } from './flags.ts';

interface EvaluateFlags {
  run: string;
  test?: string;
  /** true: every baseline; a list: those. */
  baselines?: boolean | BaselineName[];
  k: number;
  maxUsers: number;
  seed: number;
  rankBy?: RankBy;
  coldStartUsers: number;
}

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description('Evaluate a trained run (RMSE, MAE, top-k ranking metrics), optionally against baselines.')
    .requiredOption('--run <dir>', 'run directory written by `marquee train`')
    .option('--test <path>', "evaluate on these ratings instead of the run's held-out split")
    .option(
      '--baselines [names]',
      `also train and evaluate the baselines on the same split: all, or a comma-separated list of ${BASELINE_NAMES.join(', ')}`,
      choiceListFlag(BASELINE_NAMES),
    )
    .option('--k <n>', 'cut-off of the ranking metrics', intFlag(1, 1000), EVALUATION_DEFAULTS.k)
    .option(
      '--max-users <n>',
      'rank at most this many test users (seeded sample)',
      intFlag(1),
      EVALUATION_DEFAULTS.maxUsers,
    )
    .option('--seed <n>', 'seed of the user sample and the stochastic baselines', intFlag(0, 2 ** 32 - 1), 42)
    .option(
      '--rank-by <how>',
      `how the model ranks: ${RANK_BY.join(' | ')} (default: what the run serves — blend when it has a ` +
        'preference head, else rating); other than the default, metrics.json is left as it is',
      choiceFlag(RANK_BY),
    )
    .option(
      '--cold-start-users <n>',
      `cold start: fold in at most this many test users from ${COLD_START_DEFAULTS.reveals.join(', ')} of their ` +
        `ratings and rank the rest (users with >= ${COLD_START_DEFAULTS.minRatings} ratings, seeded sample); 0 = off`,
      intFlag(0),
      COLD_START_DEFAULTS.maxUsers,
    )
    .action(async (flags: EvaluateFlags) => {
      await runEvaluate(flags);
    });
}

async function runEvaluate(flags: EvaluateFlags): Promise<void> {
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const run = await loadRun(flags.run);
  const data = await loadRunData(run);
  checkSizes(run.dir, run.weights, data.table);
  let table: RatingsTable = data.table;
  let split: Split = data.split;
  const notes: string[] = [];
  if (flags.test !== undefined) {
    const external = externalTestSplit(table, split, (await loadRatings(flags.test)).table);
    ({ table, split } = external);
    if (external.droppedUsers + external.droppedMovies > 0) {
      notes.push(
        `${flags.test}: dropped ${external.droppedUsers} ratings of unknown users and ` +
          `${external.droppedMovies} of unknown movies (the model has no embedding for them).`,
      );
    }
  }
  const options = { k: flags.k, maxUsers: flags.maxUsers, seed: flags.seed };
  log(`evaluating ${split.test.length} test ratings (${split.description}) ...`);
  const timed = <T>(what: string, f: () => T): T => {
    const start = performance.now();
    const value = f();
    log(`  ${what}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return value;
  };
  const plan = planFromMetrics(run.metrics);
  const served = defaultRankBy(run.weights, plan);
  const rankBy = flags.rankBy ?? served;
  if (rankBy !== 'rating' && run.weights.pref === undefined) {
    throw new UsageError(
      `--rank-by ${rankBy}: the run in ${run.dir} has no preference head (trained with --pref-weight 0 or ` +
        'before it existed); use --rank-by rating or retrain.',
    );
  }
  if (rankBy === 'blend' && plan === undefined) {
    throw new UsageError(
      `--rank-by blend: the run in ${run.dir} records no two-stage plan (ranking.candidates in metrics.json); ` +
        'use --rank-by preference or rating.',
    );
  }
  const modelName = rankBy === served ? 'model' : `model:${rankBy}`;
  const modelResult = timed(modelName, () =>
    evaluateModel(deepRatingModel(run.weights, modelName, { rankBy, plan }), table, split, options),
  );
  const baselineResults: EvaluationResult[] = [];
  if (flags.baselines) {
    log('training baselines ...');
    const names = flags.baselines === true ? BASELINE_NAMES : flags.baselines;
    const trained = trainBaselines(table, split, { seed: flags.seed, names });
    for (const [name, seconds] of Object.entries(trained.seconds))
      log(`  ${name} trained: ${seconds.toFixed(1)} s`);
    notes.push(...trained.notes);
    for (const model of trained.models) {
      baselineResults.push(
        timed(`${model.name} evaluated`, () => evaluateModel(model, table, split, options)),
      );
    }
  }
  let coldStart: ColdStartResult | undefined;
  if (flags.coldStartUsers > 0) {
    const start = performance.now();
    coldStart = await evaluateColdStart(new Ranker(prepareScorer(run.weights), rankBy, plan), table, split, {
      maxUsers: flags.coldStartUsers,
      k: flags.k,
      seed: flags.seed,
    });
    log(`  cold start (${coldStart.users} users): ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  const results = [modelResult, ...baselineResults];
  const lines = [
    formatResultsTable(results),
    '',
    `Test: ${modelResult.accuracy.count} ratings (${split.description}); RMSE/MAE clipped to ` +
      `[${table.scale.min}, ${table.scale.max}].`,
    `Ranking: over every movie the user did not rate in training; ${describeRankedUsers(modelResult)}. ` +
      `Pop%@${flags.k}: mean popularity percentile of the recommended movies (100 = the most rated).`,
    `The model ranks by ${rankBy}` +
      (rankBy === 'blend' && plan
        ? `: the ${plan.candidates} movies with the highest preference, ordered by preference + ` +
          `${plan.ratingWeight} × predicted rating.`
        : '.'),
    ...notes,
    ...(coldStart === undefined ? [] : ['', ...coldStartLines(coldStart)]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  if (rankBy !== served) {
    log(
      `ranked by ${rankBy}, not as the run serves (${served}): metrics.json and evaluation.json left as they are`,
    );
    return;
  }
  await mergeMetrics(run.dir, {
    ...evaluationMetrics(modelResult, baselineResults),
    ...(coldStart === undefined ? {} : coldStartMetrics(coldStart)),
  });
  const document = evaluationDocument(results, split.description, notes, new Date(), coldStart);
  await writeFileAtomic(path.join(run.dir, 'evaluation.json'), `${JSON.stringify(document, null, 2)}\n`);
  log(`wrote ${path.join(run.dir, 'metrics.json')} and ${path.join(run.dir, 'evaluation.json')}`);
}

/** The cold-start table and the lines saying what it measured. */
function coldStartLines(result: ColdStartResult): string[] {
  if (result.users === 0) return [`Cold start: ${describeColdStartUsers(result)}.`];
  return [
    `Cold start: each user folded in from n revealed ratings (seeded; the rest of their ratings are the test), ` +
      `ranked as the model ranks with the revealed movies excluded; popularity on the same users and reveals.`,
    formatColdStartTable(result),
    `Over ${describeColdStartUsers(result)}.`,
  ];
}

/** The run's weights must cover exactly the users and movies of its data. */
export function checkSizes(dir: string, weights: ModelWeights, table: RatingsTable): void {
  if (weights.numUsers !== table.userIds.length || weights.numMovies !== table.movieIds.length) {
    throw new ArtifactError(
      dir,
      `the weights are for ${weights.numUsers} users × ${weights.numMovies} movies but the run's data has ` +
        `${table.userIds.length} × ${table.movieIds.length}; was the data file changed after training?`,
    );
  }
}
