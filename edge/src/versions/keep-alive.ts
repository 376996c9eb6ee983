/**
 * Work one request starts and others share — the channels.json read, a version load — must finish even when that
 * request ends first. workerd cancels a request's pending I/O when its client disconnects, so a shared promise
 * started by a cancelled request would never settle and every request awaiting it would hang. Handing the
 * promise to the starting request's `ExecutionContext.waitUntil` keeps that request's I/O alive until it settles
 * (Cloudflare: a disconnected request's tasks are cancelled unless waitUntil delays it, up to 30 s more).
 */

/** Receives a shared promise a request has just started. */
export type KeepAlive = (work: Promise<unknown>) => void;

/**
 * A KeepAlive for a request's execution context; a no-op when there is none (e.g. the app called without one).
 * The promise handed to waitUntil never rejects: its failure is reported to the callers that await it.
 */
export function keepAliveOf(ctx: { waitUntil(promise: Promise<unknown>): void } | undefined): KeepAlive {
  return (work) => ctx?.waitUntil(work.catch(() => undefined));
}
