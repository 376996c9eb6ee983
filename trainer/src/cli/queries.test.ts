/**
 * `marquee evaluate`, `recommend` and `similar` on a real run directory: a small MovieLens-style CSV data set on
 * disk and a run saved with saveRun (random weights: these tests check the commands, not the model).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomWeights } from '../../../tools/evaluation-data.ts';
import { loadSplitData, type DataSpec } from '../train/data.ts';
import { saveRun } from '../train/run-dir.ts';
import { BASELINE_NAMES } from '../evaluate/baselines/index.ts';
import { main } from './main.ts';
import { captureOutput, testRunConfig } from '../../../tools/cli-capture.ts';

const io = captureOutput();

let root = '';
let runDir = '';
const GENRES = ['Action', 'Comedy|Drama', 'Sci-Fi', 'Romance|Comedy'];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'marquee-queries-'));
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  // 30 users (ids 1..30) × 40 movies (ids 10, 20, ..., 400); user u rates movie m when (u + m) % 3 == 0.
  const ratings = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= 30; u++) {
    for (let m = 1; m <= 40; m++) {
      if ((u + m) % 3 === 0) ratings.push(`${u},${m * 10},${1 + ((u * m) % 5)},${1_000_000 + u * 100 + m}`);
    }
  }
  const movies = ['movieId,title,genres'];
  for (let m = 1; m <= 40; m++) movies.push(`${m * 10},Movie ${m} (1990),${GENRES[m % 4]}`);
  await writeFile(join(dataDir, 'ratings.csv'), `${ratings.join('\n')}\n`);
  await writeFile(join(dataDir, 'movies.csv'), `${movies.join('\n')}\n`);

  const spec: DataSpec = { path: dataDir, split: 'user:0.2', seed: 7, load: {} };
  const { table, split } = await loadSplitData(spec);
  runDir = join(root, 'run');
  await saveRun(runDir, {
    config: testRunConfig(spec, table, split),
    weights: randomWeights(table.userIds.length, table.movieIds.length, 3),
    userIds: table.userIds,
    movieIds: table.movieIds,
    history: [],
    metrics: { 'val.rmse': 0.9 },
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('marquee evaluate', () => {
  it('prints the model and every baseline in one table and records metrics and residuals', async () => {
    expect(await main(['evaluate', '--run', runDir, '--baselines', '--max-users', '5', '--k', '5'])).toBe(0);
    expect(io.out).toMatch(/^model\s+RMSE\s+MAE\s+NDCG@5\s+P@5\s+R@5\s+MAP@5\s+HR@5\s+Cov@5\s+Pop%@5\n/);
    for (const name of ['model', ...BASELINE_NAMES]) {
      expect(io.out).toMatch(new RegExp(`\\n${name}\\s+\\d\\.\\d{4}\\s`));
    }
    expect(io.out).toMatch(/5 of \d+ test users with a rating >= 4 \(seeded sample, seed 42/);
    const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));
    expect(metrics['val.rmse']).toBe(0.9); // kept from training
    expect(metrics['test.rmse']).toBeGreaterThan(0);
    expect(metrics['test.ndcg@5']).toBeGreaterThanOrEqual(0);
    expect(metrics['baselines.mf.rmse']).toBeGreaterThan(0);
    expect(metrics['baselines.content.coverage@5']).toBeGreaterThan(0);
    const evaluation = JSON.parse(await readFile(join(runDir, 'evaluation.json'), 'utf8'));
    expect(evaluation.models.map((m: { model: string }) => m.model)).toEqual(['model', ...BASELINE_NAMES]);
    // Every baseline is in the table, the implicit ones included.
    expect(BASELINE_NAMES).toEqual(
      expect.arrayContaining(['popularity', 'ease', 'item-knn', 'mf', 'content']),
    );
    expect(evaluation.models[0].residuals.byRating.length).toBeGreaterThan(1);
  });

  it('exits 2 naming the file for a missing run', async () => {
    expect(await main(['evaluate', '--run', join(root, 'nope')])).toBe(2);
    expect(io.err).toMatch(/nope\/config\.json: cannot be read/);
  });
});

describe('marquee recommend', () => {
  it('lists unrated movies with titles, genres and a predicted rating on the scale', async () => {
    expect(await main(['recommend', '--run', runDir, '--user', '4', '--limit', '3'])).toBe(0);
    const rows = io.out.split('\n').filter((l) => /^\s*\d+\s+\d+\s+Movie/.test(l));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const cells = row.trim().split(/\s+/);
      const id = Number(cells[1]);
      // User 4 rated movie m (id 10·m) when (4 + m) % 3 == 0: none of those may be recommended.
      expect((4 + id / 10) % 3).not.toBe(0);
      const predicted = Number(cells.at(-1));
      expect(predicted).toBeGreaterThanOrEqual(1);
      expect(predicted).toBeLessThanOrEqual(5);
    }
    expect(io.out).toMatch(/Comedy\|Drama|Action|Sci-Fi|Comedy\|Romance/);
  });

  it('exits 2 for an unknown user and points at the cold-start path', async () => {
    expect(await main(['recommend', '--run', runDir, '--user', '999'])).toBe(2);
    expect(io.err).toMatch(/unknown user id 999.*cold-start/);
  });
});

describe('marquee similar', () => {
  it('lists other movies by cosine similarity', async () => {
    expect(await main(['similar', '--run', runDir, '--movie', '10', '--limit', '4'])).toBe(0);
    expect(io.out).toMatch(/^Similar to 10 Movie 1:\n/);
    const rows = io.out.split('\n').filter((l) => /^\s*\d+\s+\d+\s+Movie/.test(l));
    expect(rows).toHaveLength(4);
    const cosines = rows.map((r) => Number(r.trim().split(/\s+/).at(-1)));
    expect([...cosines].sort((a, b) => b - a)).toEqual(cosines);
    expect(rows.some((r) => /^\s*\d+\s+10\s/.test(r))).toBe(false);
  });

  it('exits 2 for an unknown movie', async () => {
    expect(await main(['similar', '--run', runDir, '--movie', '11'])).toBe(2);
    expect(io.err).toMatch(/unknown movie id 11/);
  });
});
