/**
 * Serving figures of every response, in two places:
 *
 * - Workers Analytics Engine (binding SERVING_METRICS), one data point per response and arm: blobs
 *   [version, channel, route, status class], doubles [latency ms, status], index [version]. Queried with SQL in
 *   production; `wrangler dev` and Miniflare accept the writes and discard them.
 * - The isolate's ServingMeter, written as MetricsRollup lines (NDJSON) to the EVENTS bucket under METRICS_PREFIX
 *   when its window is due (METRICS_FLUSH_SECONDS of wall time or METRICS_FLUSH_REQUESTS responses), so the
 *   canary loop (`marquee canary judge`) also runs offline. A window dies with its isolate unwritten, and a window
 *   is checked only when a response ends: figures, not an audit log.
 *
 * The arm of a response is what a route recorded with `recordArm` (routes/context.ts): the version that served it
 * and the user's channel. Responses no version served — /healthz, 404s, 400s rejected before a version is chosen,
 * 503s when none loads, POST /v1/events (whose events are stamped with their own arms) — go to Analytics Engine
 * with version and channel "" and are left out of the rollups: counting them under stable would charge client
 * errors to one arm of the canary comparison.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { METRICS_PREFIX } from '../../../shared/src/schemas/events.ts';
import { configOf, type AppEnv } from '../env.ts';
import { writeNdjson } from '../events/ndjson.ts';
import { ServingMeter, type Arm } from './serving-meter.ts';

let meter: ServingMeter | undefined;

/** The isolate's meter (its window settings come from the [vars], which do not change within an isolate). */
function meterOf(env: Env): ServingMeter {
  if (meter === undefined) {
    const config = configOf(env);
    meter = new ServingMeter({ flushMs: config.metricsFlushMs, flushRequests: config.metricsFlushRequests });
  }
  return meter;
}

/** The route pattern that answered ("/v1/users/:userId/recommendations"), or "" when none matched (404). */
function routeOf(c: Context): string {
  const path = routePath(c, -1);
  return path === '*' || path === '/*' ? '' : path;
}

function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** Writes to Analytics Engine never fail a response: a missing binding or a refused point is skipped. */
function writePoint(
  dataset: AnalyticsEngineDataset | undefined,
  arm: Arm | undefined,
  route: string,
  status: number,
  latencyMs: number,
): void {
  try {
    dataset?.writeDataPoint({
      blobs: [arm?.version ?? '', arm?.channel ?? '', route, statusClass(status)],
      doubles: [latencyMs, status],
      indexes: [arm?.version ?? ''],
    });
  } catch (err) {
    console.warn('analytics engine write failed:', String(err));
  }
}

/** Hands `work` to the request's waitUntil, so it outlives the response (no context in-process: it just runs). */
function inBackground(c: Context, work: Promise<unknown>): void {
  const done = work.catch((err: unknown) => console.warn('serving rollups not written:', String(err)));
  try {
    c.executionCtx.waitUntil(done);
  } catch {
    // Hono throws when the app runs without an execution context (in-process tests).
  }
}

/**
 * Measures each response (latency from the request reaching the app to its response being ready; inside workerd
 * the clock moves only across I/O, so pure CPU time reads as 0) and counts it for its arms.
 */
export function servingMetrics(): MiddlewareHandler<AppEnv> {
  return async function servingMetrics(c, next) {
    const start = Date.now();
    await next();
    const now = Date.now();
    const latencyMs = now - start;
    const status = c.res.status;
    const route = routeOf(c);
    const arms = c.get('arms') ?? [];
    const dataset = c.env.SERVING_METRICS as AnalyticsEngineDataset | undefined;
    if (arms.length === 0) {
      writePoint(dataset, undefined, route, status, latencyMs);
      return;
    }
    const m = meterOf(c.env);
    for (const arm of arms) {
      writePoint(dataset, arm, route, status, latencyMs);
      m.record(arm, route, status, latencyMs, now);
    }
    if (m.due(now)) {
      const time = new Date(now);
      inBackground(c, writeNdjson(c.env.EVENTS, METRICS_PREFIX, time, m.take(now)));
    }
  };
}
