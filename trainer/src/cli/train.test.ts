import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SPLIT_SPEC } from '../data/split/index.ts';
import { resolveTrainOptions } from '../train/options.ts';
import { loadRun } from '../train/run-dir.ts';
import { readCheckpoint } from '../train/checkpoint-file.ts';
import { runTraining } from '../train/run.ts';
import { plantedTable, writeRatingsCsv } from '../../../tools/training-data.ts';
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

    // A completed run (training and refit done) has nothing left to resume.
    err = '';
    expect(await main(['train', '--resume', '--out', runDir])).toBe(2);
    expect(err).toMatch(/--resume: .* is complete \(reached the epoch limit .*\); nothing to resume/);
    expect(err).not.toMatch(/resuming/);

    expect(await main(['train', '--data', csv, '--out', runDir, ...SMALL, '--epochs', '1', '--force'])).toBe(
      0,
    );
    expect((await loadRun(runDir)).history).toHaveLength(1);
  });

  it('refits on training + validation ratings by default, and not with --no-refit', async () => {
    const runDir = path.join(dir, 'refit');
    expect(await main(['train', '--data', csv, '--out', runDir, ...SMALL]), err).toBe(0);
    expect(err).toMatch(/refit: training again on training \+ validation ratings \(\d+\) for \d epochs/);
    expect(err).toMatch(/refit epoch 1\/\d {2}loss \d\.\d{4} {2}lr/);
    expect(out).toMatch(
      /refit on training \+ validation ratings for \d epochs \(the model kept\); the validation-selected model had test RMSE \d\.\d{4}/,
    );
    const run = await loadRun(runDir);
    expect(run.metrics['refit.epochs']).toBe(run.status!.bestEpoch);
    expect(run.status!.refitEpochs).toBe(run.status!.bestEpoch);
    expect(run.metrics['selected.test.rmse']).toBeGreaterThan(0);
    // weights.bin is the refit model: its test RMSE is the recorded one, not the validation-selected model's.
    expect(run.metrics['test.rmse']).not.toBe(run.metrics['selected.test.rmse']);
    expect(run.config.train.refit).toBe(true);
    // No user information, so `--implicit auto` kept the implicit part.
    expect(run.metrics['train.implicit']).toBe(1);

    err = '';
    out = '';
    const plain = path.join(dir, 'no-refit');
    expect(await main(['train', '--data', csv, '--out', plain, ...SMALL, '--no-refit']), err).toBe(0);
    expect(err).not.toMatch(/refit/);
    const p = await loadRun(plain);
    expect(p.metrics['refit.epochs']).toBeUndefined();
    expect(p.config.train.refit).toBe(false);
  });

  it('an interrupted refit keeps the validation-selected model, and --resume does only the refit', async () => {
    const runDir = path.join(dir, 'refit-stop');
    const options = resolveTrainOptions({ epochs: 3, batchSize: 64, model: { dim: 8, hidden: [16, 8] } });
    const request = {
      out: runDir,
      data: { path: csv, split: DEFAULT_SPLIT_SPEC, seed: 42, load: {} },
      options,
      backend: 'wasm' as const,
      handleSignals: false,
    };
    // Stop at the refit's first batch, whatever the best epoch count.
    await expect(
      runTraining({ ...request, shouldStop: () => err.includes('refit: training again') }),
    ).rejects.toThrow(
      /refit interrupted\. weights\.bin keeps the validation-selected model of epoch \d\. Refit again with: marquee train --resume/,
    );
    const stopped = await loadRun(runDir);
    expect(stopped.status!.state).toBe('interrupted');
    expect(stopped.status!.refitEpochs).toBeUndefined();
    expect(stopped.metrics['refit.epochs']).toBeUndefined();
    const selected = stopped.weights.out.W.slice();
    // weights.bin is the validation-selected model: the checkpoint's best.
    expect(Array.from(selected)).toEqual(Array.from((await readCheckpoint(runDir)).best.out.W));
    err = '';
    const resumed = await runTraining({ ...request, resume: true });
    expect(err).toMatch(/training finished after epoch 3 \(best \d\); refitting/);
    expect(err).not.toMatch(/^epoch /m);
    expect(resumed.state).toBe('completed');
    const done = await loadRun(runDir);
    expect(done.status!.refitEpochs).toBe(done.status!.bestEpoch);
    expect(done.status!.message).toMatch(/^training finished after epoch 3; best epoch \d\.$/);
    expect(Array.from(done.weights.out.W)).not.toEqual(Array.from(selected));
    expect(done.history).toHaveLength(3);
    // Killed outright during the refit (status.json as written before it starts): --resume redoes the refit.
    const { updatedAt: _, refitEpochs: __, ...status } = done.status!;
    await writeFile(
      path.join(runDir, 'status.json'),
      JSON.stringify({ ...status, state: 'running', message: 'reached the epoch limit. Refitting.' }),
    );
    err = '';
    expect((await runTraining({ ...request, resume: true })).state).toBe('completed');
    expect(err).toMatch(/refitting/);
    expect(Array.from((await loadRun(runDir)).weights.out.W)).toEqual(Array.from(done.weights.out.W));
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
    [
      'a non-numeric implicit weight',
      ['--implicit', 'lots'],
      /--implicit.*expected auto or a number \(got "lots"\)/,
    ],
    ['a bad split', ['--split', 'random:2'], /--split/],
    ['a negative preference weight', ['--pref-weight', '-1'], /--pref-weight/],
    ['zero sampled movies', ['--pref-negatives', '0'], /--pref-negatives/],
    [
      'an unknown sampling',
      ['--pref-sampling', 'hard'],
      /--pref-sampling.*expected one of mixed, uniform \(got "hard"\)/,
    ],
  ];
  for (const [what, flags, message] of bad) {
    it(`exits 2 on ${what}`, async () => {
      expect(await main(['train', '--data', csv, '--out', path.join(dir, 'never'), ...flags])).toBe(2);
      expect(err).toMatch(message);
    });
  }

  it('--init-from starts from a run by external id, records it, and refuses another shape or with --resume', async () => {
    const first = path.join(dir, 'init-first');
    expect(await main(['train', '--data', csv, '--out', first, ...SMALL]), err).toBe(0);
    // Tonight's data: last night's plus a user and a movie it has not seen.
    const grown = path.join(dir, 'grown.csv');
    const extra = Array.from({ length: 12 }, (_, i) => `999,${1 + i},${1 + (i % 5)},2000000`);
    extra.push(...Array.from({ length: 6 }, (_, i) => `${1 + i},777,4,2000001`));
    await writeFile(grown, `${await readFile(csv, 'utf8')}${extra.join('\n')}\n`);
    err = '';
    const warm = path.join(dir, 'init-warm');
    expect(
      await main([
        'train',
        '--data',
        grown,
        '--out',
        warm,
        ...SMALL,
        '--init-from',
        path.join(first, 'weights.bin'),
      ]),
      err,
    ).toBe(0);
    expect(err).toContain(
      `warm start from ${path.join(first, 'weights.bin')}: 40 of 41 users and 30 of 31 movies start from its rows; ` +
        '1 users and 1 movies it does not know start fresh',
    );
    expect((await loadRun(warm)).config.init).toEqual({
      from: path.join(first, 'weights.bin'),
      users: 40,
      movies: 30,
    });

    // Validating on the new ratings only (those at or after 2000000), which the first model never saw.
    err = '';
    const since = path.join(dir, 'init-since');
    expect(
      await main([
        'train',
        '--data',
        grown,
        '--out',
        since,
        ...SMALL,
        '--init-from',
        first,
        '--val-since',
        '2000000',
      ]),
      err,
    ).toBe(0);
    const sinceRun = await loadRun(since);
    expect(sinceRun.config.data.valSince).toBe(2000000);
    expect(sinceRun.config.counts.validation).toBeGreaterThan(0);
    expect(sinceRun.config.counts.validation).toBeLessThanOrEqual(extra.length);
    err = '';
    expect(
      await main([
        'train',
        '--data',
        grown,
        '--out',
        path.join(dir, 'x'),
        ...SMALL,
        '--val-since',
        '2030-01-01',
      ]),
    ).toBe(2);
    expect(err).toMatch(
      /--val-since 2030-01-01T00:00:00\.000Z: expected training ratings both before and at or after it \(got \d+ before, 0 after\)/,
    );

    err = '';
    const other = path.join(dir, 'init-other');
    expect(
      await main(['train', '--data', grown, '--out', other, ...SMALL, '--dim', '4', '--init-from', first]),
    ).toBe(2);
    expect(err).toContain(
      `--init-from ${first}: expected a model of this run's shape (arch hybrid, dim 4, hidden 16,8, batch norm off), ` +
        'got arch hybrid, dim 8, hidden 16,8, batch norm off',
    );
    err = '';
    expect(await main(['train', '--data', grown, '--out', other, ...SMALL, '--init-from', dir])).toBe(2);
    expect(err).toMatch(
      /--init-from .*: expected ids\.json beside .*weights\.bin to match rows by external id/,
    );
    err = '';
    expect(await main(['train', '--resume', '--out', warm, '--init-from', first])).toBe(2);
    expect(err).toContain('--init-from: a resumed run keeps the start it was given');
  });

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

  it('exits 2 on --resume of a run whose config.json is corrupt, naming the file and the field', async () => {
    const runDir = path.join(dir, 'corrupt-config');
    await (await import('node:fs/promises')).mkdir(runDir, { recursive: true });
    const counts = ['ratings', 'users', 'movies', 'train', 'validation', 'test', 'coldUsers', 'coldMovies'];
    const config = {
      format: 'marquee-run',
      version: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      data: { path: csv, split: DEFAULT_SPLIT_SPEC, seed: 1, load: {} },
      splitDescription: '',
      scale: { min: 1, max: 5, step: 1 },
      train: { ...resolveTrainOptions(), epochs: 'ten' },
      backend: { requested: 'wasm', kind: 'wasm', tfjsName: 'wasm', device: '' },
      counts: Object.fromEntries(counts.map((k) => [k, 0])),
    };
    await writeFile(path.join(runDir, 'config.json'), JSON.stringify(config));
    expect(await main(['train', '--resume', '--out', runDir])).toBe(2);
    expect(err).toMatch(
      /^marquee: .*corrupt-config\/config\.json: invalid: train\.epochs: Invalid input: expected number, received string$/m,
    );
    expect(err).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
