/**
 * JSON request bodies: the media type must be JSON (415 otherwise, so a form post is not read as `{}`), the body
 * at most MAX_BODY_BYTES (413), and its shape is checked with a zod schema (400 naming the first fields at fault).
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { invalid, ProblemError } from './problem.ts';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Rejects bodies over MAX_BODY_BYTES with 413 (checks Content-Length, and counts streamed bytes). */
export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ProblemError(
      413,
      'payload-too-large',
      'Payload too large',
      `request bodies are limited to ${MAX_BODY_BYTES} bytes (64 KiB)`,
    );
  },
});

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
