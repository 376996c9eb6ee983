import { Hono } from 'hono';

export interface Env {
  MODELS: R2Bucket;
}

const app = new Hono<{ Bindings: Env }>();
app.get('/healthz', (c) => c.json({ ok: true }));

export default app satisfies ExportedHandler<Env>;
