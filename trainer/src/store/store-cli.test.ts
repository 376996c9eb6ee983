/**
 * The store commands end to end in-process (main() with argv): publish an exported version directory to a file
 * store, move channels, roll back, and the exit codes of bad input and storage faults.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildVersion, type BuiltVersion } from '../export/artifacts/build-version.ts';
import { syntheticInput } from '../../../tools/synthetic-input.ts';
import { writeVersionDir } from '../export/artifacts/version-dir.ts';
import { readChannels } from './channels.ts';
import { fileStore } from './file-store.ts';
import { listVersions } from './versions.ts';
import { runCli } from '../../../tools/cli-capture.ts';

let tmp: string;
let v1: BuiltVersion;
let v2: BuiltVersion;
let dir1: string;
let dir2: string;

/** Runs the CLI in-process, capturing stdout and stderr. */
const cli = (...argv: string[]) => runCli(argv);

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'marquee-store-cli-'));
  const input = syntheticInput({ users: 50, movies: 30, ratingsPerUser: 6, seed: 5 });
  v1 = await buildVersion({ ...input, created: new Date('2026-03-01T00:00:00Z'), similarK: 5 });
  v2 = await buildVersion({ ...input, created: new Date('2026-03-02T00:00:00Z'), similarK: 5 });
  dir1 = await writeVersionDir(join(tmp, 'out'), v1);
  dir2 = await writeVersionDir(join(tmp, 'out'), v2);
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('marquee publish / channel', () => {
  it('publishes, points channels, rolls back', async () => {
    const uri = `file://${tmp}/store`;
    const store = fileStore(join(tmp, 'store'));
    let r = await cli('publish', '--version-dir', dir1, '--store', uri, '--channel', 'stable');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`published ${v1.id}`));
    r = await cli('publish', '--version-dir', dir2, '--store', uri, '--channel', 'canary', '--percent', '20');
    expect(r.code).toBe(0);
    expect(await readChannels(store)).toMatchObject({
      stable: v1.id,
      canary: { version: v2.id, percent: 20 },
    });
    r = await cli('channel', 'show', '--store', uri, '--user', '7');
    expect(r.out).toMatch(/user 7: bucket 6 -> canary/);
    expect(r.out).toContain(`versions (2): ${v1.id}, ${v2.id}`);
    expect((await cli('channel', 'set-stable', v2.id, '--store', uri)).code).toBe(0);
    expect(await readChannels(store)).toMatchObject({ stable: v2.id, canary: null, history: [v1.id] });
    expect((await cli('channel', 'rollback', '--store', uri)).code).toBe(0);
    expect(await readChannels(store)).toMatchObject({ stable: v1.id, history: [] });
    r = await cli('channel', 'rollback', '--store', uri);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot roll back: channels.json records no previous stable version/);
    expect((await cli('channel', 'set-canary', v2.id, '--percent', '5', '--store', uri)).code).toBe(0);
    expect((await cli('channel', 'clear-canary', '--store', uri)).code).toBe(0);
    expect((await readChannels(store))?.canary).toBeNull();
    expect(await listVersions(store)).toEqual([v1.id, v2.id]);
  });

  it('exits 2 with a message on refused overwrite, unknown versions and bad flags', async () => {
    const uri = `file://${tmp}/store2`;
    expect((await cli('publish', '--version-dir', dir1, '--store', uri)).code).toBe(0);
    let r = await cli('publish', '--version-dir', dir1, '--store', uri);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already exists.*--force/);
    expect((await cli('publish', '--version-dir', dir1, '--store', uri, '--force')).code).toBe(0);
    r = await cli('channel', 'set-stable', '20990101-000000-00000000', '--store', uri);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/manifest.json: not found: version 20990101-000000-00000000 does not exist/);
    r = await cli('publish', '--version-dir', dir1, '--store', uri, '--channel', 'canary');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--percent goes with --channel canary/);
    r = await cli('channel', 'set-canary', v1.id, '--percent', '101', '--store', uri);
    expect(r.code).toBe(2);
    r = await cli('publish', '--version-dir', join(tmp, 'nope'), '--store', uri);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nope\/manifest.json: cannot read/);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    try {
      r = await cli('channel', 'show', '--store', 's3://marquee-test', '--endpoint', 'http://127.0.0.1:9');
    } finally {
      vi.unstubAllEnvs();
    }
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'marquee: s3://marquee-test at http://127.0.0.1:9: cannot reach http://127.0.0.1:9 (ECONNREFUSED): check --endpoint and the network\n',
    );
  });
});
