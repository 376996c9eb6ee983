/**
 * Output plumbing: CSV quoting, a buffered file writer that honours back-pressure (bounded memory however large
 * the output), and an output directory that appears complete or not at all.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StorageError, UsageError } from '../../../../shared/src/errors.ts';

/** A CSV field per RFC 4180: quoted (inner quotes doubled) when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Text is collected up to this many UTF-16 units before it is handed to the stream. */
const FLUSH_AT = 1 << 20;

/** Appends text to a file in ~1 MB writes, waiting for the disk when the stream's buffer is full. */
export class BufferedFile {
  private readonly stream: WriteStream;
  private pending = '';
  private failure: Error | undefined;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { highWaterMark: FLUSH_AT });
    this.stream.on('error', (err) => {
      this.failure = err;
    });
  }

  /** Queues `text`; resolves once it is buffered within bounds. */
  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    this.check();
    const chunk = this.pending;
    this.pending = '';
    if (!this.stream.write(chunk)) await this.until('drain');
    this.check();
  }

  /** Flushes and closes the file. @throws StorageError when the file could not be written. */
  async close(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
    this.stream.end();
    await this.until('finish');
    this.check();
  }

  /** Resolves on `event` or on a stream error (recorded in `failure`, reported by `check`). */
  private until(event: 'drain' | 'finish'): Promise<void> {
    if (this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off(event, done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on(event, done);
      this.stream.on('error', done);
    });
  }

  /** Closes without flushing (after another failure). */
  destroy(): void {
    this.stream.destroy();
  }

  private check(): void {
    if (this.failure)
      throw new StorageError(`${this.file}: cannot write: ${this.failure.message}`, {
        cause: this.failure,
      });
  }
}

async function isNonEmptyDir(dir: string): Promise<boolean> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new UsageError(`--out: ${dir} exists and is not a directory.`);
    return (await readdir(dir)).length > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Runs `fill(tmpDir)` on a fresh sibling directory `<outDir>.tmp-<pid>`, then renames it to `outDir`, so a
 * crash or error never leaves a half-written `outDir`. The temporary directory is removed on failure.
 * @throws UsageError when `outDir` exists and is not empty and `force` is false, or is not a directory.
 */
export async function writeAtomically<T>(
  outDir: string,
  force: boolean,
  fill: (tmpDir: string) => Promise<T>,
): Promise<T> {
  const target = path.resolve(outDir);
  if ((await isNonEmptyDir(target)) && !force) {
    throw new UsageError(`--out: ${outDir} exists and is not empty (use --force to replace it).`);
  }
  const tmp = `${target}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const result = await fill(tmp);
    const old = `${target}.old-${process.pid}`;
    let moved = false;
    try {
      await rename(target, old);
      moved = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await rename(tmp, target);
    if (moved) await rm(old, { recursive: true, force: true });
    return result;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
