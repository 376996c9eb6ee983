/**
 * The local R2 bucket `wrangler dev` serves: `r2-local://<bucket>`. Objects are written through Miniflare (the
 * same version wrangler 4.86 runs) into its persisted state, `<persistTo>/v3/r2`, exactly as
 * `wrangler r2 object put --local` does, so a model published here is what `npm run dev` serves.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import { StorageError, UsageError } from '../../../shared/src/errors.ts';
import { assertKey, assertRange, type ObjectStore } from './object-store.ts';

export interface R2LocalOptions {
  /** Bucket name (wrangler.toml's bucket_name of the MODELS binding). */
  bucket: string;
  /** wrangler's --persist-to directory; default ".wrangler/state" (wrangler dev's default). */
  persistTo?: string;
}

/** The binding wrangler.toml gives the model bucket. */
export const MODELS_BINDING = 'MODELS';

/**
 * The bucket_name of the `[[r2_buckets]]` entry with binding MODELS in a wrangler.toml.
 * @throws UsageError when the file cannot be read or has no such binding
 */
export async function modelsBucketFromWranglerToml(path = 'wrangler.toml'): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${path} to find the ${MODELS_BINDING} bucket: ${(err as Error).message}`,
    );
  }
  // wrangler.toml keeps each binding in its own [[r2_buckets]] table of key = "value" lines.
  for (const block of text.split(/^\s*\[\[r2_buckets\]\]\s*$/m).slice(1)) {
    const table = block.split(/^\s*\[/m)[0] ?? '';
    const value = (k: string): string | undefined =>
      new RegExp(`^\\s*${k}\\s*=\\s*["']([^"']+)["']`, 'm').exec(table)?.[1];
    if (value('binding') === MODELS_BINDING) {
      const name = value('bucket_name');
      if (name) return name;
    }
  }
  throw new UsageError(
    `${path} has no [[r2_buckets]] entry with binding = "${MODELS_BINDING}" and a bucket_name`,
  );
}

type R2Bucket = Awaited<ReturnType<Miniflare['getR2Bucket']>>;

/** An ObjectStore over Miniflare's persisted local R2. Miniflare (workerd) starts on first use (~1 s). */
export function r2LocalStore(options: R2LocalOptions): ObjectStore {
  const persistTo = resolve(options.persistTo ?? join('.wrangler', 'state'));
  const uri = `r2-local://${options.bucket}`;
  let started: Promise<{ mf: Miniflare; bucket: R2Bucket }> | undefined;
  const bucket = async (): Promise<R2Bucket> => {
    started ??= (async () => {
      const mf = new Miniflare({
        modules: true,
        script: 'export default { fetch() { return new Response(null, { status: 404 }); } }',
        defaultPersistRoot: join(persistTo, 'v3'),
        r2Buckets: { [MODELS_BINDING]: options.bucket },
      });
      try {
        return { mf, bucket: await mf.getR2Bucket(MODELS_BINDING) };
      } catch (err) {
        await mf.dispose().catch(() => undefined);
        throw err;
      }
    })().catch((err: unknown) => {
      started = undefined;
      throw new StorageError(`${uri}: cannot start Miniflare on ${persistTo}: ${(err as Error).message}`, {
        cause: err,
      });
    });
    return (await started).bucket;
  };
  const fail = (op: string, key: string, err: unknown): StorageError =>
    err instanceof StorageError
      ? err
      : new StorageError(`${uri}: ${op} ${key} failed: ${(err as Error).message}`, { cause: err });
  const head = async (key: string): Promise<{ size: number } | null> => {
    assertKey(key);
    try {
      const o = await (await bucket()).head(key);
      return o === null ? null : { size: o.size };
    } catch (err) {
      throw fail('head', key, err);
    }
  };

  return {
    uri: `${uri} (${join(persistTo, 'v3', 'r2')})`,
    async check() {
      await bucket();
    },
    async put(key, bytes) {
      assertKey(key);
      try {
        // Miniflare accepts only standard typed arrays: a Node Buffer (a Uint8Array subclass, e.g. from
        // readFile) fails its check, so the bytes go in as a plain view of the same memory.
        const plain =
          Object.getPrototypeOf(bytes) === Uint8Array.prototype
            ? bytes
            : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        await (await bucket()).put(key, plain);
      } catch (err) {
        throw fail('put', key, err);
      }
    },
    async get(key) {
      assertKey(key);
      try {
        const o = await (await bucket()).get(key);
        return o === null ? null : new Uint8Array(await o.arrayBuffer());
      } catch (err) {
        throw fail('get', key, err);
      }
    },
    async getRange(key, offset, length) {
      assertKey(key);
      assertRange(offset, length);
      const info = await head(key);
      if (info === null) return null;
      // R2 rejects a range that starts at or past the end; the contract returns no bytes instead.
      if (length === 0 || offset >= info.size) return new Uint8Array(0);
      try {
        const o = await (
          await bucket()
        ).get(key, { range: { offset, length: Math.min(length, info.size - offset) } });
        return o === null ? null : new Uint8Array(await o.arrayBuffer());
      } catch (err) {
        throw fail('get', key, err);
      }
    },
    head,
    async list(prefix) {
      const keys: string[] = [];
      let cursor: string | undefined;
      try {
        const b = await bucket();
        for (;;) {
          const page = await b.list(cursor === undefined ? { prefix } : { prefix, cursor });
          for (const o of page.objects) keys.push(o.key);
          if (!page.truncated) break;
          cursor = page.cursor;
        }
      } catch (err) {
        throw fail('list', prefix || '/', err);
      }
      return keys.sort();
    },
    async delete(key) {
      assertKey(key);
      try {
        await (await bucket()).delete(key);
      } catch (err) {
        throw fail('delete', key, err);
      }
    },
    async close() {
      const s = started;
      started = undefined;
      if (s) await (await s.catch(() => undefined))?.mf.dispose();
    },
  };
}
