export { consumeEvents } from './consumer.ts';
export { QueuedEventsSchema, type QueuedEvents } from './message.ts';
export { writeNdjson } from './ndjson.ts';
