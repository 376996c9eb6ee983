// `marquee pipeline` on generated data with a tiny model: first version -> stable, a rerun is a no-op, rating
// events are gathered into the data, a crippled candidate is refused (main() returns 3) and a good one becomes a canary, a
// canary in flight is not replaced, and the store lock keeps a second pipeline out until it expires.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../tools/cli-capture.ts';
import { EVENTS_PREFIX, eventsKey } from '../../../shared/src/schemas/events.ts';
import { fileStore } from '../store/file-store.ts';
import { acquireLock, fileLockBackend, LOCK_KEY } from '../pipeline/lock.ts';
import type { PipelineRecord } from '../pipeline/record.ts';

const TINY = '--epochs 3 --dim 16 --hidden 32,16';
// One epoch at a learning rate too small to learn anything: worse than biased MF (the default gate).
const CRIPPLED = '--epochs 1 --lr 0.000001 --dim 8 --hidden 16';

let root = '';
let data = '';
let storeDir = '';
let store = '';
let events = '';

// The gate's logic is under test here, not model quality: baselines and margins a tiny model clears.
const GATE = [
  ...['--gate-rmse-baseline', 'global-mean', '--gate-ranking-baseline', 'global-mean'],
  ...['--rmse-tolerance', '0.05', '--ndcg-tolerance', '0.2'],
];
/** `marquee pipeline` on the generated data, into the store `uri`, keeping runs in `workdir`. */
const runPipeline = (uri: string, workdir: string, ...extra: string[]) =>
  runCli(['pipeline', '--data', data, '--store', uri, '--workdir', workdir, ...extra]);
const pipeline = (...extra: string[]) =>
  runPipeline(store, join(root, 'runs'), '--train-flags', TINY, ...GATE, ...extra);

async function records(): Promise<PipelineRecord[]> {
  const dir = join(storeDir, 'pipeline', 'runs');
  const names = await readdir(dir);
  const all = await Promise.all(
    names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as PipelineRecord),
  );
  // Oldest first: runs of the same second have ids in no particular order.
  return all.sort((a, b) => a.started.localeCompare(b.started));
}

async function channels(): Promise<{ stable: string; canary: { version: string; percent: number } | null }> {
  return JSON.parse(await readFile(join(storeDir, 'channels.json'), 'utf8'));
}

/** `count` consecutive user ids from `first`. */
const usersFrom = (first: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => first + i);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'marquee-pipeline-'));
  data = join(root, 'data');
  storeDir = join(root, 'store');
  store = pathToFileURL(storeDir).href;
  events = pathToFileURL(join(root, 'events')).href;
  const gen = await runCli([
    'generate',
    '--preset',
    'small',
    '--users',
    '300',
    '--movies',
    '200',
    '--out',
    data,
  ]);
  expect(gen.code, gen.err).toBe(0);
  // An hour ago (past the settle time): ratings of known users and movies, one off the 1-5 scale, one watch.
  const at = new Date(Date.now() - 3_600_000);
  const stamp = {
    schema: 1,
    received: at.toISOString(),
    arm: { version: '20260101-000000-00000000', channel: 'stable' },
  };
  const lines = [
    ...Array.from({ length: 30 }, (_, i) => ({
      type: 'rating',
      user: 1 + i,
      movie: 1 + (i % 7),
      value: 5,
      ...stamp,
    })),
    { type: 'rating', user: 2, movie: 3, value: 4.5, ...stamp },
    { type: 'watch', user: 2, movie: 3, ...stamp },
    { type: 'click', user: 2, movie: 3, ...stamp },
  ];
  await fileStore(join(root, 'events')).put(
    eventsKey(EVENTS_PREFIX, at, 'a'),
    new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n')),
  );
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('marquee pipeline', () => {
  it('publishes the first version as stable and records the run; a rerun does nothing', async () => {
    const r = await pipeline();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/published \S+ as stable/);
    // Training reports on stderr inside the pipeline; stdout holds only the pipeline's own result.
    expect(r.err).toMatch(/^test RMSE /m);
    expect(r.out).not.toMatch(/^test RMSE /m);
    const [first] = await records();
    expect(first).toMatchObject({ phase: 'done', decision: 'published-stable', data: { eventRatings: 0 } });
    expect(first?.data.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(first?.metrics?.baselines).toHaveProperty('global-mean');
    expect(first?.metrics?.stable).toMatchObject({ compared: false });
    const version = first?.version as string;
    expect((await channels()).stable).toBe(version);
    // The manifest carries the baselines, as `evaluate --baselines` left them before.
    const manifest = JSON.parse(await readFile(join(storeDir, 'models', version, 'manifest.json'), 'utf8'));
    expect(manifest.metrics).toHaveProperty(['baselines.global-mean.ndcg@10']);
    expect(await readdir(join(storeDir, 'pipeline', 'models', version))).toContain('weights.bin');
    // The version served was trained again on every rating, the holdout (each user's last 2) included.
    const candidate = JSON.parse(await readFile(join(first!.train.runDir, 'config.json'), 'utf8'));
    const all = candidate.counts.ratings as number;
    expect(candidate.counts.test).toBe(600); // 300 users × last:2
    expect(candidate.counts.train + candidate.counts.validation + candidate.counts.test).toBe(all);
    expect(first?.published).toMatchObject({
      model: 'refit-all',
      ratings: all,
      holdoutRatings: 600,
      epochs: first?.train.result?.refitEpochs,
    });
    expect(first?.train.result).toMatchObject({ epochs: 3, seconds: expect.any(Number) });
    expect(manifest.counts.trainRatings).toBe(all);
    expect(manifest.training.config.data.split).toBe('none');
    expect(manifest.training.config.counts).toMatchObject({ train: all, validation: 0, test: 0 });
    expect(manifest.metrics).toMatchObject({
      'refitAll.ratings': all,
      'refitAll.holdoutRatings': 600,
      'refitAll.epochs': first?.published?.epochs,
    });
    const kept = JSON.parse(
      await readFile(join(storeDir, 'pipeline', 'models', version, 'config.json'), 'utf8'),
    );
    expect(kept.data.split).toBe('none');
    expect(r.out).toMatch(
      new RegExp(`served model: trained on every rating \\(${all}, 600 of the holdout\\) for \\d+ epochs`),
    );

    const again = await pipeline();
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain(`inputs unchanged since run ${first?.id}`);
    expect(await records()).toHaveLength(1);
    expect(await readdir(join(storeDir, 'models'))).toEqual([version]);
  }, 120_000);

  it('gathers rating events, refuses a crippled candidate with exit 3, then publishes a canary', async () => {
    const stable = (await channels()).stable;
    // In-process: main() itself returns the refusal's exit code (no process-exit hook).
    const crippled = () =>
      runPipeline(store, join(root, 'runs'), '--events', events, '--train-flags', CRIPPLED);
    const refused = await crippled();
    expect(refused.code, refused.err).toBe(3);
    expect(refused.out).toMatch(/RMSE \d\.\d{4} does not beat mf \d\.\d{4}/);
    expect(refused.out).toContain('refused: not publishing');
    expect(refused.err).toMatch(
      /marquee: the gate refused the candidate: RMSE \d\.\d{4} does not beat mf \d\.\d{4}/,
    );
    // The same inputs again: nothing trained, still a refusal, naming the run and its reasons.
    const again = await crippled();
    expect(again.code, again.err).toBe(3);
    expect(again.err).toMatch(/inputs unchanged since run \S+, whose candidate the gate refused: RMSE/);
    const refusedRecord = (await records()).at(-1);
    expect(refusedRecord).toMatchObject({
      decision: 'refused',
      data: { eventRatings: 30, gathered: { files: 1, ratings: 30, watches: 1, offScale: 1 } },
      metrics: { stable: { compared: true, version: stable } },
    });
    expect(await channels()).toMatchObject({ stable, canary: null });
    expect(await readdir(join(storeDir, 'pipeline', 'ratings'))).toHaveLength(1);

    const ok = await pipeline('--events', events, '--canary-percent', '5');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/published \S+ as canary for 5 % of users/);
    const published = (await records()).at(-1);
    // The events were gathered once (no new files since), and still train the model.
    expect(published).toMatchObject({
      decision: 'published-canary',
      data: { eventRatings: 30, gathered: null },
    });
    expect(await channels()).toMatchObject({ stable, canary: { version: published?.version, percent: 5 } });

    const skipped = await pipeline('--events', events, '--train-flags', '--epochs 2');
    expect(skipped.code, skipped.err).toBe(0);
    expect(skipped.out).toContain(`skipped: canary ${published?.version} is in flight at 5 %`);
  }, 240_000);

  it('stays out while another pipeline holds the lock, and takes over an expired one', async () => {
    const backend = fileLockBackend(storeDir);
    const held = await acquireLock(backend, { ttlMs: 60_000, owner: 'other-host:1:abcd' });
    const blocked = await pipeline('--replace-canary');
    expect(blocked.code).toBe(2);
    expect(blocked.err).toContain('another pipeline holds pipeline/lock.json (owner other-host:1:abcd');
    await held.release();

    await acquireLock(backend, { ttlMs: 1, owner: 'killed-host:2:dead', now: new Date(Date.now() - 60_000) });
    const r = await pipeline('--replace-canary');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('took over the expired lock of killed-host:2:dead');
    expect(await fileStore(storeDir).get(LOCK_KEY)).toBeNull(); // released at the end
  }, 120_000);

  it('finishes a run stopped between uploading its version and writing channels.json', async () => {
    const dir = join(root, 'interrupted');
    const uri = pathToFileURL(dir).href;
    // --no-refit-all: the judged candidate itself is served.
    const run = (...extra: string[]) => runPipeline(uri, join(root, 'runs-i'), '--no-refit-all', ...extra);
    const first = await run(
      '--train-flags',
      TINY,
      '--gate-rmse-baseline',
      'global-mean',
      '--gate-ranking-baseline',
      'global-mean',
    );
    expect(first.code, first.err).toBe(0);
    // Rewind the store to the moment after the upload: no channels.json, the record still "publishing".
    const recordFile = join(
      dir,
      'pipeline',
      'runs',
      (await readdir(join(dir, 'pipeline', 'runs')))[0] as string,
    );
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as PipelineRecord;
    const candidate = JSON.parse(await readFile(join(record.train.runDir, 'config.json'), 'utf8'));
    expect(record.published).toMatchObject({
      model: 'candidate',
      runDir: record.train.runDir,
      ratings: candidate.counts.train + candidate.counts.validation,
      holdoutRatings: 0,
    });
    await rm(join(dir, 'channels.json'));
    await writeFile(recordFile, JSON.stringify({ ...record, phase: 'publishing', decision: undefined }));
    const next = await run(
      '--train-flags',
      TINY,
      '--gate-rmse-baseline',
      'global-mean',
      '--gate-ranking-baseline',
      'global-mean',
    );
    expect(next.code, next.err).toBe(0);
    expect(next.err).toContain(`finished interrupted run ${record.id}: ${record.version} is now stable`);
    expect(next.out).toContain('inputs unchanged'); // and nothing trained again
    expect(JSON.parse(await readFile(join(dir, 'channels.json'), 'utf8')).stable).toBe(record.version);
    expect(JSON.parse(await readFile(recordFile, 'utf8'))).toMatchObject({
      phase: 'done',
      decision: 'published-stable',
    });
  }, 120_000);

  it('--warm-start starts from the stable, is judged on ratings it never saw, and falls back to cold', async () => {
    // A store and its events bucket (the last case starts a second pair).
    let dir = join(root, 'warm');
    let eventsDir = join(root, 'events-warm');
    const run = (...extra: string[]) =>
      runPipeline(
        pathToFileURL(dir).href,
        join(root, 'runs-w'),
        ...['--events', pathToFileURL(eventsDir).href, ...GATE, '--warm-start'],
        ...extra,
      );
    // Ratings of movies the users had not rated (new pairs), the most popular first.
    const rated = new Set<string>();
    const popularity = new Map<number, number>();
    for (const line of (await readFile(join(data, 'ratings.csv'), 'utf8')).split('\n').slice(1)) {
      const [u, m] = line.split(',').map(Number) as [number, number];
      if (!Number.isInteger(m)) continue;
      rated.add(`${u}:${m}`);
      popularity.set(m, (popularity.get(m) ?? 0) + 1);
    }
    const popular = [...popularity.keys()].sort((a, b) => popularity.get(b)! - popularity.get(a)!);
    const putRatings = async (minutesAgo: number, users: number[], each: number) => {
      const at = new Date(Date.now() - minutesAgo * 60_000);
      const lines = users.flatMap((user) =>
        popular
          .filter((m) => !rated.has(`${user}:${m}`))
          .slice(0, each)
          .map((movie) => {
            rated.add(`${user}:${movie}`);
            return {
              type: 'rating',
              user,
              movie,
              value: 5,
              schema: 1,
              received: at.toISOString(),
              arm: { version: '20260101-000000-00000000', channel: 'stable' },
            };
          }),
      );
      await fileStore(eventsDir).put(
        eventsKey(EVENTS_PREFIX, at, `w${minutesAgo}`),
        new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n')),
      );
    };
    const warmRecords = async () => {
      const runs = join(dir, 'pipeline', 'runs');
      const all = await Promise.all(
        (await readdir(runs)).map(
          async (n) => JSON.parse(await readFile(join(runs, n), 'utf8')) as PipelineRecord,
        ),
      );
      return all.sort((a, b) => a.started.localeCompare(b.started));
    };

    const first = await run('--train-flags', TINY);
    expect(first.code, first.err).toBe(0);
    expect(first.err).toContain('--warm-start: the store has no stable version yet: cold start');
    const stable = (await warmRecords())[0]!.version as string;

    // 40 users rate 3 movies each after the stable was trained: their newest ratings, 2 in the holdout (last:2),
    // 1 on the training side, where the warm candidate validates.
    await putRatings(60, usersFrom(101, 40), 3);
    // Whether this tiny model passes on 40 ratings is not the point here: either way it is judged on them alone.
    const warm = await run('--train-flags', TINY);
    expect([0, 3], warm.err).toContain(warm.code);
    expect(warm.err).toMatch(
      /warm start from \S+: 300 of 300 users and (\d+) of \1 movies start from its rows/,
    );
    const rec = (await warmRecords()).at(-1)!;
    expect(rec.train.warmStart).toBe(stable);
    expect(rec.decision).toBe(warm.code === 0 ? 'published-canary' : 'refused');
    expect(rec.train.args).toContain('--init-from');
    expect(rec.train.args).toContain('--val-since');
    const candidate = JSON.parse(await readFile(join(rec.train.runDir, 'config.json'), 'utf8'));
    expect(candidate.counts.validation).toBe(40);
    expect(rec.metrics?.holdout).toMatchObject({ ratings: 600, judged: 80 });
    expect(rec.metrics?.stable).toMatchObject({ compared: true, version: stable, ratings: 80, unknown: 0 });
    expect(rec.metrics?.candidate.ratings).toBe(80);
    expect(rec.gate?.checks).toContain(
      'candidate and baselines judged on the 80 of 600 holdout ratings the stable never trained on (the ' +
        'candidate started from its weights)',
    );
    expect(rec.train.result).toMatchObject({ epochs: 3, seconds: expect.any(Number) });

    // Another model shape: the stable's weights cannot start it, so it starts cold and says why.
    await putRatings(30, usersFrom(201, 10), 3);
    const other = await run('--train-flags', '--epochs 3 --dim 8 --hidden 16', '--replace-canary');
    expect([0, 3], other.err).toContain(other.code);
    const cold = (await warmRecords()).at(-1)!;
    expect(cold.train.warmStart).toBeNull();
    expect(cold.train.note).toBe(
      `--warm-start: stable ${stable} is of another shape (arch hybrid, dim 16, hidden 32,16, batch norm off) ` +
        'than the candidate (arch hybrid, dim 8, hidden 16, batch norm off): cold start',
    );
    expect(other.err).toContain(cold.train.note);
    expect(cold.train.args).not.toContain('--init-from');
    expect(cold.metrics?.holdout.judged).toBe(600);

    // A stable, then one new rating per user: all in the holdout, none to validate a warm start on.
    dir = join(root, 'warm-2');
    eventsDir = join(root, 'events-warm-2');
    expect((await run('--train-flags', TINY)).code).toBe(0);
    const stable2 = (await warmRecords())[0]!.version as string;
    await putRatings(20, usersFrom(221, 10), 1);
    const none = await run('--train-flags', TINY);
    expect([0, 3], none.err).toContain(none.code);
    expect((await warmRecords()).at(-1)?.train).toMatchObject({
      warmStart: null,
      note:
        `--warm-start: no rating since stable ${stable2} was trained is on the training side to validate on ` +
        '(all in the holdout): cold start',
    });
  }, 240_000);

  it('exits 2 naming the flag on bad flags', async () => {
    for (const [flags, name] of [
      [['--train-flags', '--out /tmp/x'], '--train-flags'],
      [['--split', 'weekly'], '--split'],
      [['--split', 'none'], 'expected a split with a holdout for the gate'],
      [['--train-flags', '--init-from runs/x'], '--train-flags'],
      [['--canary-percent', '0'], '--canary-percent'],
      [['--rmse-tolerance', '-1'], '--rmse-tolerance'],
      [['--gate-ranking-baseline', 'oracle'], '--gate-ranking-baseline'],
    ] as const) {
      const r = await pipeline(...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err).toContain(name);
    }
  });
});
