/** The Hono application: every route, one error handler, one not-found handler. */
import { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import {
  coldStartRoute,
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
  app.route('/', healthRoute);
  app.route('/', modelsRoute);
  app.route('/', recommendationsRoute);
  app.route('/', coldStartRoute);
  app.route('/', similarRoute);
  app.route('/', predictRoute);
  app.onError(onError);
  app.notFound(notFound);
  return app;
}
