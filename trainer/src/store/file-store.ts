/**
 * A store in a local directory: `file:///path`. Writes go to a temporary file in the same directory and are
 * renamed into place, so an object is never seen half-written (rename is atomic on one file system).
 */
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StorageError } from '../../../shared/src/errors.ts';
import { assertKey, assertRange, type ObjectStore } from './object-store.ts';

/** Prefix of in-flight temporary files; list() skips them. */
const TEMP_PREFIX = '.tmp-';

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A directory-backed ObjectStore rooted at `root` (created on first write). */
export function fileStore(root: string): ObjectStore {
  const uri = `file://${root}`;
  const pathOf = (key: string): string => {
    assertKey(key);
    return join(root, ...key.split('/'));
  };
  const fail = (op: string, key: string, err: unknown): StorageError =>
    new StorageError(`${uri}: cannot ${op} ${key}: ${(err as Error).message}`, { cause: err });

  return {
    uri,
    async check() {
      try {
        const s = await stat(root);
        if (!s.isDirectory()) throw new StorageError(`${uri}: ${root} exists and is not a directory`);
      } catch (err) {
        if (err instanceof StorageError) throw err;
        if (!isMissing(err)) throw fail('open', root, err);
        // A missing root is created by the first put.
      }
    },
    async put(key, bytes) {
      const path = pathOf(key);
      const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(temp, bytes);
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw fail('write', key, err);
      }
    },
    async get(key) {
      try {
        const buf = await readFile(pathOf(key));
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (err) {
        if (isMissing(err)) return null;
        throw fail('read', key, err);
      }
    },
    async getRange(key, offset, length) {
      assertRange(offset, length);
      let handle;
      try {
        handle = await open(pathOf(key), 'r');
      } catch (err) {
        if (isMissing(err)) return null;
        throw fail('read', key, err);
      }
      try {
        const out = new Uint8Array(length);
        const { bytesRead } = await handle.read(out, 0, length, offset);
        return out.subarray(0, bytesRead);
      } catch (err) {
        throw fail('read', key, err);
      } finally {
        await handle.close();
      }
    },
    async head(key) {
      try {
        const s = await stat(pathOf(key));
        return s.isFile() ? { size: s.size } : null;
      } catch (err) {
        if (isMissing(err)) return null;
        throw fail('stat', key, err);
      }
    },
    async list(prefix) {
      const keys: string[] = [];
      const walk = async (dir: string, rel: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (err) {
          if (isMissing(err)) return;
          throw fail('list', rel || '/', err);
        }
        for (const e of entries) {
          if (e.name.startsWith(TEMP_PREFIX)) continue;
          const key = rel === '' ? e.name : `${rel}/${e.name}`;
          // Only descend into directories that can hold keys with this prefix.
          if (e.isDirectory() && (prefix.startsWith(`${key}/`) || key.startsWith(prefix))) {
            await walk(join(dir, e.name), key);
          } else if (e.isFile() && key.startsWith(prefix)) {
            keys.push(key);
          }
        }
      };
      await walk(root, '');
      return keys.sort();
    },
    async delete(key) {
      try {
        await rm(pathOf(key), { force: true });
      } catch (err) {
        throw fail('delete', key, err);
      }
    },
    async close() {},
  };
}

/** The directory of a `file://` URI (absolute; `file://relative/dir` is read relative to the working directory). */
export function fileStoreRoot(uri: string): string {
  const rest = uri.slice('file://'.length);
  const path = decodeURIComponent(rest);
  return path.startsWith(sep) || /^[A-Za-z]:/.test(path) ? path : join(process.cwd(), path);
}
