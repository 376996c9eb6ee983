/**
 * `marquee evaluate`'s cold-start measurement and popularity column on a real run directory: a CSV data set on
 * disk where every user has enough ratings to be folded in, and a run saved with saveRun (random weights with a
 * preference head and a two-stage plan: these tests check the command, not the model).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/src/kernels/prng.ts';
import { randomWeights } from '../../../tools/evaluation-data.ts';
import { initPreference } from '../model/init.ts';
import { loadSplitData, type DataSpec } from '../train/data.ts';
import { saveRun } from '../train/run-dir.ts';
import { main } from './main.ts';
import { captureOutput, testRunConfig } from '../../../tools/cli-capture.ts';

const io = captureOutput();

let root = '';
let runDir = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'marquee-evaluate-'));
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  // 40 users × 60 movies, each pair rated with probability 0.6 (~36 ratings per user).
  const rng = createRng(3, 1);
  const ratings = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= 40; u++) {
    for (let m = 1; m <= 60; m++) {
      if (rng.nextFloat() < 0.6) ratings.push(`${u},${m},${1 + ((u * m) % 5)},${1_000_000 + u * 100 + m}`);
    }
  }
  await writeFile(join(dataDir, 'ratings.csv'), `${ratings.join('\n')}\n`);
  const spec: DataSpec = { path: dataDir, split: 'user:0.2', seed: 7, load: {} };
  const { table, split } = await loadSplitData(spec);
  const weights = randomWeights(table.userIds.length, table.movieIds.length, 3);
  weights.pref = initPreference(weights.dim, new Int32Array(table.movieIds.length));
  weights.pref.movieBias.forEach((_, m, b) => (b[m] = Math.cos(m)));
  runDir = join(root, 'run');
  await saveRun(runDir, {
    config: testRunConfig(spec, table, split),
    weights,
    userIds: table.userIds,
    movieIds: table.movieIds,
    history: [],
    metrics: { 'ranking.candidates': 12, 'ranking.ratingWeight': 0.5 },
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('marquee evaluate: cold start and popularity', () => {
  it('prints the cold-start table after the main table and records its keys and results', async () => {
    expect(await main(['evaluate', '--run', runDir, '--cold-start-users', '7'])).toBe(0);
    expect(io.out).toMatch(/^model\s+RMSE\s+.*Cov@10\s+Pop%@10\n/);
    expect(io.out).toMatch(/\nmodel\s+(\d\.\d{4}\s+){8}\d+\.\d\n/);
    const table = io.out.slice(io.out.indexOf('\nrevealed'));
    expect(table).toMatch(/^\nrevealed\s+model NDCG@10\s+popularity NDCG@10\s+Pop%@10\s+fit RMSE\n/);
    for (const n of [1, 3, 5, 10])
      expect(table).toMatch(new RegExp(`\\n${n}\\s+\\d\\.\\d{4}\\s+\\d\\.\\d{4}\\s`));
    expect(io.out).toMatch(
      /Over 7 of \d+ test users with >= 20 rated movies and one rated >= 4 \(seeded sample/,
    );
    expect(io.err).toMatch(/cold start \(7 users\): \d+\.\d s/);
    const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));
    expect(metrics['test.coldstart.users']).toBe(7);
    for (const n of [1, 3, 5, 10]) {
      expect(metrics[`test.coldstart.ndcg@10.n${n}`]).toBeGreaterThanOrEqual(0);
      expect(metrics[`baselines.popularity.coldstart.ndcg@10.n${n}`]).toBeGreaterThanOrEqual(0);
    }
    expect(metrics['test.popularity_pct@10']).toBeGreaterThan(0);
    expect(metrics['test.popularity_pct@10']).toBeLessThanOrEqual(100);
    const evaluation = JSON.parse(await readFile(join(runDir, 'evaluation.json'), 'utf8'));
    expect(evaluation.coldStart.users).toBe(7);
    expect(evaluation.coldStart.rows.map((r: { revealed: number }) => r.revealed)).toEqual([1, 3, 5, 10]);
    expect(evaluation.models[0].ranking.popularityPct).toBe(metrics['test.popularity_pct@10']);
  });

  it('skips cold start with --cold-start-users 0', async () => {
    expect(await main(['evaluate', '--run', runDir, '--cold-start-users', '0'])).toBe(0);
    expect(io.out).not.toMatch(/Cold start/);
    expect(io.err).not.toMatch(/cold start/);
  });

  it('exits 2 naming the flag for a bad --cold-start-users', async () => {
    for (const bad of ['-1', 'many', '2.5']) {
      expect(await main(['evaluate', '--run', runDir, '--cold-start-users', bad])).toBe(2);
      expect(io.err).toMatch(/--cold-start-users/);
    }
  });

  it('ranks by --rank-by and leaves metrics.json alone unless it is the served ranking', async () => {
    expect(await main(['evaluate', '--run', runDir, '--cold-start-users', '0'])).toBe(0);
    expect(io.out).toMatch(/The model ranks by blend: the 12 movies with the highest preference/);
    const served = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'))['test.ndcg@10'];
    expect(await main(['evaluate', '--run', runDir, '--cold-start-users', '0', '--rank-by', 'rating'])).toBe(
      0,
    );
    expect(io.out).toMatch(/\nmodel:rating\s+\d\.\d{4}/);
    expect(io.err).toMatch(/ranked by rating, not as the run serves \(blend\)/);
    expect(JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'))['test.ndcg@10']).toBe(served);
  });

  it('trains only the baselines --baselines names', async () => {
    const args = [
      'evaluate',
      '--run',
      runDir,
      '--cold-start-users',
      '0',
      '--baselines',
      'popularity,item-knn',
    ];
    expect(await main(args)).toBe(0);
    expect(io.out).toMatch(/\npopularity\s+\d/);
    expect(io.out).toMatch(/\nitem-knn\s+\d/);
    expect(io.out).not.toMatch(/\n(ease|mf|biased)\s+\d/);
  });

  it('exits 2 naming the flag for a bad --rank-by or --baselines', async () => {
    expect(await main(['evaluate', '--run', runDir, '--rank-by', 'stars'])).toBe(2);
    expect(io.err).toMatch(/--rank-by.*expected one of blend, preference, rating \(got "stars"\)/);
    expect(await main(['evaluate', '--run', runDir, '--baselines', 'popularity,svd'])).toBe(2);
    expect(io.err).toMatch(/--baselines.*\(got "svd"\)/);
  });
});
