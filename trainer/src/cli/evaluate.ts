/**
 * `marquee evaluate --run RUNDIR [--test PATH] [--baselines] [--k 10] [--max-users N]`: evaluates a trained run
 * on its test split (or on a separate test file) and, with --baselines, trains and evaluates the classical
 * baselines on the same split. Prints one table; merges the metrics into RUNDIR/metrics.json and writes the
 * residual tables to RUNDIR/evaluation.json.
 */
import path from 'node:path';
import { Command } from 'commander';
import { ArtifactError, UsageError } from '../../../shared/src/errors.ts';
import { loadRatings } from '../data/load/index.ts';
import type { RatingsTable, Split } from '../data/types.ts';
import {
  deepRatingModel,
  describeRankedUsers,
  evaluateModel,
  evaluationDocument,
  evaluationMetrics,
  externalTestSplit,
  formatResultsTable,
  trainBaselines,
  EVALUATION_DEFAULTS,
  type EvaluationResult,
} from '../evaluate/index.ts';
import type { ModelWeights } from '../model/weights.ts';
import { loadRun, loadRunData, mergeMetrics } from '../train/run-dir.ts';
import { writeFileAtomic } from '../train/tensor-file.ts';
import { defaultRankBy } from '../evaluate/deep-model.ts';
import { RANK_BY, type RankBy } from '../model/ranker.ts';
import { planFromMetrics } from '../train/metrics.ts';
import { choiceFlag, intFlag } from './flags.ts';

interface EvaluateFlags {
  run: string;
  test?: string;
  baselines?: boolean;
  k: number;
  maxUsers: number;
  seed: number;
  rankBy?: RankBy;
}

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description('Evaluate a trained run (RMSE, MAE, top-k ranking metrics), optionally against baselines.')
    .requiredOption('--run <dir>', 'run directory written by `marquee train`')
    .option('--test <path>', "evaluate on these ratings instead of the run's held-out split")
    .option('--baselines', 'also train and evaluate the baselines on the same split')
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
    const trained = trainBaselines(table, split, { seed: flags.seed });
    for (const [name, seconds] of Object.entries(trained.seconds))
      log(`  ${name} trained: ${seconds.toFixed(1)} s`);
    notes.push(...trained.notes);
    for (const model of trained.models) {
      baselineResults.push(
        timed(`${model.name} evaluated`, () => evaluateModel(model, table, split, options)),
      );
    }
  }
  const results = [modelResult, ...baselineResults];
  const lines = [
    formatResultsTable(results),
    '',
    `Test: ${modelResult.accuracy.count} ratings (${split.description}); RMSE/MAE clipped to ` +
      `[${table.scale.min}, ${table.scale.max}].`,
    `Ranking: over every movie the user did not rate in training; ${describeRankedUsers(modelResult)}.`,
    `The model ranks by ${rankBy}` +
      (rankBy === 'blend' && plan
        ? `: the ${plan.candidates} movies with the highest preference, ordered by preference + ` +
          `${plan.ratingWeight} × predicted rating.`
        : '.'),
    ...notes,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  if (rankBy !== served) {
    log(
      `ranked by ${rankBy}, not as the run serves (${served}): metrics.json and evaluation.json left as they are`,
    );
    return;
  }
  await mergeMetrics(run.dir, evaluationMetrics(modelResult, baselineResults));
  const document = evaluationDocument(results, split.description, notes);
  await writeFileAtomic(path.join(run.dir, 'evaluation.json'), `${JSON.stringify(document, null, 2)}\n`);
  log(`wrote ${path.join(run.dir, 'metrics.json')} and ${path.join(run.dir, 'evaluation.json')}`);
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
