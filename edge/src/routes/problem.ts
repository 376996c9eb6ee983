/**
 * Every error response is an RFC 9457 problem document (`application/problem+json`). Handlers throw
 * `ProblemError` (an HTTPException); one `onError` turns it, hono's own HTTPExceptions (e.g. malformed JSON) and
 * artifact/storage failures into JSON. Only a bug reaches the 500 branch.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ArtifactError, StorageError } from '../../../shared/src/errors.ts';
import { ModelUnavailableError } from '../versions/errors.ts';

/** The body of an error response. Extra members carry machine-readable context (e.g. `coldStart`). */
export interface Problem {
  /** A URN naming the kind of problem, stable across releases. */
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

/** An HTTP error with a problem body; throw it from handlers and validators. */
export class ProblemError extends HTTPException {
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  constructor(
    status: ContentfulStatusCode,
    kind: string,
    title: string,
    detail: string,
    extensions: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(status, { message: detail });
    this.problem = { type: `urn:marquee:problem:${kind}`, title, status, detail, ...extensions };
    this.headers = headers;
  }
}

/** A 400 for a parameter or body field that cannot be used. */
export function invalid(detail: string, extensions: Record<string, unknown> = {}): ProblemError {
  return new ProblemError(400, 'invalid-request', 'Invalid request', detail, extensions);
}

/** Seconds a client should wait before retrying when no model can be served. */
export const RETRY_AFTER_SECONDS = 30;

function respond(c: Context, problem: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'Content-Type': 'application/problem+json',
    ...headers,
  });
}

/** The app's single error handler. */
export const onError: ErrorHandler = (err, c) => {
  if (err instanceof ProblemError) return respond(c, err.problem, err.headers);
  if (err instanceof ModelUnavailableError || err instanceof ArtifactError || err instanceof StorageError) {
    const unpublished = err instanceof ModelUnavailableError && err.reason === 'unpublished';
    return respond(
      c,
      {
        type: `urn:marquee:problem:${unpublished ? 'no-model' : 'model-unavailable'}`,
        title: unpublished ? 'No model published' : 'Model unavailable',
        status: 503,
        detail: err.message,
      },
      { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    );
  }
  if (err instanceof HTTPException) {
    // hono's own: malformed JSON (400), body limit (413), ...
    const status = err.status;
    return respond(c, {
      type: `urn:marquee:problem:${status === 413 ? 'payload-too-large' : 'invalid-request'}`,
      title: status === 413 ? 'Payload too large' : 'Invalid request',
      status,
      detail: err.message || 'The request cannot be processed.',
    });
  }
  console.error('unhandled error', err);
  return respond(c, {
    type: 'urn:marquee:problem:internal',
    title: 'Internal error',
    status: 500,
    detail: 'The server failed to process the request; this is a bug.',
  });
};

/** JSON 404 for paths (and methods) no route serves. */
export const notFound: NotFoundHandler = (c) =>
  respond(c, {
    type: 'urn:marquee:problem:not-found',
    title: 'Not found',
    status: 404,
    detail:
      `No route for ${c.req.method} ${new URL(c.req.url).pathname}. Routes: GET /healthz, GET /v1/models, ` +
      'GET /v1/users/:userId/recommendations, POST /v1/recommendations, GET /v1/movies/:movieId/similar, ' +
      'POST /v1/predict, POST /v1/events.',
  });
