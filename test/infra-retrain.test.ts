// infra/retrain-nightly.sh: `marquee pipeline` (train, gate, publish stable / canary — or nothing, exit 3), then
// `marquee canary judge --apply` when an events bucket is configured.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = new URL('..', import.meta.url).pathname;
const script = join(repo, 'infra', 'retrain-nightly.sh');

function retrain(env: Record<string, string>): { status: number | null; output: string } {
  const r = spawnSync('bash', [script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('infra/retrain-nightly.sh', () => {
  let root = '';
  let data = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'marquee-retrain-'));
    data = join(root, 'data');
    const gen = spawnSync(
      'node',
      [
        join(repo, 'trainer/bin/marquee.js'),
        'generate',
        '--preset',
        'small',
        '--users',
        '300',
        '--movies',
        '200',
        '--out',
        data,
      ],
      { encoding: 'utf8' },
    );
    expect(gen.status, gen.stderr).toBe(0);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('says what is missing when unconfigured', () => {
    const r = retrain({ MARQUEE_DATA: '', MARQUEE_STORE: '' });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('MARQUEE_DATA');
  });

  it('publishes nothing when the model does not beat the gate baseline', () => {
    const store = join(root, 'store-refused');
    const r = retrain({
      MARQUEE_DATA: data,
      MARQUEE_STORE: pathToFileURL(store).href,
      MARQUEE_WORKDIR: join(root, 'runs-refused'),
      // One epoch at a learning rate too small to learn anything cannot beat biased MF.
      MARQUEE_TRAIN_FLAGS: '--epochs 1 --lr 0.000001 --dim 8 --hidden 16',
    });
    expect(r.status, r.output).toBe(3);
    expect(r.output).toContain('not publishing');
    expect(existsSync(join(store, 'channels.json'))).toBe(false);
  }, 180_000);

  it('publishes nothing when the top-10 does not beat the ranking baseline', () => {
    const store = join(root, 'store-ranking');
    const r = retrain({
      MARQUEE_DATA: data,
      MARQUEE_STORE: pathToFileURL(store).href,
      MARQUEE_WORKDIR: join(root, 'runs-ranking'),
      // Ranked by predicted rating alone (no preference head), a small model cannot beat EASE's top-10.
      MARQUEE_TRAIN_FLAGS: '--epochs 3 --dim 16 --hidden 32,16 --pref-weight 0',
      MARQUEE_GATE_BASELINE: 'global-mean',
      MARQUEE_GATE_RANKING: 'ease',
    });
    expect(r.status, r.output).toBe(3);
    expect(r.output).toMatch(/NDCG@10 \d\.\d{4} does not beat ease \d\.\d{4}/);
    expect(r.output).toContain('refused: not publishing');
    expect(existsSync(join(store, 'channels.json'))).toBe(false);
  }, 180_000);

  it('publishes the first version as stable, a later one as a canary, and judges it', async () => {
    const store = join(root, 'store-ok');
    const env = {
      MARQUEE_DATA: data,
      MARQUEE_STORE: pathToFileURL(store).href,
      MARQUEE_EVENTS: pathToFileURL(join(root, 'events-ok')).href,
      MARQUEE_WORKDIR: join(root, 'runs-ok'),
      MARQUEE_TRAIN_FLAGS: '--epochs 3 --dim 16 --hidden 32,16',
      // The wiring is under test here, not model quality: baselines and margins any trained model clears.
      MARQUEE_GATE_BASELINE: 'global-mean',
      MARQUEE_GATE_RANKING: 'global-mean',
      MARQUEE_PIPELINE_FLAGS: '--rmse-tolerance 0.05 --ndcg-tolerance 0.3',
      MARQUEE_CANARY_PERCENT: '25',
    };
    const first = retrain(env);
    expect(first.status, first.output).toBe(0);
    expect(first.output).toContain('canary judge: none');
    type Channels = { stable: string; canary: { version: string; percent: number } | null };
    const before = JSON.parse(await readFile(join(store, 'channels.json'), 'utf8')) as Channels;
    expect(before.canary).toBeNull();
    // The same data and flags again: nothing to do.
    const same = retrain(env);
    expect(same.status, same.output).toBe(0);
    expect(same.output).toContain('inputs unchanged since run');
    // Other training flags: a new candidate, published as a canary; no traffic yet: hold. The stable was trained
    // on every rating and no new rating arrived, so there is nothing fair to compare them on (said, not skipped).
    const second = retrain({ ...env, MARQUEE_TRAIN_FLAGS: '--epochs 4 --dim 16 --hidden 32,16' });
    expect(second.status, second.output).toBe(0);
    expect(second.output).toMatch(
      /not compared with stable: no holdout rating the stable model \S+ never trained on/,
    );
    expect(second.output).toContain('canary judge: hold');
    const after = JSON.parse(await readFile(join(store, 'channels.json'), 'utf8')) as Channels;
    expect(after.stable).toBe(before.stable);
    expect(after.canary?.percent).toBe(25);
    expect(after.canary?.version).not.toBe(before.stable);
    expect(existsSync(join(store, 'models', after.canary?.version ?? '-', 'manifest.json'))).toBe(true);
    // While the canary is in flight the pipeline does not train.
    const third = retrain({ ...env, MARQUEE_TRAIN_FLAGS: '--epochs 5 --dim 16 --hidden 32,16' });
    expect(third.status, third.output).toBe(0);
    expect(third.output).toContain(`skipped: canary ${after.canary?.version} is in flight at 25 %`);
  }, 300_000);
});
