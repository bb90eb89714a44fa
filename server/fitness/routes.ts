import { Hono } from 'hono';
import { TrainingLoadQuerySchema } from '#shared/schema/load.ts';
import { trainingLoad } from './training-load.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { readQuery } from '../lib/http.ts';

/** GET /api/training-load?from&to: the signed-in runner's fitness, fatigue and form per day, with the plan's forecast. */
export function trainingLoadRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const user = requireUser(c);
    const query = readQuery(c, TrainingLoadQuerySchema);
    return c.json(await trainingLoad(deps.db, user.id, query, deps.now()));
  });
  return app;
}
