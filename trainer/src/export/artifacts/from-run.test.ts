/**
 * `marquee export --run` / `marquee publish --run` on a real run directory (saveRun over data written as
 * MovieLens CSV files), so the run loader, the split replay and the builder are exercised together.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRatings } from '../../data/load/index.ts';
import { resolveTrainOptions } from '../../train/options.ts';
import { saveRun, RUN_FORMAT, RUN_VERSION, type RunConfig } from '../../train/run-dir.ts';
import { fileStore } from '../../store/file-store.ts';
import { readChannels } from '../../store/channels.ts';
import { listVersions, readVersion } from '../../store/versions.ts';
import { randomWeights } from '../../../../tools/random-weights.ts';
import { readVersionDir } from './version-dir.ts';
import { runCli } from '../../../../tools/cli-capture.ts';

let tmp: string;
let runDir: string;

/** Runs the CLI in-process, capturing stdout and stderr. */
const cli = (...argv: string[]) => runCli(argv);

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'marquee-from-run-'));
  const data = join(tmp, 'data');
  const lines = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= 30; u++) {
    for (let k = 0; k < 8; k++)
      lines.push(`${u * 10},${1 + ((u * 7 + k * 3) % 20)},${1 + ((u + k) % 5)},${1e9 + u * 100 + k}`);
  }
  const movies = ['movieId,title,genres'];
  for (let m = 1; m <= 20; m++)
    movies.push(`${m},Film ${m} (${1990 + m}),${m % 2 ? 'Comedy' : 'Drama|Action'}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(data));
  await writeFile(join(data, 'ratings.csv'), `${lines.join('\n')}\n`);
  await writeFile(join(data, 'movies.csv'), `${movies.join('\n')}\n`);
  const { table } = await loadRatings(data);
  const weights = randomWeights({
    arch: 'hybrid',
    numUsers: table.userIds.length,
    numMovies: table.movieIds.length,
    dim: 8,
    hidden: [16],
    seed: 4,
  });
  const config: RunConfig = {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    createdAt: '2026-01-01T00:00:00.000Z',
    data: { path: data, split: 'user:0.2', seed: 1, load: {} },
    splitDescription: 'user 0.2 seed=1',
    scale: table.scale,
    train: resolveTrainOptions({ model: { dim: 8, hidden: [16], arch: 'hybrid' } }),
    backend: { requested: 'cpu', kind: 'cpu', tfjsName: 'cpu', device: 'CPU (JavaScript)' },
    counts: {
      ratings: table.count,
      users: 30,
      movies: 20,
      train: 0,
      validation: 0,
      test: 0,
      coldUsers: 0,
      coldMovies: 0,
    },
  };
  runDir = join(tmp, 'run');
  await saveRun(runDir, {
    config,
    weights,
    userIds: table.userIds,
    movieIds: table.movieIds,
    history: [],
    metrics: { 'test.rmse': 1.01 },
  });
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('export and publish from a run directory', () => {
  it('exports a verified version directory', async () => {
    const r = await cli('export', '--run', runDir, '--out', join(tmp, 'out'), '--similar-k', '4');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [id] = await readdir(join(tmp, 'out'));
    const bundle = await readVersionDir(join(tmp, 'out', id as string));
    expect(bundle.manifest).toMatchObject({
      model: { arch: 'hybrid', hidden: [16] },
      dims: { users: 30, movies: 20, dim: 8, similarK: 4 },
      metrics: { 'test.rmse': 1.01 },
      training: { backend: 'cpu (CPU (JavaScript))', config: { splitDescription: 'user 0.2 seed=1' } },
    });
    // user:0.2 keeps 80 % of each user's 8 ratings on the training side (some pairs repeat and are merged).
    expect(bundle.manifest.counts.trainRatings).toBeGreaterThan(100);
    expect(bundle.manifest.counts.trainRatings).toBeLessThan(240);
  });

  it('publishes to a store and points stable at it', async () => {
    const store = fileStore(join(tmp, 'store'));
    const r = await cli(
      'publish',
      '--run',
      runDir,
      '--store',
      `file://${join(tmp, 'store')}`,
      '--channel',
      'stable',
    );
    expect(r.code).toBe(0);
    const [id] = await listVersions(store);
    expect((await readChannels(store))?.stable).toBe(id);
    expect((await readVersion(store, id as string)).decoded.moviesMeta.titles[0]).toBe('Film 1');
  });

  it('names the missing run file', async () => {
    const r = await cli('export', '--run', join(tmp, 'nope'), '--out', join(tmp, 'out2'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nope\/config.json/);
  });
});
