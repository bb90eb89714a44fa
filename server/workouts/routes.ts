import { Hono } from 'hono';
import { WorkoutRangeQuerySchema, WorkoutUpdateSchema } from '#shared/schema/workout-request.ts';
import { workoutFitFile } from '#shared/fit/workout-file.ts';
import { runnerPaces } from '#shared/training/timeline.ts';
import { goalFor, planGoals } from '../goals/plan-goal.ts';
import { getProfile } from '../profile/profile.ts';
import { getWorkout, listEdits, listWorkouts, publicWorkout, updateWorkout } from './workouts.ts';
import { engineProfile, fitnessRuns, runnerHeartRateTable } from '../profile/training-context.ts';
import { localDate } from '../lib/write-stamp.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { readJson, readQuery } from '../lib/http.ts';
import { routeId } from '../lib/route-id.ts';
import { restStamp } from '../profile/rest-stamp.ts';

/** The runner's workouts: by date range, one by one, their edit history and their .FIT file. */
export function workoutRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const user = requireUser(c);
    const { from, to } = readQuery(c, WorkoutRangeQuerySchema);
    return c.json({ workouts: (await listWorkouts(deps.db, user.id, from, to)).map(publicWorkout) });
  });

  app.get('/:id', async (c) => {
    const user = requireUser(c);
    return c.json({ workout: publicWorkout(await getWorkout(deps.db, user.id, routeId(c.req.param('id'), 'The workout'))) });
  });

  app.patch('/:id', async (c) => {
    const user = requireUser(c);
    const id = routeId(c.req.param('id'), 'The workout');
    const update = await readJson(c, WorkoutUpdateSchema);
    const stamp = await restStamp(deps, user.id);
    const { workout, warnings } = await deps.db.transaction((tx) => updateWorkout(tx, user.id, id, update, stamp, 'user'));
    return c.json({ workout: publicWorkout(workout), warnings });
  });

  app.get('/:id/edits', async (c) => {
    const user = requireUser(c);
    return c.json({ edits: await listEdits(deps.db, user.id, routeId(c.req.param('id'), 'The workout')) });
  });

  app.get('/:id/fit', async (c) => {
    const user = requireUser(c);
    const row = await getWorkout(deps.db, user.id, routeId(c.req.param('id'), 'The workout'));
    const workout = publicWorkout(row);
    const profile = await getProfile(deps.db, user.id);
    const today = localDate(deps.now(), profile.time_zone);
    // `race` is the race pace of the goal the workout's plan trains for (issue 18 §1).
    const goal = goalFor(await planGoals(deps.db, user.id), row.training_plan_id);
    const { paces } = runnerPaces(engineProfile(profile, await fitnessRuns(deps.db, user.id, today)), goal, today);
    const file = workoutFitFile({
      workout,
      targetType: profile.target_type,
      paces,
      heartRates: runnerHeartRateTable(profile, today, goal),
      units: profile.units,
    });
    if (!file.ok) throw new AppError('workout_not_encodable', { message: 'This workout cannot be written as a .FIT file.', issues: file.issues });
    return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/vnd.ant.fit',
      'Content-Disposition': `attachment; filename="${file.filename}"`,
      'Cache-Control': 'private, no-store',
    });
  });

  return app;
}
