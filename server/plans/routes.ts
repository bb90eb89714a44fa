import { Hono } from 'hono';
import { z } from 'zod';
import { IsoDateSchema } from '#shared/schema/goal.ts';
import { HealthReportSchema, MethodologySchema } from '#shared/schema/plan.ts';
import { adaptActivePlan } from './adaptation.ts';
import { restStamp } from '../profile/rest-stamp.ts';
import { generatePlanForGoal, getPlanWithWorkouts, listPlans, publicPlan, type PlanPersonalizer } from './plans.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { readJson } from '../lib/http.ts';
import { routeId } from '../lib/route-id.ts';

const GenerateRequestSchema = z
  .object({
    goal_id: z.uuid(),
    start_date: IsoDateSchema.optional(),
    methodology: MethodologySchema.optional(),
    // The coach adapts the engine's plan; without a key (or on failure) the engine's plan is saved with a note.
    personalize: z.boolean().optional(),
  })
  .strict();

/**
 * Plan generation (rule engine, guardrail-checked) and reading plans. `personalize` is the
 * coach's step (the app passes it in), so plans know nothing of the coach that reads them.
 */
export function planRoutes(deps: AppDeps, personalize: PlanPersonalizer): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/generate', async (c) => {
    const user = requireUser(c);
    const input = await readJson(c, GenerateRequestSchema);
    const result = await generatePlanForGoal(deps.db, user.id, input, deps.now(), personalize);
    return c.json(result, 201);
  });

  // "Not feeling 100%", missed sessions, runs off plan: re-plan the coming weeks only.
  app.post('/:id/adapt', async (c) => {
    const user = requireUser(c);
    const id = routeId(c.req.param('id'), 'The plan');
    const { report, preview, request_id } = await readJson(
      c,
      // request_id: the phone's id for one acceptance, so sending it again (a retry after a lost answer) re-plans once.
      z.object({ report: HealthReportSchema.optional(), preview: z.boolean().optional(), request_id: z.uuid().optional() }).strict(),
    );
    const stamp = await restStamp(deps, user.id);
    // preview: what the re-plan would do, nothing saved (the phone shows its what-if first).
    if (preview) return c.json(await deps.db.transaction((tx) => adaptActivePlan(tx, user.id, id, report, stamp, { preview: true })));
    const result = await deps.db.transaction((tx) => adaptActivePlan(tx, user.id, id, report, stamp, request_id ? { requestId: request_id } : {}));
    return c.json({ ...result, ...(await getPlanWithWorkouts(deps.db, user.id, id)) });
  });

  app.get('/', async (c) => {
    const user = requireUser(c);
    return c.json({ plans: (await listPlans(deps.db, user.id)).map(publicPlan) });
  });

  app.get('/:id', async (c) => {
    const user = requireUser(c);
    return c.json(await getPlanWithWorkouts(deps.db, user.id, routeId(c.req.param('id'), 'The plan')));
  });

  return app;
}
