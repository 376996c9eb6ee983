/**
 * The load side of the edge benchmarks: scenarios (a request per index), autocannon runs that record every latency
 * at full precision (autocannon's own histogram rounds to whole milliseconds), the server's CPU time per request from
 * /proc when its pid is known, and the statistics printed from them.
 */
import autocannon from 'autocannon';
import { cpuMillis } from '../../tools/edge-harness.ts';

/** What the load goes to: an HTTP origin, and the server process(es) when their CPU time can be read. */
export interface Target {
  url: URL;
  pid?: number | undefined;
  pids?: number[];
}

/** CPU time (ms) of the target's processes together; undefined when any cannot be read. */
async function cpuOf(target: Target): Promise<number | undefined> {
  const pids = target.pids ?? (target.pid === undefined ? [] : [target.pid]);
  let total = 0;
  for (const pid of pids) {
    const ms = await cpuMillis(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return pids.length === 0 ? undefined : total;
}

export const fmt = (x: number | undefined, digits = 2): string =>
  x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits);

export function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

export interface Scenario {
  name: string;
  method?: 'GET' | 'POST';
  /** The status a successful response has (default: any 2xx). */
  status?: number;
  /** The i-th request's path (and JSON body for POST). */
  request: (i: number) => { path: string; body?: string };
}

export interface Run {
  p50: number;
  p99: number;
  rps: number;
  count: number;
  failures: number;
  cpuPerRequest: number | undefined;
  /** Latencies of the successful responses, ascending (ms). */
  latencies: number[];
  /** workerd CPU time over the run (ms), when readable. */
  cpuMs: number | undefined;
}

/** Several runs of one scenario as one: percentiles over all latencies, CPU over all requests. */
export function merge(runs: Run[]): Run {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const failures = runs.reduce((n, r) => n + r.failures, 0);
  const cpu = runs.every((r) => r.cpuMs !== undefined)
    ? runs.reduce((t, r) => t + (r.cpuMs as number), 0)
    : undefined;
  const total = latencies.length + failures;
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rps: NaN,
    count: latencies.length,
    failures,
    cpuPerRequest: cpu === undefined || total === 0 ? undefined : cpu / total,
    latencies,
    cpuMs: cpu,
  };
}

/**
 * Sends `amount` requests (or runs for `duration` s) over `connections`, recording every latency.
 * @param first index of the first request in the scenario's sequence
 */
export async function drive(
  target: Target,
  scenario: Scenario,
  load: { connections: number; amount?: number; duration?: number },
  first = 0,
): Promise<Run> {
  let i = first;
  const latencies: number[] = [];
  let failures = 0;
  const cpuBefore = await cpuOf(target);
  const t0 = performance.now();
  const instance = autocannon({
    url: target.url.origin,
    connections: load.connections,
    ...(load.amount !== undefined ? { amount: load.amount } : { duration: load.duration ?? 5 }),
    timeout: 30,
    requests: [
      {
        setupRequest: (req) => {
          const next = scenario.request(i++);
          const body =
            next.body === undefined
              ? {}
              : { body: next.body, headers: { 'content-type': 'application/json' } };
          return { ...req, method: scenario.method ?? 'GET', path: next.path, ...body };
        },
      },
    ],
  });
  let lastResponse = t0;
  instance.on('response', (_client, status, _bytes, ms) => {
    lastResponse = performance.now();
    if (scenario.status === undefined ? status >= 200 && status < 300 : status === scenario.status) {
      latencies.push(ms);
    } else failures++;
  });
  const result = await instance;
  // autocannon notices that `amount` is reached only on its once-a-second tick, and its duration is in whole
  // seconds (600 requests answered in 2.2 s read as 200/s), so the span up to the last response is timed here.
  const seconds = (lastResponse - t0) / 1000;
  const cpuAfter = await cpuOf(target);
  latencies.sort((a, b) => a - b);
  const total = latencies.length + failures;
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rps: result.requests.total / Math.max(seconds, 1e-9),
    count: latencies.length,
    failures: failures + result.errors + result.timeouts,
    cpuPerRequest:
      cpuBefore === undefined || cpuAfter === undefined || total === 0
        ? undefined
        : (cpuAfter - cpuBefore) / total,
    latencies,
    cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
  };
}

/**
 * Runs a benchmark's main: a flag error prints its message and exits 2, a failure while running prints its message
 * and exits 1 (no stack trace either way).
 */
export async function runBench<A>(
  parse: (argv: string[]) => A,
  main: (args: A) => Promise<void>,
): Promise<void> {
  let args: A;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exitCode = 2;
    return;
  }
  try {
    await main(args);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
