// The deployment files, checked statically (no Docker engine, cluster or GitHub here): every YAML file parses, the
// schedules, concurrency and GPU request say what the design needs, every name agrees with infra/names.env, and the
// Dockerfile builds the image the jobs name, with the nightly pipeline as its entrypoint.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const repo = new URL('..', import.meta.url).pathname;
const read = (path: string): string => readFileSync(join(repo, path), 'utf8');

type Yaml = { [key: string]: unknown };

/** Every file under `dir` (relative to the repo) whose name matches. */
function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const p = join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (pattern.test(e.name)) out.push(relative(repo, p));
    }
  };
  walk(join(repo, dir));
  return out.sort();
}

/** infra/names.env as a map (plain KEY=value lines). */
function namesFile(): Record<string, string> {
  const names: Record<string, string> = {};
  for (const line of read('infra/names.env').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) names[m[1] as string] = m[2] as string;
  }
  return names;
}

/** A nested field, e.g. at(doc, 'spec', 'jobTemplate'). */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const k of path) v = (v as Yaml | undefined)?.[k as string];
  return v;
}

/** Every value in a parsed document (depth first), for "is this name used anywhere" checks. */
function* walkValues(value: unknown): Generator<[string, unknown]> {
  if (Array.isArray(value)) for (const v of value) yield* walkValues(v);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield [k, v];
      yield* walkValues(v);
    }
  }
}

const cronMinute = (cron: string): number => Number(cron.trim().split(/\s+/)[0]);
const names = namesFile();
const yamlFiles = [...filesUnder('infra', /\.ya?ml$/), ...filesUnder('.github', /\.ya?ml$/)];
const docs = new Map<string, Yaml[]>();

beforeAll(async () => {
  for (const file of yamlFiles) {
    const parsed = parseAllDocuments(read(file));
    for (const doc of parsed)
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    docs.set(
      file,
      parsed.map((doc) => doc.toJS() as Yaml).filter((d) => d !== null),
    );
  }
});

describe('YAML files', () => {
  it('every YAML file under infra/ and .github/ parses', () => {
    expect(yamlFiles).toContain('.github/workflows/nightly.yml');
    expect(yamlFiles.filter((f) => f.startsWith('infra/k8s/')).length).toBeGreaterThanOrEqual(5);
    for (const file of yamlFiles) expect(docs.get(file)?.length, file).toBeGreaterThan(0);
  });

  it('the GitHub workflow runs at odd minutes, one run at a time, with the R2 secrets of names.env', () => {
    const [wf] = docs.get('.github/workflows/nightly.yml') as Yaml[];
    const crons = (at(wf, 'on', 'schedule') as { cron: string }[]).map((s) => s.cron);
    expect(crons.length).toBe(2);
    for (const cron of crons) expect(cronMinute(cron) % 2, cron).toBe(1);
    expect(at(wf, 'concurrency', 'group')).toEqual(expect.any(String));
    expect(at(wf, 'concurrency', 'cancel-in-progress')).toBe(false);
    const text = read('.github/workflows/nightly.yml');
    const secrets = new Set([...text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]));
    const declared = Object.entries(names)
      .filter(([k]) => k.startsWith('MARQUEE_SECRET_'))
      .map(([, v]) => v);
    expect([...secrets].sort()).toEqual([...declared].sort());
    expect(at(wf, 'env', 'MARQUEE_STORE')).toBe(`s3://${names['MARQUEE_MODELS_BUCKET']}`);
    expect(at(wf, 'env', 'MARQUEE_EVENTS')).toBe(`s3://${names['MARQUEE_EVENTS_BUCKET']}`);
    expect(text).toContain(`s3://${names['MARQUEE_EVENTS_BUCKET']}/${names['MARQUEE_BASE_PREFIX']}/`);
    // Each schedule runs a job: the nightly one the pipeline script, the hourly one the judge.
    const jobs = at(wf, 'jobs') as Record<string, Yaml>;
    for (const cron of crons) {
      expect(
        Object.values(jobs).some((j) => String(j['if']).includes(`'${cron}'`)),
        cron,
      ).toBe(true);
    }
    const runs = (job: string) =>
      (at(jobs, job, 'steps') as { run?: string }[]).map((s) => s.run ?? '').join('\n');
    expect(runs('pipeline')).toContain('infra/retrain-nightly.sh');
    expect(runs('judge')).toMatch(/canary judge --apply/);
  });

  it('the Kubernetes CronJobs forbid overlap, run at odd minutes, and the GPU variant asks for a GPU', () => {
    const all = [...docs.entries()].filter(([f]) => f.startsWith('infra/k8s/'));
    const cronJobs = all.flatMap(([file, ds]) =>
      ds.filter((d) => d['kind'] === 'CronJob').map((d) => ({ file, d })),
    );
    expect(cronJobs.map((c) => c.file).sort()).toEqual([
      'infra/k8s/judge-cronjob.yaml',
      'infra/k8s/pipeline-cronjob-gpu.yaml',
      'infra/k8s/pipeline-cronjob.yaml',
    ]);
    for (const { file, d } of cronJobs) {
      expect(at(d, 'spec', 'concurrencyPolicy'), file).toBe('Forbid');
      expect(cronMinute(at(d, 'spec', 'schedule') as string) % 2, file).toBe(1);
      expect(at(d, 'spec', 'jobTemplate', 'spec', 'template', 'spec', 'restartPolicy'), file).toBe('Never');
      // A stuck job ends before the pipeline lock expires (--lock-ttl-minutes 360).
      expect(at(d, 'spec', 'jobTemplate', 'spec', 'activeDeadlineSeconds') as number, file).toBeLessThan(
        360 * 60,
      );
    }
    const container = (file: string) =>
      at(
        cronJobs.find((c) => c.file === file)?.d,
        'spec',
        'jobTemplate',
        'spec',
        'template',
        'spec',
        'containers',
        0,
      ) as Yaml;
    const cpu = container('infra/k8s/pipeline-cronjob.yaml');
    const gpu = container('infra/k8s/pipeline-cronjob-gpu.yaml');
    expect(at(gpu, 'resources', 'limits', 'nvidia.com/gpu')).toBeGreaterThanOrEqual(1);
    expect(at(cpu, 'resources', 'limits', 'nvidia.com/gpu')).toBeUndefined();
    expect(gpu['image']).toBe(`${names['MARQUEE_IMAGE']}:${names['MARQUEE_IMAGE_TAG_GPU']}`);
    expect(cpu['image']).toBe(`${names['MARQUEE_IMAGE']}:${names['MARQUEE_IMAGE_TAG_CPU']}`);
    const env = (c: Yaml) =>
      Object.fromEntries((c['env'] as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    expect(env(gpu)['MARQUEE_TRAIN_FLAGS']).toContain('--backend gpu');
    // Exit 3 (refused) is an answer, not a crash: no retry.
    const rules = at(
      cronJobs.find((c) => c.file === 'infra/k8s/pipeline-cronjob.yaml')?.d,
      'spec',
      'jobTemplate',
      'spec',
      'podFailurePolicy',
      'rules',
    ) as Yaml[];
    expect(
      rules.some(
        (r) => r['action'] === 'FailJob' && (at(r, 'onExitCodes', 'values') as number[]).includes(3),
      ),
    ).toBe(true);
    // Applying the GPU variant replaces the CPU job: the same name.
    const name = (file: string) => at(cronJobs.find((c) => c.file === file)?.d, 'metadata', 'name');
    expect(name('infra/k8s/pipeline-cronjob-gpu.yaml')).toBe(name('infra/k8s/pipeline-cronjob.yaml'));
  });

  it('every Kubernetes name, image, secret and bucket agrees with names.env', () => {
    const all = [...docs.entries()].filter(([f]) => f.startsWith('infra/k8s/'));
    const secret = all.flatMap(([, ds]) => ds).find((d) => d['kind'] === 'Secret') as Yaml;
    expect(at(secret, 'metadata', 'name')).toBe(names['MARQUEE_K8S_SECRET']);
    const secretKeys = Object.keys(at(secret, 'stringData') as Yaml);
    for (const [file, ds] of all) {
      for (const d of ds) {
        const ns = d['kind'] === 'Namespace' ? at(d, 'metadata', 'name') : at(d, 'metadata', 'namespace');
        expect(ns, file).toBe(names['MARQUEE_K8S_NAMESPACE']);
        if (d['kind'] === 'PersistentVolumeClaim')
          expect(at(d, 'metadata', 'name')).toBe(names['MARQUEE_K8S_DATA_CLAIM']);
        for (const [key, value] of walkValues(d)) {
          if (key === 'secretKeyRef') {
            expect(at(value, 'name'), file).toBe(names['MARQUEE_K8S_SECRET']);
            expect(secretKeys, file).toContain(at(value, 'key'));
          }
          if (key === 'claimName') expect(value, file).toBe(names['MARQUEE_K8S_DATA_CLAIM']);
          if (key === 'image')
            expect(String(value).startsWith(`${names['MARQUEE_IMAGE']}:`), file).toBe(true);
          if (typeof value === 'string' && value.startsWith('s3://')) {
            expect(
              [`s3://${names['MARQUEE_MODELS_BUCKET']}`, `s3://${names['MARQUEE_EVENTS_BUCKET']}`],
              file,
            ).toContain(value);
          }
        }
      }
    }
  });
});

describe('names agree outside YAML', () => {
  it('wrangler.toml binds the buckets and queue of names.env', () => {
    const toml = read('wrangler.toml');
    const buckets = [...toml.matchAll(/bucket_name\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(buckets.sort()).toEqual([names['MARQUEE_EVENTS_BUCKET'], names['MARQUEE_MODELS_BUCKET']].sort());
    const queues = new Set([...toml.matchAll(/queue\s*=\s*"([^"]+)"/g)].map((m) => m[1]));
    expect([...queues]).toEqual([names['MARQUEE_EVENTS_QUEUE']]);
  });

  it('retrain.env.example and the Dockerfile use the same buckets and image', () => {
    const env = read('infra/retrain.env.example');
    expect(env).toContain(`MARQUEE_STORE=s3://${names['MARQUEE_MODELS_BUCKET']}\n`);
    expect(env).toContain(`MARQUEE_EVENTS=s3://${names['MARQUEE_EVENTS_BUCKET']}\n`);
    const docker = read('Dockerfile');
    expect(docker).toContain(`-t ${names['MARQUEE_IMAGE']}:${names['MARQUEE_IMAGE_TAG_CPU']} .`);
    expect(docker).toContain(`-t ${names['MARQUEE_IMAGE']}:${names['MARQUEE_IMAGE_TAG_GPU']} --target gpu .`);
  });

  it('names.env is valid shell, and the scripts parse', () => {
    const r = spawnSync('bash', ['-c', `set -eu; . infra/names.env; echo "$MARQUEE_MODELS_BUCKET"`], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(r.stdout.trim(), r.stderr).toBe(names['MARQUEE_MODELS_BUCKET']);
    for (const script of filesUnder('infra', /\.sh$/)) {
      const check = spawnSync('bash', ['-n', script], { cwd: repo, encoding: 'utf8' });
      expect(check.status, `${script}: ${check.stderr}`).toBe(0);
    }
  });

  it('the systemd unit runs the nightly script', () => {
    expect(read('infra/systemd/marquee-retrain.service')).toMatch(
      /^ExecStart=\S*\/infra\/retrain-nightly\.sh$/m,
    );
    expect(read('infra/systemd/marquee-retrain.timer')).toMatch(/^OnCalendar=/m);
  });
});

describe('Dockerfile (static)', () => {
  const docker = read('Dockerfile');
  const stages = [...docker.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({
    from: m[1],
    name: m[2],
  }));
  const args = Object.fromEntries([...docker.matchAll(/^ARG\s+(\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
  const image = (from: string) => from.replace(/^\$\{(\w+)\}$/, (_, k: string) => args[k] ?? from);

  it('builds the CPU image by default and a CUDA 11.2 / cuDNN 8.1 image as the gpu target', () => {
    expect(stages.at(-1)?.name).toBe('cpu');
    expect(image(stages.at(-1)?.from as string)).toMatch(/^node:20[.-]/);
    const gpu = stages.find((s) => s.name === 'gpu');
    expect(image(gpu?.from as string)).toMatch(/^nvidia\/cuda:11\.2(\.\d+)?-cudnn8-runtime-/);
    // Node comes from the official image into the CUDA one.
    expect(docker).toMatch(/COPY --from=node \/usr\/local\/ \/usr\/local\//);
    expect(docker).toMatch(/rm -rf node_modules\/@tensorflow\/tfjs-node-gpu/);
  });

  it('runs the nightly pipeline as its entrypoint, as a non-root user', () => {
    const entrypoints = [...docker.matchAll(/^ENTRYPOINT\s+(\[.*\])$/gm)].map(
      (m) => JSON.parse(m[1] as string) as string[],
    );
    expect(entrypoints).toHaveLength(2);
    for (const e of entrypoints) expect(e).toEqual(['/opt/marquee/infra/retrain-nightly.sh']);
    expect(read('infra/retrain-nightly.sh')).toMatch(/"\$\{marquee\[@\]\}" pipeline --data/);
    expect([...docker.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1])).toEqual(['node', 'node']);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const sources = [...docker.matchAll(/^COPY\s+(?!--from)(.+)\s+\S+$/gm)].flatMap((m) =>
      (m[1] as string).split(/\s+/),
    );
    expect(sources).toEqual(expect.arrayContaining(['package-lock.json', 'trainer/src', 'infra']));
    for (const src of sources) {
      expect(existsSync(join(repo, src)), src).toBe(true);
      expect(
        ignored.some((p) => src === p || src.startsWith(`${p}/`)),
        `${src} is ignored`,
      ).toBe(false);
    }
  });
});
