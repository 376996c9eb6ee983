// The CLI as a filter: when its reader stops reading (`marquee ... | head -1`), it exits quietly instead of
// crashing on EPIPE with a stack trace.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(import.meta.dirname, '../trainer/bin/marquee.js');

/** Runs the CLI with its stdout's read end closed before it writes; returns its exit code and stderr. */
async function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Closing our only read end before the CLI has started makes each of its writes fail with EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr };
}

describe('marquee with a closed output pipe', () => {
  it('`train --help` exits 0 without a stack trace', async () => {
    const { code, stderr } = await runWithClosedStdout(['train', '--help']);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });
});
