/** The Hono application: serving figures of every response, every route, one error and one not-found handler. */
import { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import { servingMetrics } from './metrics/index.ts';
import {
  coldStartRoute,
  eventsRoute,
  healthRoute,
  modelsRoute,
  notFound,
  onError,
  predictRoute,
  recommendationsRoute,
  similarRoute,
} from './routes/index.ts';

/** Builds the app (no side effects until a request arrives). */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(servingMetrics());
  app.route('/', healthRoute);
  app.route('/', modelsRoute);
  app.route('/', recommendationsRoute);
  app.route('/', coldStartRoute);
  app.route('/', similarRoute);
  app.route('/', predictRoute);
  app.route('/', eventsRoute);
  app.onError(onError);
  app.notFound(notFound);
  return app;
}
