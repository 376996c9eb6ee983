import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStore } from '../store/file-store.ts';
import {
  acquireLock,
  fileLockBackend,
  LOCK_KEY,
  LockHeld,
  s3LockBackend,
  storeLockBackend,
  type LockInfo,
} from './lock.ts';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'marquee-lock-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const info = (owner: string, expiresInMs: number): LockInfo => ({
  owner,
  acquired: new Date().toISOString(),
  expires: new Date(Date.now() + expiresInMs).toISOString(),
});

describe('file lock', () => {
  it('creates exclusively, refuses a live lock and takes over an expired one', async () => {
    const dir = join(root, 'file');
    const backend = fileLockBackend(dir);
    expect(await backend.create(info('a', 60_000))).toBe(true);
    expect(await backend.create(info('b', 60_000))).toBe(false);
    await expect(acquireLock(backend, { ttlMs: 60_000, owner: 'b' })).rejects.toThrow(LockHeld);
    // Expire a's lock by rewriting it, then b takes it over and releases it.
    await writeFile(join(dir, ...LOCK_KEY.split('/')), JSON.stringify(info('a', -1)));
    const held = await acquireLock(backend, { ttlMs: 60_000, owner: 'b' });
    expect(held.tookOver?.owner).toBe('a');
    expect(await held.stillHeld()).toBe(true);
    await held.release();
    expect((await backend.read()) === null).toBe(true);
  });

  it('a takeover judged on a lock that has since changed puts the new lock back and fails', async () => {
    const backend = fileLockBackend(join(root, 'race'));
    await backend.create(info('old', -1));
    const stale = (await backend.read())?.tag as string;
    // Someone else took over first: the lock now holds c's fresh lock.
    expect(await backend.replace(stale, info('c', 60_000))).toBe(true);
    expect(await backend.replace(stale, info('d', 60_000))).toBe(false);
    expect((await backend.read())?.info.owner).toBe('c');
  });

  it('treats an unreadable lock as expired', async () => {
    const dir = join(root, 'garbage');
    const backend = fileLockBackend(dir);
    await backend.create(info('x', 60_000));
    await writeFile(join(dir, ...LOCK_KEY.split('/')), 'not json');
    const held = await acquireLock(backend, { ttlMs: 1000 });
    expect(held.tookOver?.owner).toMatch(/^unreadable /);
    expect(JSON.parse(await readFile(join(dir, ...LOCK_KEY.split('/')), 'utf8')).owner).toBe(held.info.owner);
  });
});

describe('store lock (best effort)', () => {
  it('says it is not atomic and still keeps a second owner out', async () => {
    const backend = storeLockBackend(fileStore(join(root, 'plain')));
    expect(backend.atomic).toBe(false);
    const held = await acquireLock(backend, { ttlMs: 60_000, owner: 'a' });
    await expect(acquireLock(backend, { ttlMs: 60_000, owner: 'b' })).rejects.toThrow(/owner a/);
    await held.release();
    await acquireLock(backend, { ttlMs: 60_000, owner: 'b' });
  });
});

describe('S3 lock', () => {
  it('creates with If-None-Match: *, takes over with If-Match: <ETag>, and maps 412 to "taken"', async () => {
    const sent: Record<string, unknown>[] = [];
    let object: { body: string; etag: string } | null = {
      body: JSON.stringify(info('old', -1)),
      etag: '"e1"',
    };
    const backend = s3LockBackend({ bucket: 'b', prefix: 'p' }, async (command) => {
      const input = command.input as unknown as Record<string, unknown>;
      sent.push({ name: command.constructor.name, ...input });
      const failed = () =>
        Object.assign(new Error('PreconditionFailed'), { $metadata: { httpStatusCode: 412 } });
      if (command.constructor.name === 'GetObjectCommand') {
        if (object === null) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
        const body = object.body;
        return { ETag: object.etag, Body: { transformToString: async () => body } };
      }
      if (command.constructor.name === 'PutObjectCommand') {
        if (input['IfNoneMatch'] === '*' && object !== null) throw failed();
        if (input['IfMatch'] !== undefined && input['IfMatch'] !== object?.etag) throw failed();
        object = { body: new TextDecoder().decode(input['Body'] as Uint8Array), etag: '"e2"' };
        return {};
      }
      object = null;
      return {};
    });
    const held = await acquireLock(backend, { ttlMs: 60_000, owner: 'new' });
    expect(held.tookOver?.owner).toBe('old');
    expect(sent[0]).toMatchObject({ name: 'PutObjectCommand', Key: `p/${LOCK_KEY}`, IfNoneMatch: '*' });
    expect(sent.find((c) => c['IfMatch'] !== undefined)).toMatchObject({ IfMatch: '"e1"' });
    expect(await backend.replace('"e1"', info('late', 60_000))).toBe(false);
    await held.release();
    expect(object).toBeNull();
  });
});
