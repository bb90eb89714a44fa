import { and, asc, eq, gte, inArray, isNull, lt, notInArray, or } from 'drizzle-orm';
import { RUN_SPORT_TYPES } from '#shared/schema/activity.ts';
import { addDays } from '#shared/training/dates.ts';
import type { Executor } from '../db/database.ts';
import { reevaluateActiveGoals } from '../goals/feasibility.ts';
import { stravaActivities, trainingPlans, userProfiles, workoutCompletions, workouts } from '../db/schema.ts';
import { stravaActivityUrl, type ActivityRow } from './store.ts';
import { localDate } from '../lib/write-stamp.ts';
import { listWorkouts, type WorkoutRow } from '../workouts/workouts.ts';

// A finished run, from any source, is matched to the workout planned on its local date
// (closest in type and distance when there are several). The matcher writes workout_completions;
// the change-log triggers carry its verdicts to the runner's devices.

/** Workouts no run can complete. */
const NOT_RUNS = ['rest', 'cross_training'];
/** A run covering this share of the planned distance or time completes the workout. */
export const COMPLETED_SHARE = 0.8;
const QUALITY = new Set(['tempo', 'threshold', 'intervals', 'repetition', 'marathon_pace', 'progression', 'fartlek']);

type CompletionRow = typeof workoutCompletions.$inferSelect;
type Planned = Pick<WorkoutRow, 'estimated_distance_meters' | 'estimated_duration_minutes'>;
type Run = Pick<ActivityRow, 'distance_meters' | 'moving_time_seconds'>;

/** `completed` when the run covered ≥ 80 % of the planned distance or time, else `partial`. */
export function verdict(run: Run, workout: Planned): 'completed' | 'partial' {
  const distance = workout.estimated_distance_meters;
  const duration = workout.estimated_duration_minutes;
  if (!distance && !duration) return 'completed';
  if (distance && run.distance_meters >= COMPLETED_SHARE * distance) return 'completed';
  if (duration && run.moving_time_seconds >= COMPLETED_SHARE * duration * 60) return 'completed';
  return 'partial';
}

/** Strava's own tag for a run (raw `workout_type`: 1 race, 2 long run, 3 workout), while the raw JSON is kept. */
function stravaTag(run: ActivityRow): 'race' | 'long' | 'quality' | null {
  const raw = run.raw_data as { workout_type?: unknown } | null;
  const tag = raw?.workout_type;
  return tag === 1 ? 'race' : tag === 2 ? 'long' : tag === 3 ? 'quality' : null;
}

/** How badly a run fits a workout (0 is perfect): the size ratio on a log scale, plus a type mismatch. */
export function matchCost(run: ActivityRow, workout: WorkoutRow): number {
  const planned = workout.estimated_distance_meters
    ? run.distance_meters / workout.estimated_distance_meters
    : workout.estimated_duration_minutes
      ? run.moving_time_seconds / (workout.estimated_duration_minutes * 60)
      : 1;
  const size = Math.abs(Math.log(Math.max(planned, 0.01)));
  const tag = stravaTag(run);
  const typeFits =
    tag === null || (tag === 'race' ? workout.workout_type === 'race' : tag === 'long' ? workout.workout_type === 'long' : QUALITY.has(workout.workout_type));
  return size + (typeFits ? 0 : 0.5);
}

/** Whether the runner wrote (or changed) this completion: the matcher then only links the run to it. */
export function isRunnersOwn(c: CompletionRow): boolean {
  return c.matched_at === null || c.updated_at.getTime() !== c.matched_at.getTime() || c.rpe !== null || c.notes !== null || c.completion_status === 'skipped';
}

/** The runner's calendar date at `now` in their time zone (UTC without a profile). */
export async function userToday(db: Executor, userId: string, now: Date): Promise<string> {
  const [profile] = await db.select({ tz: userProfiles.time_zone }).from(userProfiles).where(eq(userProfiles.user_id, userId));
  return localDate(now, profile?.tz ?? 'UTC');
}

async function setWorkoutStatus(db: Executor, workoutId: string, status: string, now: Date): Promise<void> {
  await db
    .update(workouts)
    .set({ status, updated_at: now })
    .where(and(eq(workouts.id, workoutId), or(isNull(workouts.status), notInArray(workouts.status, [status]))));
}

/**
 * Re-decides every match of the user's runs on `date` against the workouts planned that day.
 * Idempotent: running it again with the same data writes nothing. The runner's own verdicts
 * (completed/skipped with RPE or notes from the app) are never overwritten, only linked.
 */
export async function rematchDay(db: Executor, userId: string, date: string, now: Date, today: string): Promise<void> {
  const planned = (await listWorkouts(db, userId, date, date)).filter((w) => !NOT_RUNS.includes(w.workout_type));
  const runs = await db
    .select()
    .from(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), eq(stravaActivities.local_date, date), inArray(stravaActivities.activity_type, [...RUN_SPORT_TYPES])))
    .orderBy(asc(stravaActivities.start_date), asc(stravaActivities.id));
  if (planned.length === 0) return;
  const completions = await db
    .select()
    .from(workoutCompletions)
    .where(
      and(
        eq(workoutCompletions.user_id, userId),
        inArray(
          workoutCompletions.workout_id,
          planned.map((w) => w.id),
        ),
      ),
    );
  const byWorkout = new Map(completions.map((c) => [c.workout_id, c]));

  // A run the runner's own completion already links to stays with it.
  const assigned = new Map<string, ActivityRow>();
  const usedRuns = new Set<string>();
  const frozen = new Set<string>();
  for (const c of completions) {
    const run = runs.find((r) => r.id === c.strava_activity_id);
    if (run && isRunnersOwn(c)) {
      frozen.add(c.workout_id);
      usedRuns.add(run.id);
    }
  }
  const pairs = planned
    .filter((w) => !frozen.has(w.id))
    .flatMap((w, wi) => runs.filter((r) => !usedRuns.has(r.id)).map((r, ri) => ({ w, r, cost: matchCost(r, w), order: wi * 1000 + ri })))
    .sort((a, b) => a.cost - b.cost || a.order - b.order);
  for (const { w, r } of pairs) {
    if (assigned.has(w.id) || usedRuns.has(r.id)) continue;
    assigned.set(w.id, r);
    usedRuns.add(r.id);
  }

  for (const workout of planned) {
    if (frozen.has(workout.id)) continue;
    await settle(db, userId, workout, byWorkout.get(workout.id), assigned.get(workout.id), now, date < today);
  }
}

async function settle(
  db: Executor,
  userId: string,
  workout: WorkoutRow,
  current: CompletionRow | undefined,
  run: ActivityRow | undefined,
  now: Date,
  dayPassed: boolean,
): Promise<void> {
  const url = run?.source === 'strava' ? stravaActivityUrl(run.external_id) : null;
  if (run && current && isRunnersOwn(current)) {
    if (current.strava_activity_id === run.id) return;
    await db
      .update(workoutCompletions)
      .set({
        strava_activity_id: run.id,
        strava_activity_url: url,
        distance_meters: current.distance_meters ?? run.distance_meters,
        duration_seconds: current.duration_seconds ?? run.moving_time_seconds,
        updated_at: now,
      })
      .where(eq(workoutCompletions.id, current.id));
    return;
  }
  if (run) {
    const values = {
      completion_status: verdict(run, workout),
      strava_activity_id: run.id,
      strava_activity_url: url,
      distance_meters: run.distance_meters,
      duration_seconds: run.moving_time_seconds,
    };
    const same =
      current &&
      current.completion_status === values.completion_status &&
      current.strava_activity_id === values.strava_activity_id &&
      current.strava_activity_url === url &&
      current.distance_meters === values.distance_meters &&
      current.duration_seconds === values.duration_seconds;
    if (same) return;
    const stamped = { ...values, matched_at: now, updated_at: now };
    await db
      .insert(workoutCompletions)
      .values({ user_id: userId, workout_id: workout.id, created_at: now, ...stamped })
      .onConflictDoUpdate({ target: workoutCompletions.workout_id, set: stamped });
    await setWorkoutStatus(db, workout.id, values.completion_status, now);
    return;
  }
  // No run for this workout (any more): undo a verdict the matcher made from a run.
  if (!current || isRunnersOwn(current) || current.completion_status === 'missed') return;
  if (dayPassed) {
    await db
      .update(workoutCompletions)
      .set({
        completion_status: 'missed',
        strava_activity_id: null,
        strava_activity_url: null,
        distance_meters: null,
        duration_seconds: null,
        matched_at: now,
        updated_at: now,
      })
      .where(eq(workoutCompletions.id, current.id));
    await setWorkoutStatus(db, workout.id, 'missed', now);
  } else {
    await db.delete(workoutCompletions).where(eq(workoutCompletions.id, current.id));
    await setWorkoutStatus(db, workout.id, 'scheduled', now);
  }
}

/** rematchDay for each of `dates` that has a workout planned (most days of a backfill have none). */
export async function rematchDays(db: Executor, userId: string, dates: Iterable<string>, now: Date, today: string): Promise<void> {
  const wanted = [...new Set(dates)];
  if (wanted.length === 0) return;
  const withWorkouts = await db
    .selectDistinct({ date: workouts.scheduled_date })
    .from(workouts)
    .where(and(eq(workouts.user_id, userId), inArray(workouts.scheduled_date, wanted)));
  for (const { date } of withWorkouts.sort((a, b) => a.date.localeCompare(b.date))) await rematchDay(db, userId, date, now, today);
  if (withWorkouts.length > 0) await reevaluateActiveGoals(db, userId, now);
}

/** How far back the missed-workout job looks: a server down longer than this leaves older days as they are. */
const MISSED_LOOKBACK_DAYS = 14;

/**
 * Marks workouts whose day has passed (in the runner's time zone) with no run and no verdict
 * of the runner's as `missed`. Only workouts that were planned before their day ended count.
 * Returns how many were marked.
 */
export async function markMissedWorkouts(db: Executor, now: Date): Promise<number> {
  const utcToday = now.toISOString().slice(0, 10);
  const candidates = await db
    .select({ id: workouts.id, user_id: workouts.user_id, date: workouts.scheduled_date, created_at: workouts.created_at, tz: userProfiles.time_zone })
    .from(workouts)
    .leftJoin(trainingPlans, eq(trainingPlans.id, workouts.training_plan_id))
    .leftJoin(userProfiles, eq(userProfiles.user_id, workouts.user_id))
    .leftJoin(workoutCompletions, eq(workoutCompletions.workout_id, workouts.id))
    .where(
      and(
        isNull(workoutCompletions.id),
        eq(workouts.deleted, false),
        notInArray(workouts.workout_type, NOT_RUNS),
        or(isNull(workouts.training_plan_id), eq(trainingPlans.status, 'active')),
        // Every time zone's "today" is within a day of UTC's.
        lt(workouts.scheduled_date, addDays(utcToday, 1)),
        gte(workouts.scheduled_date, addDays(utcToday, -MISSED_LOOKBACK_DAYS)),
      ),
    );
  let marked = 0;
  const affected = new Set<string>();
  for (const c of candidates) {
    const tz = c.tz ?? 'UTC';
    if (c.date >= localDate(now, tz) || c.date < localDate(c.created_at, tz)) continue;
    const inserted = await db
      .insert(workoutCompletions)
      .values({ user_id: c.user_id, workout_id: c.id, completion_status: 'missed', matched_at: now, created_at: now, updated_at: now })
      .onConflictDoNothing({ target: workoutCompletions.workout_id })
      .returning({ id: workoutCompletions.id });
    if (inserted.length === 0) continue;
    await setWorkoutStatus(db, c.id, 'missed', now);
    marked++;
    affected.add(c.user_id);
  }
  for (const userId of affected) await reevaluateActiveGoals(db, userId, now);
  return marked;
}
