import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import type { Feasibility } from '#shared/schema/goal.ts';
import { addDays, daysBetween } from '#shared/training/dates.ts';
import { assessGoal } from '#shared/training/feasibility.ts';
import { HARD_TYPES } from '#shared/training/rules.ts';
import type { WorkoutType } from '#shared/schema/workout.ts';
import type { Executor } from '../db/database.ts';
import { goals, stravaActivities, trainingPlans, workoutCompletions, workouts } from '../db/schema.ts';
import { engineGoal, getGoal, type GoalRow } from './goals.ts';
import { getProfile } from '../profile/profile.ts';
import { applyFields, localDate, type WriteStamp } from '../lib/write-stamp.ts';
import { engineProfile, fitnessRuns } from '../profile/training-context.ts';
import { AppError } from '../lib/errors.ts';
import { notifyGoalUnrealistic } from '../notifications/create.ts';

const EFFORT_WEEKS = 8;
const RECENT_DAYS = 21;

/**
 * The goal's feasibility from the runner's profile, their own recent efforts and how much of
 * the plan they completed in the last 3 weeks. Efforts come from the runner's own files (uploads,
 * imports, their Strava export) and manual logs only: Strava runs stay out of derived judgements (docs/STRAVA.md §Policy, read conservatively).
 */
export async function evaluateGoal(db: Executor, userId: string, goalId: string, now: Date): Promise<{ goal: GoalRow; feasibility: Feasibility }> {
  const goal = await getGoal(db, userId, goalId);
  const profileRow = await getProfile(db, userId);
  const today = localDate(now, profileRow.time_zone);
  const efforts = await db
    .select({ distance_meters: stravaActivities.distance_meters, time_seconds: stravaActivities.moving_time_seconds, date: stravaActivities.local_date })
    .from(stravaActivities)
    .where(
      and(
        eq(stravaActivities.user_id, userId),
        inArray(stravaActivities.source, ['fit_upload', 'manual', 'strava_export', 'file_import']),
        gte(stravaActivities.local_date, addDays(today, -7 * EFFORT_WEEKS)),
        gte(stravaActivities.distance_meters, 1500),
      ),
    );
  const feasibility = assessGoal({
    profile: engineProfile(profileRow, await fitnessRuns(db, userId, today)),
    goal: engineGoal(goal),
    today,
    efforts: efforts.filter((e) => e.time_seconds > 0),
    ...recentVolume(efforts, today),
    unit: profileRow.units === 'km' ? 'km' : 'mi',
    ...(await recentTraining(db, userId, goalId, today)),
  });
  return { goal: await flagGoal(db, userId, goal, feasibility, { now, today }), feasibility };
}

/** The runner's own weekly volume over the last 3 weeks and longest run of the last 4, when they logged runs. */
function recentVolume(runs: { distance_meters: number; date: string }[], today: string) {
  const weeks = [0, 0, 0];
  let longest = 0;
  for (const r of runs) {
    const age = daysBetween(r.date, today);
    if (age < 1 || age > 28) continue;
    longest = Math.max(longest, r.distance_meters);
    if (age <= 21) weeks[Math.floor((age - 1) / 7)]! += r.distance_meters;
  }
  if (longest === 0) return {};
  return { recent_weekly_meters: weeks.reverse(), longest_recent_run_meters: longest };
}

/** Planned vs completed distance and missed quality sessions of the goal's plan, last 3 weeks. */
async function recentTraining(db: Executor, userId: string, goalId: string, today: string) {
  const rows = await db
    .select({ workout: workouts, completion: workoutCompletions })
    .from(workouts)
    .innerJoin(trainingPlans, and(eq(trainingPlans.id, workouts.training_plan_id), eq(trainingPlans.goal_id, goalId), eq(trainingPlans.status, 'active')))
    .leftJoin(workoutCompletions, eq(workoutCompletions.workout_id, workouts.id))
    .where(
      and(
        eq(workouts.user_id, userId),
        eq(workouts.deleted, false),
        gte(workouts.scheduled_date, addDays(today, -RECENT_DAYS)),
        lt(workouts.scheduled_date, today),
      ),
    );
  if (rows.length === 0) return {};
  let planned = 0;
  let completed = 0;
  let missedQuality = 0;
  for (const { workout, completion } of rows) {
    const plannedMeters = workout.estimated_distance_meters ?? 0;
    planned += plannedMeters;
    const done = completion && (completion.completion_status === 'completed' || completion.completion_status === 'partial');
    // A runner who ticks "done" without a distance ran the planned one, as far as we know.
    if (done) completed += completion.distance_meters ?? plannedMeters;
    else if (HARD_TYPES.has(workout.workout_type as WorkoutType)) missedQuality += 1;
  }
  return { recent: { planned_meters: planned, completed_meters: completed, missed_quality: missedQuality } };
}

/** Sets `flagged_unrealistic` with the sentence, or clears an earlier flag. */
async function flagGoal(db: Executor, userId: string, goal: GoalRow, feasibility: Feasibility, stamp: WriteStamp): Promise<GoalRow> {
  const update =
    feasibility.verdict === 'unrealistic'
      ? { status: 'flagged_unrealistic' as const, flagged_reason: feasibility.sentence }
      : goal.status === 'flagged_unrealistic'
        ? { status: 'active' as const, flagged_reason: null }
        : null;
  if (!update || (update.status === goal.status && update.flagged_reason === goal.flagged_reason)) return goal;
  const { set, fieldHlc } = applyFields(goal.field_hlc, update, stamp);
  const [row] = await db
    .update(goals)
    .set({ ...set, field_hlc: fieldHlc, updated_at: stamp.now })
    .where(and(eq(goals.id, goal.id), eq(goals.user_id, userId)))
    .returning();
  if (row!.status === 'flagged_unrealistic' && goal.status !== 'flagged_unrealistic') await notifyGoalUnrealistic(db, userId, row!, stamp.now);
  return row!;
}

/**
 * Judges goals just saved (issue 18 §14: feasibility runs without being asked) and returns the
 * rows as they now stand. Only goals still pursued are judged; a runner whose profile cannot be
 * judged yet keeps the goal as saved.
 */
export async function judgeSavedGoals(db: Executor, userId: string, rows: GoalRow[], now: Date): Promise<GoalRow[]> {
  const out: GoalRow[] = [];
  for (const row of rows) {
    if (row.deleted || (row.status !== 'active' && row.status !== 'flagged_unrealistic')) {
      out.push(row);
      continue;
    }
    try {
      out.push((await evaluateGoal(db, userId, row.id, now)).goal);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) out.push(row);
      else throw error;
    }
  }
  return out;
}

/**
 * Re-judges the runner's goals that have an active plan (docs/TRAINING.md §Feasibility: after each completed or
 * missed workout). A runner whose profile cannot be judged yet is skipped, not an error.
 */
export async function reevaluateActiveGoals(db: Executor, userId: string, now: Date): Promise<void> {
  const rows = await db
    .selectDistinct({ id: goals.id })
    .from(goals)
    .innerJoin(trainingPlans, and(eq(trainingPlans.goal_id, goals.id), eq(trainingPlans.status, 'active')))
    .where(and(eq(goals.user_id, userId), eq(goals.deleted, false), inArray(goals.status, ['active', 'flagged_unrealistic'])));
  for (const { id } of rows) {
    try {
      await evaluateGoal(db, userId, id, now);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) continue;
      throw error;
    }
  }
}
