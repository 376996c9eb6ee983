// A client that disconnects while its request is loading the model must not take the load down with it: the
// channels.json read and the version load are shared by every request of the isolate, and workerd cancels the I/O
// of a request whose client went away unless the work is handed to waitUntil (edge/src/versions/keep-alive.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, type Edge } from '../tools/edge-harness.ts';
import {
  buildFixture,
  expectedTopN,
  publishFixture,
  setChannelsJson,
  userIdOf,
} from '../tools/edge-fixtures.ts';

let edge: Edge;

beforeAll(async () => {
  const [started, fixture] = await Promise.all([
    startEdge(),
    buildFixture({
      version: 'v1',
      seed: 5,
      arch: 'dcf',
      numUsers: 300,
      numMovies: 3000,
      dim: 32,
      hidden: [64, 32],
      seenPerUser: 10,
    }),
  ]);
  edge = started;
  await publishFixture(edge.bucket, fixture);
  await setChannelsJson(edge.bucket, { stable: 'v1' });
  expectedTop = expectedTopN(fixture, 3, 5).movieIds;
});

let expectedTop: number[];

afterAll(async () => {
  await edge?.dispose();
});

describe('a client that disconnects during the first load', () => {
  it('does not stall the requests that share the load', async () => {
    const path = `/v1/users/${userIdOf(3)}/recommendations?limit=5`;
    const abort = new AbortController();
    const first = edge.fetch(path, { signal: abort.signal });
    // The isolate is fresh: this request starts the ORT runtime, the channels.json read and the version load,
    // which take far longer than this.
    await new Promise((resolve) => setTimeout(resolve, 40));
    abort.abort();
    // The abort reached the request while it was still running (no response had come yet).
    await expect(first).rejects.toThrow(/abort/i);
    const second = await edge.fetch(path, { signal: AbortSignal.timeout(30_000) });
    expect(second.status).toBe(200);
    const body = (await second.json()) as { items: { movieId: number }[] };
    expect(body.items.map((i) => i.movieId)).toEqual(expectedTop);
  });
});
