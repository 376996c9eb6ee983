/**
 * The object stores against real servers: S3 through s3rver (an S3-protocol server started here on 127.0.0.1),
 * the local R2 through Miniflare, and the file store. Each runs the same publishing contract: publish, list, read
 * back byte-identical, range reads, refused overwrite, invisible interrupted publish, channels.
 */
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactError, StorageError, UsageError } from '../shared/src/errors.ts';
import { lookupUser, openUsersIndex } from '../shared/src/formats/users-bin.ts';
import { parseSeenHeader, parseSeenSlice, seenRange } from '../shared/src/formats/seen-bin.ts';
import { resolveVersion } from '../shared/src/schemas/channels.ts';
import { buildVersion, type BuiltVersion } from '../trainer/src/export/artifacts/build-version.ts';
import { syntheticInput } from '../tools/synthetic-input.ts';
import {
  readChannels,
  setChannels,
  withCanary,
  withRollback,
  withStable,
} from '../trainer/src/store/channels.ts';
import { fileStore } from '../trainer/src/store/file-store.ts';
import type { ObjectStore } from '../trainer/src/store/object-store.ts';
import { openStore } from '../trainer/src/store/open-store.ts';
import { r2LocalStore } from '../trainer/src/store/r2-local-store.ts';
import { s3Store } from '../trainer/src/store/s3-store.ts';
import { listVersions, publishVersion, readVersion, versionKey } from '../trainer/src/store/versions.ts';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
// s3rver ships no type declarations; this is the part of its API the test uses.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

const BUCKET = 'marquee-test';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let tmp: string;
let s3server: S3rverInstance;
let endpoint: string;
let v1: BuiltVersion;
let v2: BuiltVersion;

/** A port nothing listens on: bind an ephemeral port, then release it. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Delegates to a store but fails every put after the first `okPuts`, like a crash or a dropped connection. */
function failingAfter(store: ObjectStore, okPuts: number): ObjectStore {
  let puts = 0;
  return {
    ...store,
    async put(key, bytes) {
      if (++puts > okPuts) throw new StorageError(`injected failure on put #${puts} (${key})`);
      return store.put(key, bytes);
    },
  };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'marquee-stores-'));
  s3server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(tmp, 's3rver'),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3server.run();
  endpoint = `http://127.0.0.1:${port}`;
  const input = syntheticInput({ users: 300, movies: 80, ratingsPerUser: 10, seed: 3 });
  v1 = await buildVersion({ ...input, created: new Date('2026-01-01T00:00:00Z'), similarK: 10 });
  v2 = await buildVersion({ ...input, created: new Date('2026-01-02T00:00:00Z'), similarK: 10 });
});

afterAll(async () => {
  await s3server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const kinds: [string, () => ObjectStore][] = [
  [
    's3 (s3rver)',
    () =>
      s3Store({ bucket: BUCKET, prefix: 'team/models', endpoint, credentials: CREDENTIALS, maxAttempts: 1 }),
  ],
  ['file', () => fileStore(join(tmp, 'file-store'))],
  [
    'r2-local (Miniflare)',
    () => r2LocalStore({ bucket: 'marquee-models', persistTo: join(tmp, 'wrangler-state') }),
  ],
];

describe.each(kinds)('%s store', (_kind, make) => {
  let store: ObjectStore;
  beforeAll(async () => {
    store = make();
    await store.check();
  });
  afterAll(async () => store?.close());

  it('publishes a version and reads it back byte-identical', async () => {
    expect(await listVersions(store)).toEqual([]);
    await publishVersion(store, v1);
    expect(await listVersions(store)).toEqual([v1.id]);
    const back = await readVersion(store, v1.id);
    expect(back.manifest).toEqual(v1.manifest);
    expect([...back.files.keys()].sort()).toEqual([...v1.files.keys()].sort());
    for (const [name, bytes] of v1.files) expect(back.files.get(name)).toEqual(bytes);
  });

  it('serves range reads: a user looked up page by page, and their seen list', async () => {
    const usersKey = versionKey(v1.id, 'users.bin');
    const seenKey = versionKey(v1.id, 'seen.bin');
    const read = (key: string) => async (offset: number, length: number) => {
      const bytes = await store.getRange(key, offset, length);
      if (bytes === null) throw new Error(`${key} missing`);
      return bytes;
    };
    const size = (await store.head(usersKey))?.size ?? -1;
    expect(size).toBe(v1.manifest.files['users.bin']?.bytes);
    const index = await openUsersIndex(read(usersKey), size);
    const found = await lookupUser(index, read(usersKey), 1 + 2 * 123);
    expect(found).not.toBeNull();
    const seenHeader = parseSeenHeader(await read(seenKey)(0, 128), (await store.head(seenKey))?.size ?? -1);
    const r = seenRange(seenHeader, found?.record.seenOffset ?? 0, found?.record.seenCount ?? 0);
    const list = parseSeenSlice(await read(seenKey)(r.offset, r.length), 80);
    expect(list.length).toBe(found?.record.seenCount);
    expect(list.length).toBeGreaterThan(0);
    expect(await lookupUser(index, read(usersKey), 2)).toBeNull(); // even ids are not users
    // Past the end: fewer bytes, then none; a missing object: null.
    expect((await store.getRange(usersKey, size - 3, 10))?.length).toBe(3);
    expect((await store.getRange(usersKey, size + 5, 10))?.length).toBe(0);
    expect(await store.getRange(versionKey(v1.id, 'nope.bin'), 0, 4)).toBeNull();
  });

  it('stores a Node Buffer (what readFile returns) byte for byte', async () => {
    const bytes = Buffer.from('{"a buffer": true}\n');
    await store.put('scratch/buffer.json', bytes);
    expect(await store.get('scratch/buffer.json')).toEqual(new Uint8Array(bytes));
  });

  it('refuses to overwrite a published version unless forced', async () => {
    await expect(publishVersion(store, v1)).rejects.toThrow(UsageError);
    await expect(publishVersion(store, v1)).rejects.toThrow(/already exists.*--force/);
    await publishVersion(store, v1, { force: true });
    expect(await listVersions(store)).toEqual([v1.id]);
  });

  it('keeps an interrupted publish invisible, and a retry completes it', async () => {
    for (const okPuts of [0, 3, v2.files.size]) {
      await expect(publishVersion(failingAfter(store, okPuts), v2)).rejects.toThrow(/injected failure/);
      expect(await listVersions(store)).toEqual([v1.id]);
      await expect(readVersion(store, v2.id)).rejects.toThrow(/manifest.json: not found/);
    }
    await publishVersion(store, v2);
    expect(await listVersions(store)).toEqual([v1.id, v2.id]);
    expect((await readVersion(store, v2.id)).files.get('movies.bin')).toEqual(v2.files.get('movies.bin'));
  });

  it('detects a corrupted file, naming it', async () => {
    const key = versionKey(v2.id, 'popularity.bin');
    const good = (await store.get(key)) as Uint8Array;
    const bad = good.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff;
    await store.put(key, bad);
    const err = await readVersion(store, v2.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactError);
    expect((err as ArtifactError).file).toBe(key);
    expect((err as Error).message).toMatch(/sha256 .* does not match the manifest/);
    await store.put(key, good);
  });

  it('moves channels with one write each and rolls back', async () => {
    expect(await readChannels(store)).toBeNull();
    await setChannels(store, withStable(null, v1.id));
    let channels = await setChannels(store, withCanary(await readChannels(store), v2.id, 30));
    expect(resolveVersion(channels, 0).version).toBe(v1.id); // bucketOf(0) = 63: stable
    expect(resolveVersion(channels, 7).version).toBe(v2.id); // bucketOf(7) = 6: inside the 30 % canary slice
    channels = await setChannels(store, withStable(await readChannels(store), v2.id));
    expect(channels).toMatchObject({ stable: v2.id, canary: null, history: [v1.id] });
    channels = await setChannels(store, withRollback(await readChannels(store)));
    expect(channels).toMatchObject({ stable: v1.id, canary: null, history: [] });
    expect(await readChannels(store)).toEqual(channels);
    await expect(setChannels(store, withStable(channels, '20990101-000000-00000000'))).rejects.toThrow(
      /models\/20990101-000000-00000000\/manifest.json: not found/,
    );
    expect((await readChannels(store))?.stable).toBe(v1.id);
  });
});

describe('S3 faults', () => {
  it('reports an unreachable endpoint as a StorageError', async () => {
    const store = s3Store({
      bucket: BUCKET,
      prefix: '',
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    await expect(store.check()).rejects.toThrow(StorageError);
    await expect(store.check()).rejects.toThrow(/cannot reach http:\/\/127.0.0.1:\d+ \(ECONNREFUSED\)/);
    await expect(publishVersion(store, v1)).rejects.toThrow(StorageError);
    await store.close();
  });

  it('reports a missing bucket and rejected credentials as StorageErrors', async () => {
    const missing = s3Store({ bucket: 'no-such-bucket', prefix: '', endpoint, credentials: CREDENTIALS });
    await expect(missing.check()).rejects.toThrow(/bucket "no-such-bucket" does not exist/);
    await expect(missing.put('x', new Uint8Array(1))).rejects.toThrow(StorageError);
    await missing.close();
    const denied = s3Store({
      bucket: BUCKET,
      prefix: '',
      endpoint,
      credentials: { accessKeyId: 'nobody', secretAccessKey: 'wrong' },
      maxAttempts: 1,
    });
    await expect(denied.check()).rejects.toThrow(/access denied \(InvalidAccessKeyId\)/);
    await expect(denied.put('x', new Uint8Array(1))).rejects.toThrow(StorageError);
    await denied.close();
  });
});

describe('openStore', () => {
  it('opens each kind by URI and rejects the rest', async () => {
    expect((await openStore(`file://${tmp}/x`)).uri).toBe(`file://${tmp}/x`);
    expect((await openStore(`s3://${BUCKET}/a/b`, { endpoint })).uri).toBe(`s3://${BUCKET}/a/b`);
    const r2 = await openStore('r2-local://', {
      wranglerToml: 'wrangler.toml',
      persistTo: join(tmp, 'unused'),
    });
    expect(r2.uri).toMatch(/^r2-local:\/\/marquee-models /);
    await expect(openStore('ftp://x')).rejects.toThrow(/unknown store "ftp:\/\/x"/);
    await expect(openStore('s3://Bad_Bucket')).rejects.toThrow(UsageError);
    await expect(openStore('file:///tmp/x', { endpoint })).rejects.toThrow(/apply to s3:\/\/ stores only/);
  });

  it('writes local R2 data where a second Miniflare (like wrangler dev) finds it', async () => {
    const persistTo = join(tmp, 'wrangler-state');
    const again = r2LocalStore({ bucket: 'marquee-models', persistTo });
    expect(await listVersions(again)).toEqual([v1.id, v2.id]);
    expect((await readChannels(again))?.stable).toBe(v1.id);
    await again.close();
  });
});
