import { and, desc, eq, gte, isNull, lte } from 'drizzle-orm';
import type { Goal } from '#shared/schema/goal.ts';
import type { TrainingLoadQuery, TrainingLoadResponse } from '#shared/schema/load.ts';
import { loadHistoryStart, trainingLoadReport } from '#shared/training/load-report.ts';
import type { Executor } from '../db/database.ts';
import { goals, stravaActivities, trainingPlans, userProfiles, workoutCompletions, workouts } from '../db/schema.ts';
import { engineGoal } from '../goals/goals.ts';
import { localDate } from '../lib/write-stamp.ts';
import { fitnessRuns } from '../profile/training-context.ts';

/**
 * The runner's fitness, fatigue and form for `from`..`to`: their own runs from every source (this
 * is their own screen, not the coach's context, so Strava runs count too), and from today on the
 * active plan's open workouts as the forecast. The rows are read here; the numbers are made by
 * the shared trainingLoadReport, which the device calls on its own rows offline.
 */
export async function trainingLoad(db: Executor, userId: string, query: TrainingLoadQuery, now: Date): Promise<TrainingLoadResponse> {
  const [profile] = await db.select().from(userProfiles).where(eq(userProfiles.user_id, userId));
  const today = localDate(now, profile?.time_zone ?? 'UTC');

  const [plan] = await db
    .select()
    .from(trainingPlans)
    .where(and(eq(trainingPlans.user_id, userId), eq(trainingPlans.status, 'active')))
    .orderBy(desc(trainingPlans.created_at))
    .limit(1);
  const [goalRow] = plan?.goal_id
    ? await db
        .select()
        .from(goals)
        .where(and(eq(goals.id, plan.goal_id), eq(goals.user_id, userId), eq(goals.deleted, false)))
    : [];
  const goal: Goal | null = goalRow ? engineGoal(goalRow) : null;

  const runs = await db
    .select({
      id: stravaActivities.id,
      local_date: stravaActivities.local_date,
      activity_type: stravaActivities.activity_type,
      distance_meters: stravaActivities.distance_meters,
      moving_time_seconds: stravaActivities.moving_time_seconds,
      average_heartrate: stravaActivities.average_heartrate,
      total_elevation_gain: stravaActivities.total_elevation_gain,
      laps: stravaActivities.laps,
    })
    .from(stravaActivities)
    .where(
      and(
        eq(stravaActivities.user_id, userId),
        gte(stravaActivities.local_date, loadHistoryStart(query.from, profile ?? null)),
        lte(stravaActivities.local_date, query.to),
      ),
    );

  // Only open workouts are read (the report would drop the rest anyway).
  const planWorkouts = plan
    ? await db
        .select({
          id: workouts.id,
          scheduled_date: workouts.scheduled_date,
          workout_type: workouts.workout_type,
          status: workouts.status,
          structure: workouts.structure,
          estimated_distance_meters: workouts.estimated_distance_meters,
          estimated_duration_minutes: workouts.estimated_duration_minutes,
        })
        .from(workouts)
        .leftJoin(workoutCompletions, eq(workoutCompletions.workout_id, workouts.id))
        .where(
          and(
            eq(workouts.user_id, userId),
            eq(workouts.training_plan_id, plan.id),
            eq(workouts.deleted, false),
            eq(workouts.status, 'scheduled'),
            isNull(workoutCompletions.id),
            gte(workouts.scheduled_date, today),
            lte(workouts.scheduled_date, query.to),
          ),
        )
    : null;

  return trainingLoadReport({ query, today, profile: profile ?? null, goal, planWorkouts, runs, fitnessRuns: await fitnessRuns(db, userId, today) });
}
