import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../tools/cli-capture.ts';

const BIN = fileURLToPath(new URL('../../../bin/marquee.js', import.meta.url));
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'marquee-generate-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('marquee generate', () => {
  it('writes a data set and prints counts, density, mean rating, noise floor and time', async () => {
    const out = path.join(root, 'ok');
    const r = await runCli([
      'generate',
      '--users',
      '100',
      '--movies',
      '60',
      '--density',
      '0.4',
      '--seed',
      '3',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ratings: 2,400\n/);
    expect(r.out).toMatch(/density: 0\.4000/);
    expect(r.out).toMatch(/mean rating: [1-5]\.\d{4}/);
    expect(r.out).toMatch(/noise floor RMSE: 0\.\d{4}/);
    expect(r.out).toMatch(/time: \d+\.\d\d s/);
    expect(r.err).toBe(''); // a quick run prints no progress
    expect((await readdir(out)).sort()).toEqual(['movies.csv', 'ratings.csv', 'truth.csv', 'users.csv']);
  });

  it.each([
    [['--users', '-5'], /--users/],
    [['--movies', '0'], /--movies/],
    [['--density', '1.5'], /--density/],
    [['--density', '0'], /--density/],
    [['--seed', 'abc'], /--seed/],
    [['--preset', 'huge'], /--preset/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--movies', '100', '--density', '0.1'], /--density: .*at least 20/],
  ])('exits 2 naming the flag for %j', async (flags, message) => {
    const r = await runCli(['generate', ...flags, '--out', path.join(root, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(await readdir(root)).not.toContain('bad');
  });

  it('exits 2 without --out, and on a non-empty --out unless --force', async () => {
    const missing = await runCli(['generate', '--preset', 'small']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--out/);
    const again = await runCli([
      'generate',
      '--users',
      '50',
      '--movies',
      '40',
      '--density',
      '0.5',
      '--out',
      path.join(root, 'ok'),
    ]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/--force/);
  });

  it('prints --help listing every flag', async () => {
    const help = await runCli(['generate', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--preset', '--users', '--movies', '--density', '--seed', '--out', '--force']) {
      expect(help.out).toContain(flag);
    }
  });

  it('exits 2 naming the flag when run as a real process', () => {
    const bad = spawnSync(
      process.execPath,
      [BIN, 'generate', '--density', '2', '--out', path.join(root, 'x')],
      {
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--density/);
  });
});
