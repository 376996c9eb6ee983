/**
 * The benchmark's trained model: the default architecture (hybrid, 64-dim, hidden 128-64-32) trained by the real
 * trainer on a synthetic 20,000-user × 10,250-movie set (2.05M ratings; 10,013 movies have ratings, so the model
 * has 10,013), because random weights make the MLP outweigh the dot term in a way training does not.
 * Built once into a cache directory (`marquee generate` + `marquee train --no-refit`, ~7 min on 2 cores) and reused
 * while its run is complete; a directory holding a completed run (status.json) can be given instead.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';

const CLI = path.resolve(import.meta.dirname, '../trainer/bin/marquee.js');

/** Where the benchmark keeps its trained model unless told otherwise (gitignored). */
export const DEFAULT_TRAINED_DIR = '.bench/trained-hybrid-10k';

const GENERATE = ['--users', '20000', '--movies', '10250', '--density', '0.01', '--seed', '42'];

async function completed(runDir: string): Promise<boolean> {
  try {
    const status = JSON.parse(await readFile(path.join(runDir, 'status.json'), 'utf8')) as {
      state?: unknown;
    };
    return status.state === 'completed';
  } catch {
    return false;
  }
}

function marquee(args: string[], log: (line: string) => void): Promise<void> {
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

/**
 * The run directory of the trained model: `dir` itself when it holds a run (which must be complete), else
 * `dir/run`, generated and trained first when missing or incomplete.
 * @throws Error when `dir` holds an incomplete run, or generating / training fails
 */
export async function trainedRun(dir: string, log: (line: string) => void): Promise<string> {
  if (existsSync(path.join(dir, 'status.json'))) {
    if (await completed(dir)) return dir;
    throw new Error(
      `${dir} holds a training run that has not completed; finish it with marquee train --resume`,
    );
  }
  const data = path.join(dir, 'data');
  const run = path.join(dir, 'run');
  if (await completed(run)) return run;
  log(`training the benchmark's hybrid model into ${run} (once; about 7 minutes on 2 cores)`);
  if (!existsSync(path.join(data, 'ratings.csv'))) {
    await marquee(['generate', ...GENERATE, '--out', data, '--force'], log);
  }
  await rm(run, { recursive: true, force: true });
  await marquee(['train', '--data', data, '--out', run, '--no-refit'], log);
  return run;
}
