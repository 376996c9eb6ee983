/**
 * Chunked file reading for the numeric hot path: the file streams through one reusable buffer and each chunk is
 * handed over cut at its last newline, so parsers only ever see whole lines and never build a string per line.
 */
import { open } from 'node:fs/promises';
import { DataError } from '../../../../shared/src/errors.ts';

/** Default read size: large enough that syscalls are noise, small against the rating columns (16 B/rating). */
export const CHUNK_BYTES = 1 << 20;
/** A line longer than this is not a rating line; stop instead of buffering the whole file. */
const MAX_LINE_BYTES = 1 << 24;

const LF = 10;

/**
 * Calls `onLines(buf, start, end)` for consecutive ranges of whole lines of `file`, in order. Every range but the
 * last ends just after a "\n"; the last one may end without it. A UTF-8 byte-order mark is skipped. The buffer is
 * reused: `onLines` must not keep it.
 * @throws DataError when the file cannot be read or holds a line longer than 16 MiB.
 */
export async function forEachLineChunk(
  file: string,
  onLines: (buf: Buffer, start: number, end: number) => void,
  chunkBytes = CHUNK_BYTES,
): Promise<void> {
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(`cannot read the file (${err.code ?? err.message}).`, { file, cause: err });
  });
  try {
    let buf = Buffer.allocUnsafe(chunkBytes);
    let carry = 0;
    let first = true;
    for (;;) {
      if (carry === buf.length) {
        if (buf.length >= MAX_LINE_BYTES) {
          throw new DataError(`a line is longer than ${MAX_LINE_BYTES} bytes; this is not a rating file.`, {
            file,
          });
        }
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, carry, buf.length - carry, null);
      let filled = carry + bytesRead;
      if (first && filled >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        buf.copy(buf, 0, 3, filled);
        filled -= 3;
      }
      first = false;
      if (bytesRead === 0) {
        if (filled > 0) onLines(buf, 0, filled);
        return;
      }
      const lastLf = buf.lastIndexOf(LF, filled - 1);
      if (lastLf < 0) {
        carry = filled;
        continue;
      }
      onLines(buf, 0, lastLf + 1);
      buf.copy(buf, 0, lastLf + 1, filled);
      carry = filled - lastLf - 1;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Counts the lines of `file` (a final line without "\n" counts): an exact upper bound on its rating rows, used to
 * size the columns once instead of growing them.
 */
export async function countLines(file: string, chunkBytes = CHUNK_BYTES): Promise<number> {
  let lines = 0;
  let endsWithLf = true;
  await forEachLineChunk(
    file,
    (buf, start, end) => {
      for (let p = buf.indexOf(LF, start); p !== -1 && p < end; p = buf.indexOf(LF, p + 1)) lines++;
      endsWithLf = buf[end - 1] === LF;
    },
    chunkBytes,
  );
  return endsWithLf ? lines : lines + 1;
}
