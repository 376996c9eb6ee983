/**
 * The benchmark's trained model: the default architecture (hybrid, 64-dim, hidden 128-64-32) trained by the real
 * trainer on a synthetic 20,000-user × 10,250-movie set (2.05M ratings; 10,013 movies have ratings, so the model
 * has 10,013), because random weights make the MLP outweigh the dot term in a way training does not.
 * Built once into a cache directory (`marquee generate` + `marquee train --no-refit`, ~7 min on 2 cores) and reused
 * while its run is complete and was built with the same commands (spec.json); a killed build resumes. Any other
 * directory must hold a completed run (status.json).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'trainer/bin/marquee.js');

/** Where the benchmark keeps its trained model unless told otherwise (gitignored). */
export const DEFAULT_TRAINED_DIR = path.join(ROOT, '.bench/trained-hybrid-10k');

/**
 * What the cache is built with; a cache built otherwise is rebuilt. `defaults` names the trainer defaults the
 * commands rely on: bump it when they change what a default run produces (2: the preference head with its own
 * movie vectors and history weight).
 */
const SPEC = {
  defaults: 2,
  generate: ['--users', '20000', '--movies', '10250', '--density', '0.01', '--seed', '42'],
  train: ['--no-refit'],
};

async function readStatus(runDir: string): Promise<string | undefined> {
  try {
    const status = JSON.parse(await readFile(path.join(runDir, 'status.json'), 'utf8')) as {
      state?: unknown;
    };
    return typeof status.state === 'string' ? status.state : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the real CLI (`node trainer/bin/marquee.js`), its output passed through. */
export function marquee(args: string[], log: (line: string) => void): Promise<void> {
  log(`$ marquee ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`marquee ${args[0]} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Takes `dir`/build.lock for this process, or throws when another live process holds it. */
async function lock(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'build.lock');
  for (;;) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(await readFile(file, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new Error(`${dir} is being built by process ${holder}; wait for it or stop it`);
      }
      await rm(file, { force: true }); // left by a process that died
    }
  }
}

/**
 * The run directory of the trained model.
 * @param dir a directory holding a completed run (status.json), or DEFAULT_TRAINED_DIR, the cache: its `run` is
 *   returned when complete and built with SPEC, else generated (`data`) and trained (resumed when a build was
 *   killed)
 * @throws Error when `dir` holds no completed run (and is not the cache), another process is building the cache,
 *   or generating / training fails
 */
export async function trainedRun(dir: string, log: (line: string) => void): Promise<string> {
  const absolute = path.resolve(dir);
  if (absolute !== DEFAULT_TRAINED_DIR) {
    const state = await readStatus(absolute);
    if (state === 'completed') return absolute;
    throw new Error(
      state === undefined
        ? `${dir} holds no training run (no readable status.json): give the directory of a completed marquee train run`
        : `${dir} holds a training run that has not completed (${state}); finish it with marquee train --resume`,
    );
  }
  const data = path.join(absolute, 'data');
  const run = path.join(absolute, 'run');
  const specFile = path.join(absolute, 'spec.json');
  const spec = JSON.stringify(SPEC);
  const sameSpec = (await readFile(specFile, 'utf8').catch(() => '')) === spec;
  if (sameSpec && (await readStatus(run)) === 'completed') return run;
  await mkdir(absolute, { recursive: true });
  const unlock = await lock(absolute);
  try {
    log(`training the benchmark's hybrid model into ${run} (once; about 7 minutes on 2 cores)`);
    if (!sameSpec) {
      await rm(data, { recursive: true, force: true });
      await rm(run, { recursive: true, force: true });
      await writeFile(specFile, spec);
    }
    if (!existsSync(path.join(data, 'ratings.csv'))) {
      await marquee(['generate', ...SPEC.generate, '--out', data, '--force'], log);
    }
    if (existsSync(path.join(run, 'checkpoint.bin')) && (await readStatus(run)) !== undefined) {
      await marquee(['train', '--resume', '--out', run], log);
    } else {
      await rm(run, { recursive: true, force: true });
      await marquee(['train', '--data', data, '--out', run, ...SPEC.train], log);
    }
    if ((await readStatus(run)) !== 'completed') throw new Error(`training into ${run} did not complete`);
    return run;
  } finally {
    await unlock();
  }
}
