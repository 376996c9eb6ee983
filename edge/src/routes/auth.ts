/**
 * Write access: a route behind `requireKey` answers only requests carrying `Authorization: Bearer <key>` with the
 * key of a Worker secret. Reads stay open.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { ProblemError, RETRY_AFTER_SECONDS } from './problem.ts';

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/**
 * Whether `given` equals `expected`, in time that does not depend on where they differ: the SHA-256 digests
 * (always 32 bytes, so the length of the key is not revealed either) are compared without an early exit. Even a
 * leak in that loop would tell an attacker about a digest, not the key.
 */
export async function sameKey(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The bearer token of a request, or undefined without a well-formed `Authorization: Bearer` header. */
function bearerOf(c: Context): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(c.req.header('Authorization') ?? '');
  return match?.[1];
}

/**
 * Lets a request through only with the key of the secret `secret` names: 503 when that secret is not configured
 * (nobody can write), 401 with `WWW-Authenticate: Bearer` without the key or with a wrong one.
 */
export function requireKey(secret: keyof Env, realm: string): MiddlewareHandler<AppEnv> {
  return async function requireKey(c, next) {
    const value: unknown = c.env[secret];
    const expected = typeof value === 'string' ? value : '';
    if (expected === '') {
      throw new ProblemError(
        503,
        'writes-disabled',
        'Writes not configured',
        `${c.req.method} ${c.req.path} needs the ${secret} secret, which this Worker does not have ` +
          `(deployed: wrangler secret put ${secret}; local: .dev.vars)`,
        {},
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
    const given = bearerOf(c);
    if (given === undefined || !(await sameKey(given, expected))) {
      throw new ProblemError(
        401,
        'unauthorized',
        'Unauthorized',
        given === undefined
          ? `${c.req.method} ${c.req.path} needs an Authorization: Bearer <key> header`
          : 'the bearer key is not valid',
        {},
        { 'WWW-Authenticate': `Bearer realm="${realm}"` },
      );
    }
    await next();
  };
}
