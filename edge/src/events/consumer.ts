/**
 * The Worker's queue() handler: each delivered batch of messages (POST /v1/events requests) becomes one NDJSON
 * object of stored events in the EVENTS bucket, under eventsKey(EVENTS_PREFIX, now, random).
 */
import { EVENTS_PREFIX, type StoredEvent } from '../../../shared/src/schemas/events.ts';
import { QueuedEventsSchema } from './message.ts';
import { writeNdjson } from './ndjson.ts';

/**
 * Writes the events of `batch` and acknowledges its messages; when the write fails they are retried (the queue's
 * retry_delay and max_retries apply). A message that is not a QueuedEvents (none should be: only this Worker
 * produces them) can never be written, so it is logged and acknowledged rather than retried.
 * @returns the key written, or undefined when nothing was
 */
export async function consumeEvents(batch: MessageBatch, env: Env): Promise<string | undefined> {
  const events: StoredEvent[] = [];
  const taken: Message[] = [];
  for (const message of batch.messages) {
    const parsed = QueuedEventsSchema.safeParse(message.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      console.error(
        `queue ${batch.queue}: message ${message.id} is not a batch of stored events, dropped ` +
          `(${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
      );
      message.ack();
      continue;
    }
    events.push(...parsed.data.events);
    taken.push(message);
  }
  if (events.length === 0) return undefined;
  try {
    const key = await writeNdjson(env.EVENTS, EVENTS_PREFIX, new Date(), events);
    for (const message of taken) message.ack();
    return key;
  } catch (err) {
    console.error(
      `queue ${batch.queue}: writing ${events.length} events failed, retrying the batch:`,
      String(err),
    );
    for (const message of taken) message.retry();
    return undefined;
  }
}
