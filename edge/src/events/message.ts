/**
 * The queue message between POST /v1/events (producer) and the queue() handler (consumer): one accepted request's
 * events, each stamped with its receive time and arm. A request body is at most MAX_EVENTS_BODY_BYTES (64 KiB) and
 * a stamp adds ~110 bytes per event, so a message stays under the queue's 128 KB limit.
 */
import { z } from 'zod';
import { MAX_EVENTS_PER_BATCH, StoredEventSchema } from '../../../shared/src/schemas/events.ts';

export const QueuedEventsSchema = z.strictObject({
  events: z.array(StoredEventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type QueuedEvents = z.output<typeof QueuedEventsSchema>;
