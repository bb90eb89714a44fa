import { Hono } from 'hono';
import { pingDatabase } from './db/database.ts';
import type { AppDeps, AppEnv } from './context.ts';
import { version } from './lib/version.ts';

/** Liveness and database reachability, for load balancers and the operator. */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const ok = await pingDatabase(deps.db);
    return c.json({ ok, db: deps.dbKind, version }, ok ? 200 : 503);
  });
  return app;
}
