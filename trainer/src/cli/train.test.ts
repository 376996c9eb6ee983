import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadRun } from '../train/run-dir.ts';
import { plantedTable, writeRatingsCsv } from '../train/test-data.ts';
import { main } from './main.ts';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

let dir: string;
let csv: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'marquee-train-cli-'));
  csv = path.join(dir, 'ratings.csv');
  await writeRatingsCsv(csv, plantedTable(40, 30, 0.5, 8));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SMALL = ['--epochs', '3', '--batch-size', '64', '--dim', '8', '--hidden', '16,8', '--backend', 'wasm'];

describe('marquee train', () => {
  it('trains into a run directory, refuses to overwrite it, resumes it and replaces it with --force', async () => {
    const runDir = path.join(dir, 'run');
    expect(await main(['train', '--data', csv, '--out', runDir, ...SMALL]), err).toBe(0);
    expect(err).toMatch(/backend: wasm — CPU \(WebAssembly/);
    expect(err).toMatch(/epoch 3\/3 {2}loss/);
    expect(out).toMatch(/test RMSE \d\.\d{4}, MAE \d\.\d{4}/);
    const run = await loadRun(runDir);
    expect(run.history).toHaveLength(3);
    expect(run.metrics['test.rmse']).toBeGreaterThan(0);
    expect(run.config.train.model.dim).toBe(8);
    expect(run.config.backend.kind).toBe('wasm');
    expect(run.status?.state).toBe('completed');
    const history = await readFile(path.join(runDir, 'history.jsonl'), 'utf8');
    expect(Object.keys(JSON.parse(history.split('\n')[0]!))).toEqual([
      'epoch',
      'trainLoss',
      'valRmse',
      'valMae',
      'lr',
      'samplesPerSec',
      'seconds',
    ]);

    expect(await main(['train', '--data', csv, '--out', runDir, ...SMALL])).toBe(2);
    expect(err).toMatch(/already holds a run: continue it with --resume, replace it with --force/);

    err = '';
    expect(await main(['train', '--resume', '--out', runDir]), err).toBe(0);
    expect(err).toMatch(/resuming .* after epoch 3/);

    expect(await main(['train', '--data', csv, '--out', runDir, ...SMALL, '--epochs', '1', '--force'])).toBe(
      0,
    );
    expect((await loadRun(runDir)).history).toHaveLength(1);
  });

  const bad: [string, string[], RegExp][] = [
    ['a zero dimension', ['--dim', '0'], /--dim.*expected a number from 1 to 4096 \(got 0\)/],
    ['dropout of 1', ['--dropout', '1'], /--dropout.*expected a number in \[0, 1\) \(got 1\)/],
    ['a negative dropout', ['--dropout', '-0.1'], /--dropout/],
    [
      'an unknown arch',
      ['--arch', 'transformer'],
      /--arch.*expected one of dcf, hybrid \(got "transformer"\)/,
    ],
    ['an unknown backend', ['--backend', 'tpu'], /--backend.*expected one of auto, gpu, node, wasm, cpu/],
    ['an unknown schedule', ['--lr-schedule', 'step'], /--lr-schedule.*plateau, cosine, none/],
    ['a bad hidden list', ['--hidden', '128,,32'], /--hidden/],
    ['a bad split', ['--split', 'random:2'], /--split/],
  ];
  for (const [what, flags, message] of bad) {
    it(`exits 2 on ${what}`, async () => {
      expect(await main(['train', '--data', csv, '--out', path.join(dir, 'never'), ...flags])).toBe(2);
      expect(err).toMatch(message);
    });
  }

  it('exits 2 without --data, with a missing native backend, and on data too small to train on', async () => {
    expect(await main(['train', '--out', path.join(dir, 'x')])).toBe(2);
    expect(err).toMatch(/--data is required/);

    err = '';
    const gpu = ['train', '--data', csv, '--out', path.join(dir, 'gpu'), '--backend', 'gpu'];
    expect(await main(gpu)).toBe(2);
    expect(err).toMatch(/--backend gpu: @tensorflow\/tfjs-node-gpu is not usable here/);

    err = '';
    const oneMovie = path.join(dir, 'one-movie.csv');
    await writeFile(
      oneMovie,
      'userId,movieId,rating,timestamp\n1,1,4,1\n2,1,3,2\n3,1,5,3\n1,1,2,4\n4,1,1,5\n',
    );
    expect(await main(['train', '--data', oneMovie, '--out', path.join(dir, 'one'), ...SMALL])).toBe(2);
    expect(err).toMatch(
      /^marquee: .*one-movie.csv: a collaborative model needs at least 2 users and 2 movies \(got 4 users and 1 movie\)/m,
    );

    err = '';
    const notRun = path.join(dir, 'not-a-run');
    await rm(notRun, { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(notRun);
    await writeFile(path.join(notRun, 'notes.txt'), 'mine');
    expect(await main(['train', '--data', csv, '--out', notRun, ...SMALL, '--force'])).toBe(2);
    expect(err).toMatch(/is not empty and is not a Marquee run directory/);
  });
});
