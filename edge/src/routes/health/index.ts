/** GET /healthz — liveness: answers without touching R2 or the model, so it stays cheap and always up. */
import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';

export const healthRoute = new Hono<AppEnv>().get('/healthz', (c) => c.json({ status: 'ok' }));
