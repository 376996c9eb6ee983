/**
 * `npm run bench:train [-- --preset standard|ml100k|small|large] [--backend wasm] [--data DIR] [--keep] [--epochs N] [--arch A]
 *   [--batch-size B] [--no-refit]`
 *
 * 1. Generates the synthetic preset with `marquee generate` (a child process) unless --data names an existing one.
 * 2. Trains the default model in this process, through the same code as `marquee train` (backend wasm by default).
 * 3. Prints throughput (median ratings/s over the epochs), epochs, wall time, peak RSS, test RMSE/MAE, the noise
 *    floor on the test rows (RMSE of the generator's expected rating, truth.csv, against the observed ratings: what
 *    the Bayes-optimal predictor scores), the ratio to it, and the biased baseline and biased MF on the same split.
 * Targets (issue 3): ≥ 40,000 ratings/s on wasm; test RMSE ≤ 1.05 × the noise floor and clearly below biased MF.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RatingsTable, Split } from '../src/data/types.ts';
import type { BackendChoice } from '../src/model/backend.ts';
import { DEFAULT_SPLIT_SPEC } from '../src/data/split/index.ts';
import { trainBaselines } from '../src/evaluate/baselines/index.ts';
import { deepRatingModel } from '../src/evaluate/deep-model.ts';
import { evaluateModel } from '../src/evaluate/evaluate.ts';
import { clippedAccuracy, planFromMetrics } from '../src/train/metrics.ts';
import { resolveTrainOptions, type TrainOptionsInput } from '../src/train/options.ts';
import { formatRate } from '../src/train/progress.ts';
import { runTraining } from '../src/train/run.ts';
import { loadRun, loadRunData } from '../src/train/run-dir.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'trainer/bin/marquee.js');

interface Args {
  preset: string;
  backend: BackendChoice;
  data?: string;
  keep: boolean;
  overrides: TrainOptionsInput;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { preset: 'standard', backend: 'wasm', keep: false, overrides: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--preset') args.preset = value();
    else if (flag === '--backend') args.backend = value() as BackendChoice;
    else if (flag === '--data') args.data = resolve(value());
    else if (flag === '--keep') args.keep = true;
    else if (flag === '--epochs') args.overrides.epochs = Number(value());
    else if (flag === '--arch') args.overrides.model = { ...args.overrides.model, arch: value() as 'dcf' };
    else if (flag === '--batch-size') args.overrides.batchSize = Number(value());
    else if (flag === '--no-refit') args.overrides.refit = false;
    else
      throw new Error(
        `unknown flag ${flag} (expected --preset, --backend, --data, --keep, --epochs, --arch, --batch-size, --no-refit)`,
      );
  }
  return args;
}

/**
 * `ml100k` is not a generator preset: the MovieLens-100K-shaped set (943 users × 1,682 movies, 100K ratings),
 * split at random 20 % as MovieLens 100K's own u1–u5 splits are.
 */
const SHAPES: Record<string, { generate: string[]; split: string }> = {
  ml100k: { generate: ['--users', '943', '--movies', '1682', '--density', '0.0631'], split: 'random:0.2' },
};

function generate(preset: string, out: string): Promise<string> {
  const how = SHAPES[preset]?.generate ?? ['--preset', preset];
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, 'generate', ...how, '--out', out], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? ok(stdout) : fail(new Error(`marquee generate exited ${code}`)),
    );
  });
}

/** RMSE of the generator's expected ratings against the observed test ratings: the noise floor. */
async function noiseFloor(dir: string, table: RatingsTable, split: Split): Promise<number> {
  const userIndex = new Map<number, number>();
  table.userIds.forEach((id, i) => userIndex.set(id, i));
  const movieIndex = new Map<number, number>();
  table.movieIds.forEach((id, i) => movieIndex.set(id, i));
  const expected = new Map<number, number>();
  const numMovies = table.movieIds.length;
  const lines = (await readFile(join(dir, 'truth.csv'), 'utf8')).split('\n');
  for (let i = 1; i < lines.length; i++) {
    const [u, m, e] = lines[i]!.split(',');
    if (e === undefined) continue;
    const ui = userIndex.get(Number(u));
    const mi = movieIndex.get(Number(m));
    if (ui !== undefined && mi !== undefined) expected.set(ui * numMovies + mi, Number(e));
  }
  let se = 0;
  let n = 0;
  for (const r of split.test) {
    const e = expected.get(table.users[r]! * numMovies + table.movies[r]!);
    if (e === undefined) continue;
    se += (e - table.ratings[r]!) ** 2;
    n++;
  }
  return Math.sqrt(se / n);
}

async function baselineRmse(table: RatingsTable, split: Split): Promise<Record<string, number> | string> {
  let baselines: typeof import('../src/evaluate/baselines/index.ts');
  try {
    baselines = await import('../src/evaluate/baselines/index.ts');
  } catch (err) {
    return `baselines unavailable (${(err as Error).message.split('\n')[0]})`;
  }
  const { models } = baselines.trainBaselines(table, split, { names: ['biased', 'mf'] });
  const users = Int32Array.from(split.test, (r) => table.users[r]!);
  const movies = Int32Array.from(split.test, (r) => table.movies[r]!);
  const out: Record<string, number> = {};
  for (const m of models)
    out[m.name] = clippedAccuracy(m.predict(users, movies), table.ratings, split.test, table.scale).rmse;
  return out;
}

/**
 * Top-N quality as `marquee evaluate` measures it (same protocol, 1,000 sampled users): the model as it serves
 * (two-stage with its plan) against popularity and EASE, with the targets of the design (≥ ease, ≥ 1.5 × popularity).
 */
function topN(run: Awaited<ReturnType<typeof loadRun>>, table: RatingsTable, split: Split): string[] {
  const model = evaluateModel(
    deepRatingModel(run.weights, 'model', { plan: planFromMetrics(run.metrics) }),
    table,
    split,
  );
  const { models } = trainBaselines(table, split, { names: ['popularity', 'ease'] });
  const ndcg: Record<string, number> = { model: model.ranking.ndcg };
  for (const b of models) ndcg[b.name] = evaluateModel(b, table, split).ranking.ndcg;
  const pop = ndcg.popularity ?? NaN;
  const ease = ndcg.ease;
  return [
    `NDCG@10            model ${ndcg.model!.toFixed(4)} (ranks by ${run.weights.pref ? 'blend' : 'rating'}), popularity ${pop.toFixed(4)}, ease ${ease === undefined ? 'skipped' : ease.toFixed(4)}`,
    `model / popularity ${(ndcg.model! / pop).toFixed(3)} (target ≥ 1.5); model / ease ${ease === undefined ? '–' : (ndcg.model! / ease).toFixed(3)} (target ≥ 1)`,
  ];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), 'marquee-bench-train-'));
  try {
    let dataDir = args.data;
    if (dataDir === undefined || !(await stat(dataDir).catch(() => undefined))) {
      dataDir = join(work, 'data');
      process.stderr.write(`generating the ${args.preset} preset into ${dataDir} ...\n`);
      const summary = await generate(args.preset, dataDir);
      process.stderr.write(summary);
    }
    const out = join(work, 'run');
    const options = resolveTrainOptions(args.overrides);
    const outcome = await runTraining({
      out,
      data: {
        path: dataDir,
        split: SHAPES[args.preset]?.split ?? DEFAULT_SPLIT_SPEC,
        seed: options.seed,
        load: {},
      },
      options,
      backend: args.backend,
    });
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const run = await loadRun(out);
    const { table, split } = await loadRunData(run);
    const floor = await noiseFloor(dataDir, table, split);
    const baselines = await baselineRmse(table, split);
    const ranking = topN(run, table, split);
    const m = outcome.metrics;
    const rmse = m['test.rmse']!;
    const lines = [
      '',
      `bench:train — preset ${args.preset}, ${table.count} ratings, split ${split.description}`,
      `backend            ${run.config.backend.kind} — ${run.config.backend.device}`,
      `model              ${run.config.train.model.arch}, dim ${run.config.train.model.dim}, hidden ${run.config.train.model.hidden.join(',')}, batch ${run.config.train.batchSize}`,
      `throughput         ${formatRate(outcome.medianSamplesPerSec)} ratings/s (median over ${outcome.epochs}${m['refit.epochs'] === undefined ? '' : ` + ${m['refit.epochs']} refit`} epochs; target ≥ 40k on wasm)`,
      `epochs             ${outcome.epochs} (best ${outcome.bestEpoch}; ${outcome.message})`,
      m['refit.epochs'] === undefined
        ? 'refit              off'
        : `refit              ${m['refit.epochs']} epochs on train + validation (the kept model); the validation-selected model: test RMSE ${m['selected.test.rmse']!.toFixed(4)}`,
      `wall time          ${outcome.seconds.toFixed(1)} s (load, train, validate, save)`,
      `peak RSS           ${peakRssMb.toFixed(0)} MB`,
      `test RMSE / MAE    ${rmse.toFixed(4)} / ${m['test.mae']!.toFixed(4)}`,
      `noise floor        ${floor.toFixed(4)} (truth.csv on the test rows)`,
      `RMSE / floor       ${(rmse / floor).toFixed(3)} (target ≤ 1.05)`,
      typeof baselines === 'string'
        ? `baselines          ${baselines}`
        : Object.entries(baselines)
            .map(([name, v]) => `baseline ${name.padEnd(10)} RMSE ${v.toFixed(4)}`)
            .join('\n'),
      ...ranking,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (args.keep) process.stdout.write(`kept ${work}\n`);
  } finally {
    if (!args.keep) await rm(work, { recursive: true, force: true });
  }
}

await main();
