// `wrangler dev` (the local server `npm run dev` starts) and oversized streamed bodies: a chunked body over 64 KB
// gets 413, and the next request is served at once. Cancelling the rest of such a body mid-stream used to stall the
// next request for 30–60 s under wrangler dev (Miniflare alone, as in edge-api.test.ts, does not show it); the
// Worker now reads and drops the rest (routes/json-body.ts, DRAIN_BYTES).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, startWranglerDev, type WranglerDev } from '../tools/edge-harness.ts';

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
  let dev: WranglerDev | undefined;
  let base = '';
  let persist = '';

  beforeAll(async () => {
    persist = await makeTempDir('marquee-dev-body-');
    dev = await startWranglerDev(persist);
    base = dev.url.origin;
  }, 120_000);

  afterAll(async () => {
    await dev?.dispose();
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
