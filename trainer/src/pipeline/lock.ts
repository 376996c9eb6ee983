/**
 * One pipeline at a time per store: a lock object `pipeline/lock.json` ({owner, acquired, expires}) created with a
 * conditional write, so two pipelines starting together cannot both get it.
 *
 * - file:// stores: the lock is written to a temporary file and hard-linked into place; link(2) fails when the
 *   name exists, atomically.
 * - s3:// stores (AWS S3, R2): PutObject with `If-None-Match: *` (create only if absent); an expired lock is taken
 *   over with `If-Match: <its ETag>`, so of two pipelines taking over the same expired lock only one wins. Servers
 *   that ignore the headers (s3rver, old MinIO) make this a plain put: see `atomic`.
 * - other stores (r2-local://): write, then read back and compare — not atomic; fine for one developer machine.
 *
 * A killed pipeline leaves its lock behind; once `expires` has passed the next pipeline takes it over. The TTL must
 * exceed the longest run (`--lock-ttl`); a pipeline checks it still holds the lock before it publishes.
 */
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { MarqueeError, StorageError } from '../../../shared/src/errors.ts';
import { fileStoreRoot } from '../store/file-store.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { OpenStoreOptions } from '../store/open-store.ts';
import { parseS3Uri } from '../store/s3-store.ts';

export const LOCK_KEY = 'pipeline/lock.json';

/** The lock object's contents. */
export interface LockInfo {
  /** Who holds it: host, process id and a random token. */
  owner: string;
  /** ISO times. */
  acquired: string;
  expires: string;
}

/** The current lock object and a tag that identifies this exact object (ETag, or the file's text). */
export interface LockState {
  info: LockInfo;
  tag: string;
}

/** Conditional operations on the one lock object. */
export interface LockBackend {
  /** True when create and replace are atomic on this store. */
  readonly atomic: boolean;
  read(): Promise<LockState | null>;
  /** Creates the lock if there is none. @returns false when one exists */
  create(info: LockInfo): Promise<boolean>;
  /** Replaces the lock if it is still the object `tag` names. @returns false when it changed */
  replace(tag: string, info: LockInfo): Promise<boolean>;
  /** Deletes the lock if it is still the object `tag` names. */
  remove(tag: string): Promise<void>;
}

/** Another pipeline holds the lock. */
export class LockHeld extends MarqueeError {
  override name = 'LockHeld';
}

const encode = (info: LockInfo): string => `${JSON.stringify(info)}\n`;

function decode(text: string, where: string): LockInfo {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (
      typeof v.owner === 'string' &&
      typeof v.expires === 'string' &&
      Number.isFinite(Date.parse(v.expires))
    ) {
      return { owner: v.owner, acquired: String(v.acquired ?? ''), expires: v.expires };
    }
  } catch {
    // fall through: an unreadable lock is treated as expired
  }
  return { owner: `unreadable ${where}`, acquired: '', expires: new Date(0).toISOString() };
}

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/** The lock of a directory store: exclusive creation by link(2). */
export function fileLockBackend(root: string): LockBackend {
  const path = join(root, ...LOCK_KEY.split('/'));
  const temp = () => join(dirname(path), `.tmp-lock-${randomBytes(6).toString('hex')}`);
  const readText = async (p: string): Promise<string | null> => {
    try {
      return await readFile(p, 'utf8');
    } catch (err) {
      if (code(err) === 'ENOENT') return null;
      throw new StorageError(`cannot read ${p}: ${(err as Error).message}`, { cause: err });
    }
  };
  const create = async (info: LockInfo): Promise<boolean> => {
    await mkdir(dirname(path), { recursive: true });
    const t = temp();
    await writeFile(t, encode(info));
    try {
      await link(t, path);
      return true;
    } catch (err) {
      if (code(err) === 'EEXIST') return false;
      throw new StorageError(`cannot create ${path}: ${(err as Error).message}`, { cause: err });
    } finally {
      await rm(t, { force: true });
    }
  };
  return {
    atomic: true,
    async read() {
      const text = await readText(path);
      return text === null ? null : { info: decode(text, path), tag: text };
    },
    create,
    async replace(tag, info) {
      // Move the old lock aside (rename is atomic: one taker wins), check it is the one we judged expired, and
      // put it back if it was not.
      const aside = temp();
      try {
        await rename(path, aside);
      } catch (err) {
        if (code(err) === 'ENOENT') return false;
        throw new StorageError(`cannot take over ${path}: ${(err as Error).message}`, { cause: err });
      }
      const moved = await readText(aside);
      if (moved !== tag) {
        await link(aside, path).catch(() => undefined);
        await rm(aside, { force: true });
        return false;
      }
      await rm(aside, { force: true });
      return create(info);
    },
    async remove(tag) {
      if ((await readText(path)) === tag) await rm(path, { force: true });
    },
  };
}

interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

/** A precondition failed (412) or a concurrent conditional write won (409); 404 for If-Match on a missing key. */
const lostRace = (err: unknown): boolean => {
  const status = (err as SdkError).$metadata?.httpStatusCode;
  return status === 412 || status === 409 || status === 404;
};

/** The lock of an S3 / R2 bucket: conditional PutObject. `send` is injectable for tests. */
export function s3LockBackend(
  target: { bucket: string; prefix: string },
  send: (command: PutObjectCommand | GetObjectCommand | DeleteObjectCommand) => Promise<unknown>,
): LockBackend {
  const Key = target.prefix ? `${target.prefix}/${LOCK_KEY}` : LOCK_KEY;
  const Bucket = target.bucket;
  const where = `s3://${Bucket}/${Key}`;
  const fail = (op: string, err: unknown) =>
    new StorageError(`${where}: ${op} failed: ${(err as Error).message ?? String(err)}`, { cause: err });
  const put = async (info: LockInfo, condition: { IfNoneMatch: string } | { IfMatch: string }) => {
    const Body = new TextEncoder().encode(encode(info));
    try {
      await send(new PutObjectCommand({ Bucket, Key, Body, ContentLength: Body.length, ...condition }));
      return true;
    } catch (err) {
      if (lostRace(err)) return false;
      throw fail('conditional put', err);
    }
  };
  const read = async (): Promise<LockState | null> => {
    try {
      const res = (await send(new GetObjectCommand({ Bucket, Key }))) as {
        ETag?: string;
        Body?: { transformToString(): Promise<string> };
      };
      const text = (await res.Body?.transformToString()) ?? '';
      return { info: decode(text, where), tag: res.ETag ?? '' };
    } catch (err) {
      const e = err as SdkError;
      if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return null;
      throw fail('get', err);
    }
  };
  return {
    atomic: true,
    read,
    create: (info) => put(info, { IfNoneMatch: '*' }),
    replace: (tag, info) => put(info, { IfMatch: tag }),
    async remove(tag) {
      if ((await read())?.tag !== tag) return;
      try {
        await send(new DeleteObjectCommand({ Bucket, Key }));
      } catch (err) {
        throw fail('delete', err);
      }
    },
  };
}

/** The lock through the plain ObjectStore contract: write, then read back. Not atomic. */
export function storeLockBackend(store: ObjectStore): LockBackend {
  const bytes = (info: LockInfo) => new TextEncoder().encode(encode(info));
  const read = async (): Promise<LockState | null> => {
    const b = await store.get(LOCK_KEY);
    if (b === null) return null;
    const text = new TextDecoder().decode(b);
    return { info: decode(text, `${store.uri}/${LOCK_KEY}`), tag: text };
  };
  const writeAndCheck = async (info: LockInfo): Promise<boolean> => {
    await store.put(LOCK_KEY, bytes(info));
    return (await read())?.info.owner === info.owner;
  };
  return {
    atomic: false,
    read,
    async create(info) {
      return (await read()) === null && writeAndCheck(info);
    },
    async replace(tag, info) {
      return (await read())?.tag === tag && writeAndCheck(info);
    },
    async remove(tag) {
      if ((await read())?.tag === tag) await store.delete(LOCK_KEY);
    },
  };
}

/**
 * The lock backend for a store URI: exclusive create for file://, conditional PutObject for s3://, the plain
 * fallback otherwise.
 */
export function lockBackendFor(uri: string, options: OpenStoreOptions, store: ObjectStore): LockBackend {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return fileLockBackend(fileStoreRoot(`file://${uri}`));
  if (scheme === 'file') return fileLockBackend(fileStoreRoot(uri));
  if (scheme === 's3') {
    const custom = options.endpoint !== undefined;
    const config: S3ClientConfig = {
      region: options.region ?? process.env['AWS_REGION'] ?? (custom ? 'auto' : 'us-east-1'),
      forcePathStyle: options.forcePathStyle ?? custom,
      requestChecksumCalculation: custom ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
      responseChecksumValidation: custom ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    };
    if (options.endpoint !== undefined) config.endpoint = options.endpoint;
    if (options.credentials !== undefined) config.credentials = options.credentials;
    let client: S3Client | undefined;
    return s3LockBackend(parseS3Uri(uri), (command) => {
      client ??= new S3Client(config);
      return client.send(command as PutObjectCommand);
    });
  }
  return storeLockBackend(store);
}

/** A held lock. */
export interface HeldLock {
  info: LockInfo;
  /** The expired lock this one replaced, if any. */
  tookOver?: LockInfo;
  atomic: boolean;
  /** True while the lock object is still this one. */
  stillHeld(): Promise<boolean>;
  /** Deletes the lock if it is still this one. */
  release(): Promise<void>;
}

/** A unique owner name: host, pid and a random token. */
export function lockOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Takes the lock, or takes over an expired one.
 * @throws LockHeld naming the owner and expiry when another pipeline holds an unexpired lock (or won a race)
 */
export async function acquireLock(
  backend: LockBackend,
  options: { ttlMs: number; owner?: string; now?: Date },
): Promise<HeldLock> {
  const now = options.now ?? new Date();
  const info: LockInfo = {
    owner: options.owner ?? lockOwner(),
    acquired: now.toISOString(),
    expires: new Date(now.getTime() + options.ttlMs).toISOString(),
  };
  let tookOver: LockInfo | undefined;
  let got = await backend.create(info);
  if (!got) {
    const current = await backend.read();
    if (current !== null && Date.parse(current.info.expires) > now.getTime()) {
      throw new LockHeld(
        `another pipeline holds ${LOCK_KEY} (owner ${current.info.owner}, since ${current.info.acquired}, until ` +
          `${current.info.expires}); try again later, or delete the lock object if that pipeline is gone`,
      );
    }
    got = current === null ? await backend.create(info) : await backend.replace(current.tag, info);
    if (got && current !== null) tookOver = current.info;
  }
  if (!got) throw new LockHeld(`another pipeline took ${LOCK_KEY} at the same moment; try again later`);
  const mine = await backend.read();
  const tag = mine?.info.owner === info.owner ? mine.tag : undefined;
  if (tag === undefined)
    throw new LockHeld(`${LOCK_KEY} was taken by another pipeline right after it was written`);
  return {
    info,
    ...(tookOver === undefined ? {} : { tookOver }),
    atomic: backend.atomic,
    async stillHeld() {
      return (await backend.read())?.info.owner === info.owner;
    },
    release: () => backend.remove(tag),
  };
}
