import { Hono } from 'hono';
import { GoalCreateSchema, GoalUpdateSchema } from '#shared/schema/goal-request.ts';
import { createGoal, deleteGoal, getGoal, listGoals, publicGoal, updateGoal } from './goals.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { readJson } from '../lib/http.ts';
import { routeId } from '../lib/route-id.ts';
import { restStamp } from '../profile/rest-stamp.ts';

/** The runner's goals: race (distance, date, target time) or weekly mileage. */
export function goalRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const user = requireUser(c);
    return c.json({ goals: (await listGoals(deps.db, user.id)).map(publicGoal) });
  });

  app.post('/', async (c) => {
    const user = requireUser(c);
    const input = await readJson(c, GoalCreateSchema);
    const row = await createGoal(deps.db, user.id, input, await restStamp(deps, user.id));
    return c.json({ goal: publicGoal(row) }, 201);
  });

  app.get('/:id', async (c) => {
    const user = requireUser(c);
    return c.json({ goal: publicGoal(await getGoal(deps.db, user.id, routeId(c.req.param('id'), 'The goal'))) });
  });

  app.patch('/:id', async (c) => {
    const user = requireUser(c);
    const id = routeId(c.req.param('id'), 'The goal');
    const update = await readJson(c, GoalUpdateSchema);
    return c.json({ goal: publicGoal(await updateGoal(deps.db, user.id, id, update, await restStamp(deps, user.id))) });
  });

  app.delete('/:id', async (c) => {
    const user = requireUser(c);
    const id = routeId(c.req.param('id'), 'The goal');
    // Stamp first: PGlite has one connection, so deps.db must not be used inside a transaction.
    const stamp = await restStamp(deps, user.id);
    await deps.db.transaction((tx) => deleteGoal(tx, user.id, id, stamp));
    return c.body(null, 204);
  });

  return app;
}
