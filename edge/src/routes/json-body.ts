/**
 * JSON request bodies: the media type must be JSON (415 otherwise, so a form post is not read as `{}`) and the body
 * within a byte limit (413). Their shape is checked by `validate('json', schema)` (validate.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { ProblemError } from './problem.ts';

/** Largest request body accepted by default, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

function tooLarge(maxBytes: number): ProblemError {
  return new ProblemError(
    413,
    'payload-too-large',
    'Payload too large',
    `request bodies are limited to ${maxBytes} bytes (${Math.round(maxBytes / 1024)} KiB)`,
  );
}

/**
 * Bytes of an oversized streamed body read and dropped before answering 413; only past this is the rest cancelled.
 * Cancelling a chunked body midway left local workerd (`wrangler dev`) stalling the next request for 30–60 s;
 * reading it to its end does not. Dropped bytes are not kept, so memory stays bounded; Cloudflare itself refuses
 * request bodies over 100 MB (plan-dependent), so this is that size.
 */
export const DRAIN_BYTES = 100 * 1024 * 1024;

/**
 * Rejects bodies over `maxBytes` with 413: at once when Content-Length says so, else while streaming. The rest of
 * an oversized streamed body is read and dropped (up to DRAIN_BYTES, then cancelled) rather than left unread, so
 * the client gets the 413 instead of a reset connection. (hono's bodyLimit keeps the stream locked when it gives
 * up, which makes this impossible.)
 * @throws RangeError when maxBytes is not a positive whole number
 */
export function limitBody(maxBytes: number = MAX_BODY_BYTES): MiddlewareHandler {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(`limitBody: maxBytes must be a positive whole number (got ${maxBytes})`);
  }
  return async function limitBody(c, next) {
    const body = c.req.raw.body;
    if (body === null) return next();
    const declared = Number(c.req.header('Content-Length') ?? NaN);
    if (declared > maxBytes) {
      await body.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await drain(reader, size);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: bytes });
    return next();
  };
}

/** Reads and drops the rest of a body (`read` bytes so far) up to DRAIN_BYTES; cancels what is left beyond. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, read: number): Promise<void> {
  try {
    while (read <= DRAIN_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A client that went away: nothing left to answer.
  }
}

/** Rejects requests whose Content-Type is not JSON with 415. */
export const requireJson: MiddlewareHandler = async function requireJson(c, next) {
  const type = (c.req.header('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!/^application\/([\w.-]+\+)?json$/.test(type)) {
    throw new ProblemError(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `the body must be JSON with Content-Type: application/json (got ${type === '' ? 'no Content-Type' : type})`,
    );
  }
  await next();
};
