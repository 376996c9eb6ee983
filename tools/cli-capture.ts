/**
 * Test helpers for the CLI: run `main()` in-process and capture what it writes to stdout and stderr (vitest
 * spies on `process.stdout.write` / `process.stderr.write`).
 */
import { afterEach, beforeEach, vi } from 'vitest';
import type { RatingsTable, Split } from '../trainer/src/data/types.ts';
import type { DataSpec } from '../trainer/src/train/data.ts';
import { resolveTrainOptions } from '../trainer/src/train/options.ts';
import type { RunConfig } from '../trainer/src/train/run-dir.ts';
import { main } from '../trainer/src/cli/main.ts';

/** Text written to stdout and stderr. */
export interface CapturedOutput {
  out: string;
  err: string;
}

/** Sends stdout and stderr writes into `into` until the returned function restores the streams. */
function captureInto(into: CapturedOutput): () => void {
  const o = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => ((into.out += String(chunk)), true));
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk) => ((into.err += String(chunk)), true));
  return () => {
    o.mockRestore();
    e.mockRestore();
  };
}

/**
 * Captures stdout and stderr during every test of the calling file (call once, at the top level): the returned
 * object holds what the current test has written so far.
 */
export function captureOutput(): Readonly<CapturedOutput> {
  const captured: CapturedOutput = { out: '', err: '' };
  let restore = (): void => {};
  beforeEach(() => {
    captured.out = '';
    captured.err = '';
    restore = captureInto(captured);
  });
  afterEach(() => restore());
  return captured;
}

/** Runs `marquee <argv>` in-process and returns its exit code with what it wrote to stdout and stderr. */
export async function runCli(argv: string[]): Promise<CapturedOutput & { code: number }> {
  const captured: CapturedOutput = { out: '', err: '' };
  const restore = captureInto(captured);
  try {
    const code = await main(argv);
    return { code, ...captured };
  } finally {
    restore();
  }
}

/** The config.json of a run saved by a test (default options, cpu backend, the split's counts, no validation). */
export function testRunConfig(spec: DataSpec, table: RatingsTable, split: Split): RunConfig {
  return {
    format: 'marquee-run',
    version: 1,
    createdAt: new Date(0).toISOString(),
    data: spec,
    splitDescription: split.description,
    scale: table.scale,
    train: resolveTrainOptions(),
    backend: { requested: 'cpu', kind: 'cpu', tfjsName: 'cpu', device: 'CPU' },
    counts: {
      ratings: table.count,
      users: table.userIds.length,
      movies: table.movieIds.length,
      train: split.train.length,
      validation: 0,
      test: split.test.length,
      coldUsers: split.coldUsers,
      coldMovies: split.coldMovies,
    },
  };
}
