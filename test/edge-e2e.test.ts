// End to end: the real CLI generates data, trains a small dcf and a small hybrid model, and publishes them to the
// local R2 `npm run dev` serves (r2-local://, hybrid as a 50% canary); the real Worker bundle then answers from
// that bucket inside workerd, and its answers must equal the trainer's offline recommend / similar / predict.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf } from '../shared/src/schemas/channels.ts';
import { servingRanker } from '../trainer/src/evaluate/deep-model.ts';
import { recommendForUser, similarMovies } from '../trainer/src/evaluate/queries.ts';
import { itemsOf, userItems } from '../trainer/src/evaluate/user-items.ts';
import { predictPairs, prepareScorer } from '../trainer/src/model/scoring.ts';
import { loadRun, loadRunData, type Run } from '../trainer/src/train/run-dir.ts';
import type { RatingsTable, Split } from '../trainer/src/data/types.ts';
import { makeTempDir, removeDir, startEdge, type Edge } from '../tools/edge-harness.ts';
import { expectedTopN, fixtureFromRun } from '../tools/edge-fixtures.ts';
import { trainedRun } from '../tools/trained-model.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CANARY_PERCENT = 50;

async function marquee(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['trainer/bin/marquee.js', ...args], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

interface Trained {
  run: Run;
  table: RatingsTable;
  split: Split;
  version: string;
}

let dir: string;
let edge: Edge;
const trained: Record<'dcf' | 'hybrid', Trained> = {} as Record<'dcf' | 'hybrid', Trained>;

interface Item {
  movieId: number;
  predictedRating: number;
  score: number;
}

async function get(
  p: string,
): Promise<{ status: number; body: { items: Item[]; modelVersion: string } & Record<string, unknown> }> {
  const res = await edge.fetch(p);
  return { status: res.status, body: (await res.json()) as never };
}

/** The version (and its training run) serving an external user id. */
function servingOf(userId: number): Trained {
  return bucketOf(userId) < CANARY_PERCENT ? trained.hybrid : trained.dcf;
}

beforeAll(async () => {
  dir = await makeTempDir('marquee-edge-e2e-');
  const data = path.join(dir, 'data');
  const state = path.join(dir, 'state');
  await marquee(
    'generate',
    '--users',
    '300',
    '--movies',
    '200',
    '--density',
    '0.15',
    '--seed',
    '7',
    '--out',
    data,
  );
  const common = ['--data', data, '--dim', '16', '--hidden', '32,16', '--epochs', '6', '--seed', '3'];
  await Promise.all([
    marquee('train', ...common, '--arch', 'dcf', '--out', path.join(dir, 'dcf')),
    marquee('train', ...common, '--arch', 'hybrid', '--out', path.join(dir, 'hybrid')),
  ]);
  const store = ['--store', 'r2-local://marquee-models', '--persist-to', state];
  await marquee('publish', '--run', path.join(dir, 'dcf'), ...store, '--channel', 'stable');
  await marquee(
    'publish',
    '--run',
    path.join(dir, 'hybrid'),
    ...store,
    '--channel',
    'canary',
    '--percent',
    String(CANARY_PERCENT),
  );
  for (const arch of ['dcf', 'hybrid'] as const) {
    const run = await loadRun(path.join(dir, arch));
    const { table, split } = await loadRunData(run);
    trained[arch] = { run, table, split, version: '' };
  }
  // wrangler dev keeps its local R2 under <persist-to>/v3/r2; the harness runs the same bundle on that state.
  edge = await startEdge({ r2Persist: path.join(state, 'v3', 'r2') });
  const models = (await (await edge.fetch('/v1/models')).json()) as {
    models: { version: string; arch: 'dcf' | 'hybrid' }[];
  };
  for (const m of models.models) trained[m.arch].version = m.version;
}, 240_000);

afterAll(async () => {
  await edge?.dispose();
  if (dir) await removeDir(dir);
});

describe('the Worker on versions published by the real trainer', () => {
  it('serves both versions, stable and canary, with their manifests', async () => {
    const res = await edge.fetch('/v1/models');
    const body = (await res.json()) as {
      models: { version: string; arch: string; status: string; ranking: unknown }[];
    };
    expect(body.models.map((m) => [m.arch, m.status])).toEqual([
      ['dcf', 'serving'],
      ['hybrid', 'serving'],
    ]);
    console.log('ranking of trained models:', JSON.stringify(body.models.map((m) => [m.arch, m.ranking])));
  });

  it("gives the benchmark's trained-model helpers the run as exported (fixtureFromRun, trainedRun)", async () => {
    const runDir = path.join(dir, 'hybrid');
    await expect(trainedRun(runDir, () => {})).resolves.toBe(runDir);
    const fixture = await fixtureFromRun(runDir, 'bench-trained');
    const { run } = trained.hybrid;
    expect(Array.from(fixture.userIds)).toEqual(Array.from(run.userIds));
    expect(fixture.options).toMatchObject({ arch: 'hybrid', dim: 16, hidden: [32, 16] });
    const users = Array.from(run.userIds.keys())
      .filter((u) => servingOf(run.userIds[u] as number) === trained.hybrid)
      .slice(0, 5);
    for (const u of users) {
      const res = await get(`/v1/users/${fixture.userIds[u]}/recommendations?limit=10`);
      expect(res.body.items.map((i) => i.movieId)).toEqual(expectedTopN(fixture, u, 10).movieIds);
    }
    // A run that has not completed is refused rather than benchmarked (or retrained over).
    const unfinished = path.join(dir, 'unfinished');
    await mkdir(unfinished);
    await writeFile(path.join(unfinished, 'status.json'), JSON.stringify({ state: 'running' }));
    await expect(trainedRun(unfinished, () => {})).rejects.toThrow(/has not completed/);
    // Nor is a directory without a run built into: only the benchmark's own cache is.
    await expect(trainedRun(path.join(dir, 'data'), () => {})).rejects.toThrow(/holds no training run/);
  });

  it('recommends exactly what the trainer ranks offline (every rated movie excluded)', async () => {
    for (const arch of ['dcf', 'hybrid'] as const) {
      const { run, table } = trained[arch];
      const ranker = servingRanker(run.weights, run.metrics);
      const trainItems = userItems(
        table,
        Int32Array.from({ length: table.count }, (_, r) => r),
      );
      const users = Array.from(run.userIds)
        .filter((id) => servingOf(id) === trained[arch])
        .slice(0, 12);
      expect(users.length).toBeGreaterThan(5);
      for (const userId of users) {
        const u = run.userIds.indexOf(userId);
        const offline = recommendForUser(ranker, u, itemsOf(trainItems, u), 10, table.scale);
        const res = await get(`/v1/users/${userId}/recommendations?limit=10`);
        expect(res.status).toBe(200);
        // Trained with a preference head, both versions serve the two-stage path the trainer evaluated.
        expect(res.body.strategy).toBe('two-stage');
        expect(res.body.items.map((i) => i.movieId)).toEqual(offline.map((r) => run.movieIds[r.movie]));
        res.body.items.forEach((item, k) =>
          expect(item.predictedRating).toBeCloseTo(offline[k]?.score as number, 3),
        );
      }
    }
  });

  it('agrees with `marquee recommend` (every rated movie excluded on both)', async () => {
    const { run } = trained.dcf;
    const userId = Array.from(run.userIds).find((id) => servingOf(id) === trained.dcf) as number;
    const cli = await marquee(
      'recommend',
      '--run',
      path.join(dir, 'dcf'),
      '--user',
      String(userId),
      '--limit',
      '10',
    );
    const cliIds = cli
      .split('\n')
      .slice(2)
      .map((line) => Number(line.trim().split(/\s+/)[1]))
      .filter((id) => Number.isInteger(id));
    const res = await get(`/v1/users/${userId}/recommendations?limit=10`);
    expect(cliIds).toHaveLength(10);
    expect(res.body.items.map((i) => i.movieId)).toEqual(cliIds);
  });

  it('finds the same similar movies as `marquee similar`', async () => {
    const { run } = trained.dcf;
    for (const m of [0, 17, 123]) {
      const movieId = run.movieIds[m] as number;
      const offline = similarMovies(run.weights, m, 10);
      const res = await edge.fetch(`/v1/movies/${movieId}/similar?limit=10`);
      const body = (await res.json()) as { items: { movieId: number; similarity: number }[] };
      expect(body.items.map((i) => i.movieId)).toEqual(offline.map((r) => run.movieIds[r.movie]));
      body.items.forEach((item, k) => expect(item.similarity).toBeCloseTo(offline[k]?.score as number, 3));
    }
    const cli = await marquee(
      'similar',
      '--run',
      path.join(dir, 'dcf'),
      '--movie',
      String(run.movieIds[17]),
      '--limit',
      '5',
    );
    const cliIds = cli
      .split('\n')
      .slice(2)
      .map((l) => Number(l.trim().split(/\s+/)[1]))
      .filter(Number.isInteger);
    const res = await edge.fetch(`/v1/movies/${run.movieIds[17]}/similar?limit=5`);
    expect(((await res.json()) as { items: { movieId: number }[] }).items.map((i) => i.movieId)).toEqual(
      cliIds,
    );
  });

  it('predicts the trainer’s ratings for pairs of stable and canary users', async () => {
    const pairs = [0, 1, 2, 3, 40, 41, 120, 121].map((k) => ({
      userId: trained.dcf.run.userIds[k] as number,
      movieId: trained.dcf.run.movieIds[(k * 13) % 200] as number,
    }));
    const res = await edge.fetch('/v1/predict', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pairs }),
    });
    const body = (await res.json()) as { predictions: { score: number; modelVersion: string }[] };
    pairs.forEach((p, k) => {
      const { run } = servingOf(p.userId);
      const expected = predictPairs(
        prepareScorer(run.weights),
        Int32Array.of(run.userIds.indexOf(p.userId)),
        Int32Array.of(run.movieIds.indexOf(p.movieId)),
      )[0] as number;
      expect(body.predictions[k]?.score).toBeCloseTo(expected, 3);
      expect(body.predictions[k]?.modelVersion).toBe(servingOf(p.userId).version);
    });
  });

  it('folds a new user in from the ratings of a known one and recommends like the model does for them', async () => {
    const { run, table, split } = trained.dcf;
    const userId = Array.from(run.userIds).filter((id) => servingOf(id) === trained.dcf)[3] as number;
    const u = run.userIds.indexOf(userId);
    const ratings: { movieId: number; rating: number }[] = [];
    for (const row of split.train) {
      if (table.users[row] === u)
        ratings.push({
          movieId: run.movieIds[table.movies[row] as number] as number,
          rating: table.ratings[row] as number,
        });
    }
    const res = await edge.fetch('/v1/recommendations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ratings, limit: 20 }),
    });
    const body = (await res.json()) as { items: Item[]; foldIn: { rmse: number; ratings: number } };
    expect(res.status).toBe(200);
    expect(body.foldIn.ratings).toBe(ratings.length);
    const known = await get(`/v1/users/${userId}/recommendations?limit=20`);
    const overlap = body.items.filter((i) => known.body.items.some((k) => k.movieId === i.movieId)).length;
    console.log(
      `fold-in of user ${userId}: ${ratings.length} ratings, rmse ${body.foldIn.rmse}, top-20 overlap with the trained user ${overlap}/20`,
    );
    // 20 of ~170 unrated movies by chance would share ~2.4 with the trained user's top-20.
    expect(overlap).toBeGreaterThanOrEqual(6);
    expect(body.foldIn.rmse).toBeLessThan(1.2);
  });
});
