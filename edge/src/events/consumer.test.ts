// The queue() handler in Node: messages are stand-ins recording ack/retry; the bucket is Miniflare's R2 simulator,
// or one whose writes fail. Delivery by a real queue is covered in workerd (test/edge-events.test.ts).
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoredEventSchema } from '../../../shared/src/schemas/events.ts';
import { consumeEvents } from './consumer.ts';

const arm = { version: 'v20261206-010203', channel: 'stable' as const };
const received = '2026-12-06T10:00:00.000Z';
const stored = (user: number) => ({ type: 'click', user, movie: 7, schema: 1, received, arm });

interface Outcome {
  acked: boolean;
  retried: boolean;
}

function batchOf(bodies: unknown[]): { batch: MessageBatch; outcomes: Outcome[] } {
  const outcomes = bodies.map(() => ({ acked: false, retried: false }));
  const messages = bodies.map((body, i) => ({
    id: `m${i}`,
    timestamp: new Date(received),
    attempts: 1,
    body,
    ack: () => void (outcomes[i]!.acked = true),
    retry: () => void (outcomes[i]!.retried = true),
  }));
  const batch = {
    queue: 'marquee-events',
    messages,
    ackAll: () => messages.forEach((m) => m.ack()),
    retryAll: () => messages.forEach((m) => m.retry()),
  } as unknown as MessageBatch;
  return { batch, outcomes };
}

let mf: Miniflare;
let events: R2Bucket;

beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: 'export default {}', r2Buckets: ['EVENTS'] });
  events = (await mf.getR2Bucket('EVENTS')) as unknown as R2Bucket;
});
afterAll(() => mf.dispose());

describe('consumeEvents', () => {
  it('writes every message of a batch as one NDJSON object and acks them', async () => {
    const { batch, outcomes } = batchOf([{ events: [stored(1), stored(2)] }, { events: [stored(3)] }]);
    const key = await consumeEvents(batch, { EVENTS: events } as Env);
    expect(key).toMatch(/^events\/\d{4}-\d{2}-\d{2}\/\d{2}\/.+-[0-9a-f]{12}\.ndjson$/);
    const object = await events.get(key!);
    expect(object?.httpMetadata?.contentType).toBe('application/x-ndjson');
    const lines = (await object!.text()).trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { user: number }).user)).toEqual([1, 2, 3]);
    expect(lines.every((l) => StoredEventSchema.safeParse(JSON.parse(l)).success)).toBe(true);
    expect(outcomes).toEqual([
      { acked: true, retried: false },
      { acked: true, retried: false },
    ]);
  });

  it('retries the batch when the write fails', async () => {
    const failing = { put: () => Promise.reject(new Error('R2 is down')) } as unknown as R2Bucket;
    const { batch, outcomes } = batchOf([{ events: [stored(1)] }, { events: [stored(2)] }]);
    expect(await consumeEvents(batch, { EVENTS: failing } as Env)).toBeUndefined();
    expect(outcomes.every((o) => o.retried && !o.acked)).toBe(true);
  });

  it('acks and drops a message that is not a batch of stored events, writing the others', async () => {
    const { batch, outcomes } = batchOf([
      { events: [{ type: 'click', user: 1, movie: 2 }] },
      { events: [stored(9)] },
    ]);
    const key = await consumeEvents(batch, { EVENTS: events } as Env);
    expect((await (await events.get(key!))!.text()).trimEnd().split('\n')).toHaveLength(1);
    expect(outcomes).toEqual([
      { acked: true, retried: false },
      { acked: true, retried: false },
    ]);
  });
});
