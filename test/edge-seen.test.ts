// End to end: a version's seen lists hold every rating of the data it was built from, not only the training rows.
// The real CLI generates a small data set, trains a small model (split user:0.1, validation carved from the
// training side) and publishes it to a local R2 bucket; the real Worker bundle then serves it inside workerd. For
// users with validation and test ratings, its top-50 must contain no movie they rated anywhere in ratings.csv and
// must equal the offline recommendation (`recommendForUser`, and `marquee recommend` itself) movie for movie.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../tools/cli-capture.ts';
import { servingRanker } from '../trainer/src/evaluate/deep-model.ts';
import { recommendForUser } from '../trainer/src/evaluate/queries.ts';
import { itemsOf, userItems } from '../trainer/src/evaluate/user-items.ts';
import { carveValidation } from '../trainer/src/train/data.ts';
import { loadRun, loadRunData, type Run } from '../trainer/src/train/run-dir.ts';
import type { RatingsTable, Split } from '../trainer/src/data/types.ts';
import { makeTempDir, removeDir, startEdge, type Edge } from '../tools/edge-harness.ts';

const LIMIT = 50;
/** Users checked against the Worker; the first CLI_USERS of them against `marquee recommend` too. */
const USERS = 8;
const CLI_USERS = 2;

let dir: string;
let edge: Edge;
let run: Run;
let table: RatingsTable;
let split: Split;
/** External user id -> external ids of every movie they rated in ratings.csv (parsed here, not by the loader). */
const ratedInFile = new Map<number, Set<number>>();
/** External ids of users with at least one validation and one test rating. */
let heldOutUsers: number[] = [];

async function marquee(...argv: string[]): Promise<string> {
  const { code, out, err } = await runCli(argv);
  if (code !== 0) throw new Error(`marquee ${argv.join(' ')} exited with ${code}:\n${err}`);
  return out;
}

async function edgeTopN(userId: number): Promise<number[]> {
  const res = await edge.fetch(`/v1/users/${userId}/recommendations?limit=${LIMIT}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { movieId: number }[] }).items.map((i) => i.movieId);
}

beforeAll(async () => {
  dir = await makeTempDir('marquee-edge-seen-');
  const data = path.join(dir, 'data');
  const runDir = path.join(dir, 'run');
  const state = path.join(dir, 'state');
  // 100 × 100 at density 0.2: ~20 ratings per user (~2 test, ~2 validation), ~80 movies left to rank, so a
  // top-50 that ignored held-out ratings would almost surely contain some.
  const size = ['--users', '100', '--movies', '100', '--density', '0.2'];
  await marquee('generate', ...size, '--seed', '5', '--out', data);
  await marquee(
    'train',
    ...['--data', data, '--out', runDir, '--split', 'user:0.1', '--val-fraction', '0.15'],
    ...['--dim', '8', '--hidden', '16', '--epochs', '3', '--no-refit', '--seed', '3'],
  );
  const store = ['--store', 'r2-local://marquee-models', '--persist-to', state];
  await marquee('publish', '--run', runDir, ...store, '--channel', 'stable');

  const csv = await readFile(path.join(data, 'ratings.csv'), 'utf8');
  for (const line of csv.trim().split('\n').slice(1)) {
    const [user, movie] = line.split(',').map(Number) as [number, number];
    if (!ratedInFile.has(user)) ratedInFile.set(user, new Set());
    ratedInFile.get(user)?.add(movie);
  }
  run = await loadRun(runDir);
  ({ table, split } = await loadRunData(run));
  const { validation } = carveValidation(
    { table, split, warnings: [] },
    run.config.train.valFraction,
    run.config.train.seed,
  );
  const withRows = (rows: Int32Array) => new Set(Array.from(rows, (r) => table.users[r] as number));
  const inValidation = withRows(validation);
  const inTest = withRows(split.test);
  heldOutUsers = Array.from(run.userIds.keys())
    .filter((u) => inValidation.has(u) && inTest.has(u))
    .slice(0, USERS)
    .map((u) => run.userIds[u] as number);

  edge = await startEdge({ r2Persist: path.join(state, 'v3', 'r2') });
}, 240_000);

afterAll(async () => {
  await edge?.dispose();
  if (dir) await removeDir(dir);
});

describe('seen lists of a version built by the real trainer, served by the Worker', () => {
  it('never recommends a movie the user rated in training, validation or test rows', async () => {
    expect(heldOutUsers).toHaveLength(USERS);
    for (const userId of heldOutUsers) {
      const rated = ratedInFile.get(userId) as Set<number>;
      const ids = await edgeTopN(userId);
      expect(ids).toHaveLength(Math.min(LIMIT, run.movieIds.length - rated.size));
      expect(ids.filter((id) => rated.has(id))).toEqual([]);
    }
    // The check bites: excluding only the split's training side, as versions used to, these users' top-50 would
    // hold some of their test movies.
    const ranker = servingRanker(run.weights, run.metrics);
    const trainItems = userItems(table, split.train);
    const testItems = userItems(table, split.test);
    const leaked = heldOutUsers.filter((userId) => {
      const u = run.userIds.indexOf(userId);
      const top = recommendForUser(ranker, u, itemsOf(trainItems, u), LIMIT, table.scale);
      return top.some((r) => itemsOf(testItems, u).includes(r.movie));
    });
    expect(leaked.length).toBeGreaterThan(0);
  });

  it('recommends what the trainer recommends offline, in the same order', async () => {
    const ranker = servingRanker(run.weights, run.metrics);
    const denseMovie = new Map(Array.from(run.movieIds, (id, m) => [id, m]));
    for (const [k, userId] of heldOutUsers.entries()) {
      const rated = Int32Array.from(ratedInFile.get(userId) as Set<number>, (id) => {
        const m = denseMovie.get(id);
        if (m === undefined) throw new Error(`movie ${id} of ratings.csv is not in the model`);
        return m;
      }).sort();
      const u = run.userIds.indexOf(userId);
      const offline = recommendForUser(ranker, u, rated, LIMIT, table.scale).map(
        (r) => run.movieIds[r.movie] as number,
      );
      const served = await edgeTopN(userId);
      expect(served).toEqual(offline);
      if (k < CLI_USERS) {
        const out = await marquee(
          'recommend',
          '--run',
          run.dir,
          '--user',
          String(userId),
          '--limit',
          String(LIMIT),
        );
        const cli = out
          .split('\n')
          .slice(2) // the title line and the column headers
          .map((line) => Number(line.trim().split(/\s+/)[1]))
          .filter(Number.isInteger);
        expect(cli).toEqual(served);
      }
    }
  });
});
