import { Hono } from 'hono';
import { z } from 'zod';
import { addDays } from '#shared/training/dates.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { readQuery } from '../lib/http.ts';
import { routeId } from '../lib/route-id.ts';
import { publicGoal } from '../goals/goals.ts';
import { evaluateGoal } from './feasibility.ts';
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

/**
 * POST /api/goals/:id/evaluate: the goal judged against the runner's runs, flagged
 * `flagged_unrealistic` with a sentence or cleared. It lives with the runs that judge it (and
 * that re-judge it after every match), mounted beside the goal routes.
 */
export function goalFeasibilityRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/:id/evaluate', async (c) => {
    const user = requireUser(c);
    const id = routeId(c.req.param('id'), 'The goal');
    const { goal, feasibility } = await deps.db.transaction((tx) => evaluateGoal(tx, user.id, id, deps.now()));
    return c.json({ goal: publicGoal(goal), feasibility });
  });
  return app;
}
