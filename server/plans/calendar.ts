import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { buildCalendar } from '#shared/calendar/ics.ts';
import { describeWithTargets } from '#shared/calendar/describe.ts';
import type { Goal } from '#shared/schema/goal.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import type { TargetTable } from '#shared/training/target-text.ts';
import { workoutTitle } from '#shared/training/title.ts';
import type { Executor } from '../db/database.ts';
import { trainingPlans, userProfiles, workouts } from '../db/schema.ts';
import { goalFor, planGoals } from '../goals/plan-goal.ts';
import { fitnessRuns, runnerTargets } from '../profile/training-context.ts';
import { localDate } from '../lib/write-stamp.ts';

/** The runner's plan as an iCalendar feed: one all-day event per workout of an active plan. */
export async function calendarFeed(db: Executor, userId: string, options: { now: Date; publicUrl: string }): Promise<string> {
  const [profile] = await db.select().from(userProfiles).where(eq(userProfiles.user_id, userId));
  const rows = await db
    .select({ workout: workouts })
    .from(workouts)
    .leftJoin(trainingPlans, eq(trainingPlans.id, workouts.training_plan_id))
    .where(and(eq(workouts.user_id, userId), eq(workouts.deleted, false), or(isNull(workouts.training_plan_id), eq(trainingPlans.status, 'active'))))
    .orderBy(asc(workouts.scheduled_date));
  const unit = profile?.units ?? 'mi';
  // Paces, or bpm from the runner's own heart rate for one who trains by heart rate; `race` is
  // the race pace of the goal the workout's plan trains for.
  const today = profile ? localDate(options.now, profile.time_zone) : null;
  const goalsOf = await planGoals(db, userId);
  const runs = today ? await fitnessRuns(db, userId, today) : [];
  const byGoal = new Map<Goal | null, TargetTable | null>();
  const targetsOf = (planId: string | null): TargetTable | null => {
    if (!profile || !today) return null;
    const goal = goalFor(goalsOf, planId);
    if (!byGoal.has(goal)) byGoal.set(goal, runnerTargets(profile, today, goal, runs));
    return byGoal.get(goal) ?? null;
  };
  return buildCalendar({
    calendarName: 'RunCoach training plan',
    productId: '-//RunCoach//Training plan//EN',
    domain: new URL(options.publicUrl).hostname,
    now: options.now,
    workouts: rows.map(({ workout }) => {
      const targets = targetsOf(workout.training_plan_id);
      return {
        id: workout.id,
        scheduled_date: workout.scheduled_date,
        // Derived from the steps in the runner's unit, so an edit or a miles runner reads right (issue 18 §7).
        title: workoutTitle({ ...workout, structure: workout.structure as WorkoutStructure }, unit),
        updated_at: workout.updated_at,
        description: [
          ...(targets ? describeWithTargets(workout.structure as WorkoutStructure, targets, unit) : []),
          ...(workout.reason ? ['', `Why: ${workout.reason}`] : []),
          '',
          `${options.publicUrl}/workouts/${workout.id}`,
        ].join('\n'),
      };
    }),
  });
}
