/**
 * POST /v1/events — feedback from apps: {"events":[{"type":"click","user":1,"movie":2}, ...]} (the contract:
 * shared/src/schemas/events.ts). Writers only: `Authorization: Bearer <EVENTS_KEY>`. The whole batch is accepted
 * or rejected: every event must pass the schema and every rating must lie on the rating scale of the version
 * serving its user. Each event is stamped with the receive time and that arm (version and channel), and the batch
 * goes to the EVENTS_QUEUE as one message; 202 {"accepted": n}. The queue() handler (events/consumer.ts) writes it
 * to the EVENTS bucket.
 */
import { Hono } from 'hono';
import {
  EVENTS_SCHEMA_VERSION,
  EventsBatchSchema,
  MAX_EVENTS_BODY_BYTES,
  type StoredEvent,
} from '../../../../shared/src/schemas/events.ts';
import type { AppEnv } from '../../env.ts';
import type { QueuedEvents } from '../../events/message.ts';
import { edgeState, type Resolved } from '../../versions/index.ts';
import { requireKey } from '../auth.ts';
import { requestKeepAlive } from '../context.ts';
import { limitBody, requireJson } from '../json-body.ts';
import { ProblemError, RETRY_AFTER_SECONDS } from '../problem.ts';
import { invalidField, validate } from '../validate.ts';
import { onScale } from './rating-scale.ts';

export const eventsRoute = new Hono<AppEnv>().post(
  '/v1/events',
  // The body is read (within its limit) before the key is checked: a 401 that left it unread let workerd close
  // the connection under a client about to reuse it ("other side closed" on the client's next request).
  limitBody(MAX_EVENTS_BODY_BYTES),
  requireKey('EVENTS_KEY', 'marquee-events'),
  requireJson,
  validate('json', EventsBatchSchema),
  async (c) => {
    const { events } = c.req.valid('json');
    const received = new Date().toISOString();
    // Arms are stamped on the events, not recorded for this response: an events request is not model serving
    // (metrics/middleware.ts).
    const state = edgeState(c.env);
    const byUser = new Map<number, Resolved>();
    const stored: StoredEvent[] = [];
    for (const [i, event] of events.entries()) {
      let resolved = byUser.get(event.user);
      if (resolved === undefined) {
        resolved = await state.resolve(event.user, requestKeepAlive(c));
        byUser.set(event.user, resolved);
      }
      const { version, channel } = resolved;
      if (event.type === 'rating') {
        const scale = version.manifest.model.ratingScale;
        if (!onScale(event.value, scale)) {
          throw invalidField(
            `events.${i}.value`,
            `must be on the rating scale of model version ${version.id}: ${scale.min} to ${scale.max} in ` +
              `steps of ${scale.step} (got ${event.value})`,
          );
        }
      }
      stored.push({
        ...event,
        schema: EVENTS_SCHEMA_VERSION,
        received,
        arm: { version: version.id, channel },
      });
    }
    const message: QueuedEvents = { events: stored };
    try {
      await c.env.EVENTS_QUEUE.send(message, { contentType: 'json' });
    } catch (err) {
      console.error('events queue send failed:', String(err));
      throw new ProblemError(
        503,
        'events-unavailable',
        'Events unavailable',
        'the events queue did not accept the batch; nothing was stored, send it again later',
        {},
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
    return c.json({ accepted: stored.length, received }, 202);
  },
);
