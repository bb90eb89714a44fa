import { Hono } from 'hono';
import { z } from 'zod';
import { addDays } from '#shared/training/dates.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { readQuery } from '../lib/http.ts';
import { routeId } from '../lib/route-id.ts';
import { userToday } from './matching.ts';
import { getActivity, listActivities } from './store.ts';

const RangeSchema = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() }).strict();

/** The runner's activities from every source (GET /api/activities, /api/activities/:id), each with its match. */
export function activityRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const user = requireUser(c);
    const range = readQuery(c, RangeSchema);
    const to = range.to ?? (await userToday(deps.db, user.id, deps.now()));
    const from = range.from ?? addDays(to, -90);
    if (from > to) throw new AppError('validation_failed', { message: '`from` must not be after `to`.', issues: [{ path: 'from', message: 'is after to' }] });
    return c.json({ activities: await listActivities(deps.db, user.id, from, to) });
  });

  app.get('/:id', async (c) => {
    const user = requireUser(c);
    return c.json({ activity: await getActivity(deps.db, user.id, routeId(c.req.param('id'), 'The activity')) });
  });

  return app;
}
