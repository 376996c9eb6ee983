// Every command of the CLI answers --help and rejects unknown flags with exit code 2, whatever commands exist.
import type { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../trainer/src/cli/main.ts';

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  const paths: string[][] = [];
  for (const sub of cmd.commands) {
    if (sub.name() === 'help') continue;
    const path = [...prefix, sub.name()];
    paths.push(path);
    paths.push(...commandPaths(sub, path));
  }
  return paths;
}

describe('marquee CLI', () => {
  let out = '';
  beforeEach(() => {
    out = '';
    const capture = (chunk: string | Uint8Array): boolean => {
      out += String(chunk);
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => vi.restoreAllMocks());

  const paths = commandPaths(buildProgram());

  it('has the commands the README documents', () => {
    const top = paths.filter((p) => p.length === 1).map((p) => p[0]);
    expect(top).toEqual(expect.arrayContaining(['demo', 'generate', 'data', 'export', 'publish', 'channel']));
  });

  it.each(paths.map((p) => [p.join(' '), p] as const))(
    '`%s --help` prints usage and exits 0',
    async (_, path) => {
      expect(await main([...path, '--help'])).toBe(0);
      expect(out).toContain(`Usage: marquee ${path.join(' ')}`);
    },
  );

  it.each(paths.map((p) => [p.join(' '), p] as const))(
    '`%s --bogus-flag` exits 2 with an error message',
    async (_, path) => {
      expect(await main([...path, '--bogus-flag'])).toBe(2);
      // Commander checks required options before unknown ones; either way the message names a flag.
      expect(out).toMatch(/error: (unknown option '--bogus-flag'|required option '--[a-z-]+)/);
    },
  );

  it('an unknown command exits 2', async () => {
    expect(await main(['no-such-command'])).toBe(2);
    expect(out).toContain("unknown command 'no-such-command'");
  });
});
