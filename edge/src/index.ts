/**
 * The Marquee edge Worker: recommendations served from the model artifacts in R2 with onnxruntime-web (fetch),
 * and the consumer of the feedback events queue (queue). Routes and their contracts: docs/edge.md.
 */
import { createApp } from './app.ts';
import { consumeEvents } from './events/index.ts';

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    await consumeEvents(batch, env);
  },
} satisfies ExportedHandler<Env>;
