/**
 * The Marquee edge Worker: recommendations served from the model artifacts in R2 with onnxruntime-web.
 * Routes and their contracts: edge/README.md.
 */
import { createApp } from './app.ts';

const app = createApp();

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
