import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactError } from '../../../shared/src/errors.ts';
import { resolveModelConfig } from '../model/config.ts';
import { tinyModel } from '../../../tools/tiny-model.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.ts';
import type { EpochRecord, TrainCheckpoint } from './loop.ts';
import { resolveTrainOptions } from './options.ts';
import {
  loadRun,
  loadRunData,
  mergeMetrics,
  readWeights,
  RUN_FILES,
  saveRun,
  type Run,
  type RunConfig,
} from './run-dir.ts';
import { initialSchedule } from './schedule.ts';
import { newOptimizerState } from './step.ts';
import { decodeTensorFile, encodeTensorFile } from './tensor-file.ts';
import { plantedTable, writeRatingsCsv } from '../../../tools/training-data.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'marquee-run-dir-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const history: EpochRecord[] = [
  { epoch: 1, trainLoss: 1.1, valRmse: 1.0, valMae: 0.8, lr: 0.002, samplesPerSec: 40000, seconds: 2 },
  { epoch: 2, trainLoss: 0.9, valRmse: 0.95, valMae: 0.75, lr: 0.002, samplesPerSec: 41000, seconds: 2 },
];

function configFor(dataPath: string, numUsers: number, numMovies: number, ratings: number): RunConfig {
  return {
    format: 'marquee-run',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    data: { path: dataPath, split: 'user:0.2', seed: 9, load: {} },
    splitDescription: 'user 0.2 seed=9',
    scale: { min: 1, max: 5, step: 1 },
    train: resolveTrainOptions({ epochs: 2 }),
    backend: {
      requested: 'auto',
      kind: 'wasm',
      tfjsName: 'wasm',
      device: 'CPU (WebAssembly SIMD, 1 thread)',
    },
    counts: {
      ratings,
      users: numUsers,
      movies: numMovies,
      train: 0,
      validation: 0,
      test: 0,
      coldUsers: 0,
      coldMovies: 0,
    },
  };
}

describe('run directory', () => {
  it('saveRun → loadRun round-trips weights, ids, history, metrics and status; metrics merge', async () => {
    const runDir = path.join(dir, 'round-trip');
    const weights = tinyModel({ arch: 'hybrid' }, 5, 4);
    const run: Omit<Run, 'dir'> = {
      config: configFor('nowhere', 5, 4, 10),
      weights,
      userIds: Int32Array.from([10, 20, 30, 40, 50]),
      movieIds: Int32Array.from([7, 8, 9, 11]),
      history,
      metrics: { 'val.rmse': 0.95, 'test.rmse': 0.97 },
      status: { state: 'completed', epochs: 2, bestEpoch: 2, bestValRmse: 0.95, updatedAt: '' },
    };
    await saveRun(runDir, run);
    // Another command adds its keys; a second save must keep them.
    await mergeMetrics(runDir, { 'test.ndcg@10': 0.3 });
    await saveRun(runDir, { ...run, metrics: { 'test.rmse': 0.96 } });
    const loaded = await loadRun(runDir);
    expect(loaded.dir).toBe(runDir);
    expect(loaded.config).toEqual(run.config);
    expect(loaded.weights).toEqual(weights);
    expect(Array.from(loaded.userIds)).toEqual([10, 20, 30, 40, 50]);
    expect(Array.from(loaded.movieIds)).toEqual([7, 8, 9, 11]);
    expect(loaded.history).toEqual(history);
    expect(loaded.metrics).toEqual({ 'val.rmse': 0.95, 'test.rmse': 0.96, 'test.ndcg@10': 0.3 });
    expect(loaded.status?.state).toBe('completed');
    // No temporary files are left behind.
    const files = (await import('node:fs/promises')).readdir(runDir);
    expect((await files).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('rejects corrupt or mismatched files with ArtifactError naming the file', async () => {
    const runDir = path.join(dir, 'corrupt');
    const weights = tinyModel({}, 3, 3);
    await saveRun(runDir, {
      config: configFor('nowhere', 3, 3, 5),
      weights,
      userIds: Int32Array.from([1, 2, 3]),
      movieIds: Int32Array.from([1, 2, 3]),
      history: [],
      metrics: {},
    });
    const weightsFile = path.join(runDir, RUN_FILES.weights);
    const bytes = await readFile(weightsFile);
    await writeFile(weightsFile, bytes.subarray(0, bytes.length - 8));
    await expect(readWeights(weightsFile)).rejects.toThrow(/runs past the end of the file/);
    bytes[0] = 0x58;
    await writeFile(weightsFile, bytes);
    await expect(loadRun(runDir)).rejects.toThrow(ArtifactError);
    await expect(loadRun(runDir)).rejects.toThrow(/weights\.bin: expected the magic "MQTENSOR"/);
    await expect(loadRun(path.join(dir, 'missing'))).rejects.toThrow(
      /config\.json: cannot be read \(ENOENT\)/,
    );

    await saveRun(runDir, {
      config: configFor('nowhere', 3, 3, 5),
      weights,
      userIds: Int32Array.from([1, 2]),
      movieIds: Int32Array.from([1, 2, 3]),
      history: [],
      metrics: {},
    });
    await expect(loadRun(runDir)).rejects.toThrow(
      /ids\.json: expected 3 userIds to match weights\.bin \(got 2\)/,
    );
  });

  it('reads every JSON file through its schema: a corrupt field fails naming the file and the field', async () => {
    const runDir = path.join(dir, 'schemas');
    const saved: Omit<Run, 'dir'> = {
      config: configFor('nowhere', 3, 3, 5),
      weights: tinyModel({}, 3, 3),
      userIds: Int32Array.from([1, 2, 3]),
      movieIds: Int32Array.from([1, 2, 3]),
      history,
      metrics: { 'test.rmse': 0.9 },
      status: { state: 'completed', epochs: 2, bestEpoch: 2, bestValRmse: 0.95, updatedAt: '' },
    };
    const corrupt = async (name: keyof typeof RUN_FILES, edit: (text: string) => string) => {
      await rm(runDir, { recursive: true, force: true });
      await saveRun(runDir, saved);
      const p = path.join(runDir, RUN_FILES[name]);
      await writeFile(p, edit(await readFile(p, 'utf8')));
      const err = await loadRun(runDir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(ArtifactError);
      expect(path.basename((err as ArtifactError).file).split(':')[0]).toBe(RUN_FILES[name]);
      return (err as Error).message;
    };

    const once = (from: string, to: string) => (text: string) => {
      expect(text.split(from)).toHaveLength(2);
      return text.replace(from, to);
    };
    expect(await corrupt('config', once('"epochs": 2', '"epochs": "ten"'))).toMatch(
      /config\.json: invalid: train\.epochs: .*expected number, received string/,
    );
    expect(await corrupt('config', once('"path": "nowhere",', ''))).toMatch(
      /config\.json: invalid: data\.path: .*expected string, received undefined/,
    );
    expect(await corrupt('config', once('"kind": "wasm"', '"kind": "tpu"'))).toMatch(
      /config\.json: invalid: backend\.kind/,
    );
    expect(await corrupt('config', once('"version": 1', '"version": 2'))).toMatch(
      /config\.json: expected a marquee-run config of version 1 \(got format "marquee-run", version 2\)/,
    );
    expect(await corrupt('status', once('"completed"', '"done"'))).toMatch(/status\.json: invalid: state/);
    expect(await corrupt('metrics', once('0.9', '"0.9"'))).toMatch(/metrics\.json: invalid: test\.rmse/);
    expect(await corrupt('history', once('"epoch":2', '"epoch":0'))).toMatch(
      /history\.jsonl:2: invalid: epoch/,
    );
    expect(await corrupt('ids', once('"movieIds"', '"movies"'))).toMatch(/ids\.json: invalid: movieIds/);
  });

  it('reads runs recorded before averaging, the refit and the preference head as they trained', async () => {
    const runDir = path.join(dir, 'legacy');
    const weights = tinyModel({}, 3, 3);
    const config = configFor('nowhere', 3, 3, 5);
    const { refit: _r, prefWeight: _w, prefNegatives: _n, prefSampling: _s, ...legacyTrain } = config.train;
    const { averageFrom: _f, averageSnapshots: _a, ...older } = legacyTrain;
    await saveRun(runDir, {
      config: { ...config, train: older as RunConfig['train'] },
      weights,
      userIds: Int32Array.from([1, 2, 3]),
      movieIds: Int32Array.from([1, 2, 3]),
      history: [],
      metrics: {},
    });
    expect((await loadRun(runDir)).config.train).toMatchObject({
      refit: false,
      prefWeight: 0,
      prefSampling: 'uniform',
      averageFrom: 0,
    });
  });

  it('tensor files validate shapes of the weights they hold', () => {
    const w = tinyModel({}, 3, 3);
    const bytes = encodeTensorFile({ hello: 'world' }, [{ name: 'a', array: w.userEmb }]);
    const back = decodeTensorFile<{ hello: string }>(bytes, 'x.bin');
    expect(back.meta.hello).toBe('world');
    expect(Array.from(back.arrays.get('a')!)).toEqual(Array.from(w.userEmb));
  });

  it('checkpoint.bin round-trips the full training state', async () => {
    const runDir = path.join(dir, 'checkpoint');
    await (await import('node:fs/promises')).mkdir(runDir, { recursive: true });
    const config = resolveModelConfig({ dim: 3, hidden: [4, 3] });
    const weights = tinyModel(config, 4, 5);
    const optimizer = newOptimizerState(weights);
    optimizer.t = 17;
    optimizer.moments.get('userEmb')!.m.fill(0.25);
    const c: TrainCheckpoint = {
      epoch: 2,
      weights,
      optimizer,
      schedule: { ...initialSchedule('plateau', 0.002), best: 0.95, stale: 1 },
      best: tinyModel(config, 4, 5, 99),
      bestEpoch: 1,
      bestValRmse: 0.95,
      stale: 1,
      history,
      features: { movie: Float32Array.of(0.5, -1, 2) },
    };
    await writeCheckpoint(runDir, c);
    expect(await readCheckpoint(runDir)).toEqual(c);
    // With a weight average (after averaging has started).
    const averaged: TrainCheckpoint = { ...c, average: { weights: tinyModel(config, 4, 5, 7), count: 9 } };
    await writeCheckpoint(runDir, averaged);
    expect(await readCheckpoint(runDir)).toEqual(averaged);
  });

  it('loadRunData re-applies the recorded split and notices changed data', async () => {
    const table = plantedTable(12, 10, 0.6, 4);
    const csv = path.join(dir, 'ratings.csv');
    await writeRatingsCsv(csv, table);
    const config = configFor(csv, 12, 10, table.count);
    const weights = tinyModel({}, 12, 10);
    const runDir = path.join(dir, 'with-data');
    await saveRun(runDir, {
      config,
      weights,
      userIds: table.userIds,
      movieIds: table.movieIds,
      history,
      metrics: {},
    });
    const run = await loadRun(runDir);
    const a = await loadRunData(run);
    const b = await loadRunData(run);
    expect(a.table.count).toBe(table.count);
    expect(a.split.test.length).toBeGreaterThan(0);
    expect(Array.from(b.split.test)).toEqual(Array.from(a.split.test));
    expect(a.split.description).toBe('user 0.2 seed=9');

    // Drop the last user's ratings from the file: the ids no longer match.
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    await writeFile(csv, `${lines.filter((l) => !l.startsWith('12,')).join('\n')}\n`);
    await expect(loadRunData(run)).rejects.toThrow(/no longer match this run/);
  });
});
