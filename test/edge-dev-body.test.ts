// `wrangler dev` (the local server `npm run dev` starts) and oversized streamed bodies: a chunked body over 64 KB
// gets 413, and the next request is served at once. Cancelling the rest of such a body mid-stream used to stall the
// next request for 30–60 s under wrangler dev (Miniflare alone, as in edge-api.test.ts, does not show it); the
// Worker now reads and drops the rest (routes/json-body.ts, DRAIN_BYTES).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from './edge-harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A streamed (chunked, no Content-Length) JSON-typed body of `bytes` spaces. */
function chunkedBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(' '.repeat(4096));
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) controller.close();
      else {
        controller.enqueue(chunk);
        sent += chunk.byteLength;
      }
    },
  });
}

describe('wrangler dev: oversized chunked bodies', () => {
  let dev: ChildProcess | undefined;
  let base = '';
  let persist = '';
  let output = '';

  beforeAll(async () => {
    persist = await makeTempDir('marquee-dev-body-');
    const port = await freePort();
    const inspector = await freePort();
    base = `http://127.0.0.1:${port}`;
    dev = spawn(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
        'dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--inspector-port',
        String(inspector),
        '--persist-to',
        persist,
      ],
      {
        cwd: ROOT,
        detached: true,
        env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    dev.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    dev.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const up = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline || dev.exitCode !== null) {
        throw new Error(`wrangler dev did not start:\n${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 120_000);

  afterAll(async () => {
    if (dev?.pid !== undefined && dev.exitCode === null) {
      process.kill(-dev.pid, 'SIGTERM');
      await once(dev, 'exit');
    }
    if (persist !== '') await removeDir(persist);
  });

  it('answers 413 to a chunked body over 64 KB and serves the next request at once, twice in a row', async () => {
    for (const bytes of [70_000, 2_000_000]) {
      const res = await fetch(`${base}/v1/recommendations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: chunkedBody(bytes),
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ status: 413 });
      const next = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
      expect(next.status).toBe(200);
    }
  }, 60_000);
});
