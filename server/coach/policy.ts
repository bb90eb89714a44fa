import { and, asc, count, eq, gte, inArray, lte, min, sum } from 'drizzle-orm';
import { ACTIVITY_SOURCES, RUN_SPORT_TYPES, type ActivitySource } from '#shared/schema/activity.ts';
import type { CompletedRun } from '#shared/schema/plan.ts';
import { addDays } from '#shared/training/dates.ts';
import type { Executor } from '../db/database.ts';
import { stravaActivities, workoutCompletions, workouts } from '../db/schema.ts';

// docs/STRAVA.md §"Policy: Strava data and AI": nothing from Strava, nor anything computed
// from it, reaches the model unless STRAVA_DATA_IN_AI=true. Every read the coach makes for a
// prompt or a tool result goes through this file, so the rule lives in one place:
//   - activities: only the allowed sources;
//   - completions linked to a Strava activity (by id or by its strava.com link): their status,
//     distance, time and link are Strava-derived and left out; the runner's own RPE and notes stay;
//   - a workout's `status` set from such a completion is shown as unknown.

/** The activity sources whose data may go to the model. */
export function aiSources(dataInAi: boolean): ActivitySource[] {
  return dataInAi ? [...ACTIVITY_SOURCES] : ACTIVITY_SOURCES.filter((s) => s !== 'strava');
}

/** An activity row from an allowed source. */
export type AiActivity = typeof stravaActivities.$inferSelect;

/** The user's runs from allowed sources between two local dates (inclusive), oldest first. */
export async function allowedActivities(db: Executor, userId: string, from: string, to: string, dataInAi: boolean): Promise<AiActivity[]> {
  return db
    .select()
    .from(stravaActivities)
    .where(
      and(
        eq(stravaActivities.user_id, userId),
        inArray(stravaActivities.source, aiSources(dataInAi)),
        inArray(stravaActivities.activity_type, [...RUN_SPORT_TYPES]),
        gte(stravaActivities.local_date, from),
        lte(stravaActivities.local_date, to),
      ),
    )
    .orderBy(asc(stravaActivities.local_date), asc(stravaActivities.start_date));
}

/** Totals of the runs from allowed sources: how many, how far, how long, since when. */
export interface RunTotals {
  runs: number;
  meters: number;
  seconds: number;
  since: string | null;
}

/**
 * The runner's aggregate stats (the Runaway seed's "total distance, time, count"): every run from
 * an allowed source, and the last four weeks, in one read.
 */
export async function allowedTotals(db: Executor, userId: string, today: string, dataInAi: boolean): Promise<{ all: RunTotals; lastFourWeeks: RunTotals }> {
  const allowed = and(
    eq(stravaActivities.user_id, userId),
    inArray(stravaActivities.source, aiSources(dataInAi)),
    inArray(stravaActivities.activity_type, [...RUN_SPORT_TYPES]),
    lte(stravaActivities.local_date, today),
  );
  const totals = (where: ReturnType<typeof and>) =>
    db
      .select({
        runs: count(),
        meters: sum(stravaActivities.distance_meters),
        seconds: sum(stravaActivities.moving_time_seconds),
        since: min(stravaActivities.local_date),
      })
      .from(stravaActivities)
      .where(where)
      .then(([row]) => ({ runs: Number(row?.runs ?? 0), meters: Number(row?.meters ?? 0), seconds: Number(row?.seconds ?? 0), since: row?.since ?? null }));
  const [all, lastFourWeeks] = await Promise.all([totals(allowed), totals(and(allowed, gte(stravaActivities.local_date, addDays(today, -27))))]);
  return { all, lastFourWeeks };
}

/** Runs from allowed sources for the guardrail check whose words the model reads. */
export async function allowedHistory(db: Executor, userId: string, today: string, dataInAi: boolean, days = 42): Promise<CompletedRun[]> {
  const rows = await allowedActivities(db, userId, addDays(today, -days), today, dataInAi);
  return rows.map((r) => ({ date: r.local_date, distance_meters: r.distance_meters, duration_seconds: r.moving_time_seconds }));
}

/** A completion as the coach may see it; `withheld` marks one whose outcome came from Strava. */
export interface AiCompletion {
  workout_id: string;
  date: string;
  title: string;
  type: string;
  estimated_distance_meters: number | null;
  status: string | null;
  distance_meters: number | null;
  duration_seconds: number | null;
  rpe: number | null;
  notes: string | null;
  withheld: boolean;
}

/** The user's completions of workouts scheduled between two dates, filtered by the policy, newest first. */
export async function allowedCompletions(db: Executor, userId: string, from: string, to: string, dataInAi: boolean): Promise<AiCompletion[]> {
  const rows = await db
    .select({ c: workoutCompletions, w: workouts, source: stravaActivities.source })
    .from(workoutCompletions)
    .innerJoin(workouts, and(eq(workouts.id, workoutCompletions.workout_id), eq(workouts.user_id, userId)))
    .leftJoin(stravaActivities, and(eq(stravaActivities.id, workoutCompletions.strava_activity_id), eq(stravaActivities.user_id, userId)))
    .where(and(eq(workoutCompletions.user_id, userId), eq(workouts.deleted, false), gte(workouts.scheduled_date, from), lte(workouts.scheduled_date, to)));
  return rows
    .map(({ c, w, source }) => {
      const withheld = !dataInAi && isStravaDerived(source, c.strava_activity_url);
      return {
        workout_id: w.id,
        date: w.scheduled_date,
        title: w.title,
        type: w.workout_type,
        estimated_distance_meters: w.estimated_distance_meters,
        status: withheld ? null : c.completion_status,
        distance_meters: withheld ? null : c.distance_meters,
        duration_seconds: withheld ? null : c.duration_seconds,
        rpe: c.rpe,
        notes: c.notes,
        withheld,
      };
    })
    .sort((a, b) => b.date.localeCompare(a.date));
}

/** Which of `workoutIds` (the user's) were completed from Strava: their status must not reach the model. */
export async function withheldWorkoutIds(db: Executor, userId: string, dataInAi: boolean, workoutIds: string[]): Promise<Set<string>> {
  if (dataInAi || workoutIds.length === 0) return new Set();
  const rows = await db
    .select({ id: workoutCompletions.workout_id, source: stravaActivities.source, url: workoutCompletions.strava_activity_url })
    .from(workoutCompletions)
    .leftJoin(stravaActivities, and(eq(stravaActivities.id, workoutCompletions.strava_activity_id), eq(stravaActivities.user_id, userId)))
    .where(and(eq(workoutCompletions.user_id, userId), inArray(workoutCompletions.workout_id, workoutIds)));
  return new Set(rows.filter((r) => isStravaDerived(r.source, r.url)).map((r) => r.id));
}

/** The plan's workouts between two dates (oldest first), with the ids whose outcome came from Strava, in one read. */
export async function planWorkoutsForAi(db: Executor, userId: string, planId: string, from: string, to: string, dataInAi: boolean) {
  const rows = await db
    .select({ w: workouts, url: workoutCompletions.strava_activity_url, source: stravaActivities.source })
    .from(workouts)
    .leftJoin(workoutCompletions, and(eq(workoutCompletions.workout_id, workouts.id), eq(workoutCompletions.user_id, userId)))
    .leftJoin(stravaActivities, and(eq(stravaActivities.id, workoutCompletions.strava_activity_id), eq(stravaActivities.user_id, userId)))
    .where(
      and(
        eq(workouts.user_id, userId),
        eq(workouts.training_plan_id, planId),
        eq(workouts.deleted, false),
        gte(workouts.scheduled_date, from),
        lte(workouts.scheduled_date, to),
      ),
    )
    .orderBy(asc(workouts.scheduled_date));
  const withheld = new Set(dataInAi ? [] : rows.filter((r) => isStravaDerived(r.source, r.url)).map((r) => r.w.id));
  return { rows: rows.map((r) => r.w), withheld };
}

function isStravaDerived(source: string | null, stravaUrl: string | null): boolean {
  // After the 7-day purge (or a deletion) the activity may be gone while the link remains.
  return source === 'strava' || stravaUrl !== null;
}

/** A workout's status as the model may see it. */
export function aiWorkoutStatus(workout: { id: string; status: string }, withheld: Set<string>): string {
  return withheld.has(workout.id) ? 'unknown to the coach' : workout.status;
}
