/**
 * JSON request bodies: the media type must be JSON (415 otherwise, so a form post is not read as `{}`), the body
 * at most MAX_BODY_BYTES (413), and its shape is checked with a zod schema (400 naming the first fields at fault).
 */
import type { MiddlewareHandler } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { invalid, ProblemError } from './problem.ts';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

function tooLarge(): ProblemError {
  return new ProblemError(
    413,
    'payload-too-large',
    'Payload too large',
    `request bodies are limited to ${MAX_BODY_BYTES} bytes (64 KiB)`,
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
 * Rejects bodies over MAX_BODY_BYTES with 413: at once when Content-Length says so, else while streaming. The
 * rest of an oversized streamed body is read and dropped (up to DRAIN_BYTES, then cancelled) rather than left
 * unread, so the client gets the 413 instead of a reset connection. (hono's bodyLimit keeps the stream locked when
 * it gives up, which makes this impossible.)
 */
export const limitBody: MiddlewareHandler = async function limitBody(c, next) {
  const body = c.req.raw.body;
  if (body === null) return next();
  const declared = Number(c.req.header('Content-Length') ?? NaN);
  if (declared > MAX_BODY_BYTES) {
    await body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await drain(reader, size);
      throw tooLarge();
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

/** hono's JSON validator with a zod schema; the parsed value is `c.req.valid('json')`. */
export function jsonBody<S extends z.ZodType>(schema: S) {
  return validator('json', (value): z.output<S> => {
    const result = schema.safeParse(value);
    if (!result.success) {
      const issues = result.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`);
      throw invalid(`invalid body: ${issues.join('; ')}`, { issues: result.error.issues.slice(0, 10) });
    }
    return result.data;
  });
}
