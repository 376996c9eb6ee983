// `marquee demo` runs the whole product end to end: generate -> train -> evaluate -> publish -> report -> query.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../trainer/src/cli/main.ts';

describe('marquee demo', () => {
  let root = '';
  let out = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'marquee-demo-'));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rm(root, { recursive: true, force: true });
  });

  it('runs every step and publishes a version that becomes stable', async () => {
    const capture = (chunk: string | Uint8Array): boolean => {
      out += String(chunk);
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const dir = join(root, 'demo');
    const store = join(root, 'store');
    const argv = ['demo', '--dir', dir, '--users', '300', '--movies', '300', '--epochs', '2'];
    const code = await main([...argv, '--store', pathToFileURL(store).href]);
    vi.restoreAllMocks();
    expect(code, out).toBe(0);
    for (let step = 1; step <= 8; step++) expect(out).toContain(`── ${step}/8 `);
    expect(existsSync(join(dir, 'report', 'index.html'))).toBe(true);
    const metrics = JSON.parse(await readFile(join(dir, 'run', 'metrics.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(metrics['test.rmse']).toBeTypeOf('number');
    expect(metrics['baselines.mf.rmse']).toBeTypeOf('number');
    const channels = JSON.parse(await readFile(join(store, 'channels.json'), 'utf8')) as { stable: string };
    const versions = await readdir(join(store, 'models'));
    expect(versions).toContain(channels.stable);
    expect(existsSync(join(store, 'models', channels.stable, 'manifest.json'))).toBe(true);
  });

  it('refuses to clear a directory it did not make', async () => {
    const foreign = join(root, 'foreign');
    await main(['generate', '--preset', 'small', '--users', '60', '--movies', '100', '--out', foreign]).catch(
      () => 0,
    );
    await writeFile(join(root, 'keep.txt'), 'user data');
    const code = await main(['demo', '--dir', root]);
    expect(code).toBe(2);
    expect(existsSync(join(root, 'keep.txt'))).toBe(true);
  });
});
