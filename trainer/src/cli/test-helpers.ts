/**
 * Test helpers for the CLI: run `main()` in-process and capture what it writes to stdout and stderr (vitest
 * spies on `process.stdout.write` / `process.stderr.write`). Not used by production code.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from './main.ts';

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
