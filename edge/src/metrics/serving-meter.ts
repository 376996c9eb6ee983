/**
 * An isolate's serving figures per (version, channel, route) over a window: requests, 4xx, 5xx and the fixed latency
 * histogram of the shared MetricsRollup. Recording is a Map lookup and a few additions, cheap enough for every
 * response; `take` closes the window and returns its rollups.
 */
import type { ChannelName } from '../../../shared/src/schemas/channels.ts';
import {
  EVENTS_SCHEMA_VERSION,
  LATENCY_BOUNDS_MS,
  latencyBucket,
  type MetricsRollup,
} from '../../../shared/src/schemas/events.ts';

/** A version and the channel it served: what a response's figures are counted under. */
export interface Arm {
  version: string;
  channel: ChannelName;
}

/** When a window is due to be written. */
export interface MeterWindow {
  /** Wall time after which the window is due, ms. */
  flushMs: number;
  /** Responses after which the window is due. */
  flushRequests: number;
}

interface Counts {
  arm: Arm;
  route: string;
  requests: number;
  status4xx: number;
  status5xx: number;
  latencyMs: number[];
  latencySumMs: number;
}

export class ServingMeter {
  private counts = new Map<string, Counts>();
  /** When the window opened, ms since the epoch (set by its first response). */
  private opened = 0;
  private recorded = 0;

  constructor(private readonly window: MeterWindow) {}

  /**
   * Counts one response of `route` served by `arm`: its HTTP status and latency (ms), answered at `at` (ms since the
   * epoch). The first response of a window opens it when its request began, so an idle isolate's window does not
   * stretch back over the idle time.
   */
  record(arm: Arm, route: string, status: number, latencyMs: number, at: number): void {
    if (this.recorded === 0) this.opened = at - Math.max(0, latencyMs);
    const key = `${arm.version}\n${arm.channel}\n${route}`;
    let c = this.counts.get(key);
    if (c === undefined) {
      c = {
        arm: { version: arm.version, channel: arm.channel },
        route,
        requests: 0,
        status4xx: 0,
        status5xx: 0,
        latencyMs: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
        latencySumMs: 0,
      };
      this.counts.set(key, c);
    }
    c.requests++;
    if (status >= 500) c.status5xx++;
    else if (status >= 400) c.status4xx++;
    const ms = Math.max(0, latencyMs);
    c.latencyMs[latencyBucket(ms)]!++;
    c.latencySumMs += ms;
    this.recorded++;
  }

  /** Whether the window has counted anything and is due (flushMs passed or flushRequests counted). */
  due(now: number): boolean {
    return (
      this.recorded > 0 &&
      (this.recorded >= this.window.flushRequests || now - this.opened >= this.window.flushMs)
    );
  }

  /** Closes the window at `now`: its rollups (none when it counted nothing); the next response opens a new one. */
  take(now: number): MetricsRollup[] {
    const from = new Date(this.opened).toISOString();
    const to = new Date(Math.max(now, this.opened)).toISOString();
    const rollups = [...this.counts.values()].map((c): MetricsRollup => ({
      schema: EVENTS_SCHEMA_VERSION,
      type: 'metrics',
      from,
      to,
      version: c.arm.version,
      channel: c.arm.channel,
      route: c.route,
      requests: c.requests,
      status4xx: c.status4xx,
      status5xx: c.status5xx,
      latencyMs: c.latencyMs,
      latencySumMs: c.latencySumMs,
    }));
    this.counts = new Map();
    this.recorded = 0;
    return rollups;
  }
}
