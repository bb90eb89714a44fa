import type { PlannedVsDone, Trend, WeekStats } from '#shared/schema/journal.ts';
export type { PlannedSession, PlannedVsDone, Trend, WeekStats } from '#shared/schema/journal.ts';
import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm';
import { RUN_SPORT_TYPES, type ActivitySource } from '#shared/schema/activity.ts';
import { addDays } from '#shared/training/dates.ts';
import { workoutTitle } from '#shared/training/title.ts';
import type { DistanceUnit } from '#shared/training/units.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import type { Executor } from '../db/database.ts';
import { stravaActivities, workoutCompletions } from '../db/schema.ts';
import { listWorkouts } from '../workouts/workouts.ts';

// The weekly journal's numbers, computed by us from the runner's activities and plan. The
// sources to count are an argument: the journal shows the runner everything (their own data,
// Strava included), while anything meant for the model is computed from allowed sources only.

type ActivityRow = typeof stravaActivities.$inferSelect;

/** The numbers of one week from its runs; `days` < 7 counts only its first days (a week in progress is compared with the same days). */
export function weekStats(weekStart: string, runs: readonly ActivityRow[], days = 7): WeekStats {
  const end = addDays(weekStart, days - 1);
  const inWeek = runs.filter((r) => r.local_date >= weekStart && r.local_date <= end);
  const distance = inWeek.reduce((s, r) => s + r.distance_meters, 0);
  const time = inWeek.reduce((s, r) => s + r.moving_time_seconds, 0);
  const withHr = inWeek.filter((r) => r.average_heartrate !== null && r.moving_time_seconds > 0);
  const hrTime = withHr.reduce((s, r) => s + r.moving_time_seconds, 0);
  const longest = inWeek.reduce<ActivityRow | null>((best, r) => (!best || r.distance_meters > best.distance_meters ? r : best), null);
  return {
    week_start: weekStart,
    runs: inWeek.length,
    distance_meters: round(distance),
    moving_time_seconds: time,
    average_pace_seconds_per_km: distance > 0 ? round(time / (distance / 1000)) : null,
    elevation_gain_meters: round(inWeek.reduce((s, r) => s + (r.total_elevation_gain ?? 0), 0)),
    average_heartrate: hrTime > 0 ? round(withHr.reduce((s, r) => s + r.average_heartrate! * r.moving_time_seconds, 0) / hrTime) : null,
    longest_run_meters: round(longest?.distance_meters ?? 0),
    longest_run_date: longest?.local_date ?? null,
    run_dates: [...new Set(inWeek.map((r) => r.local_date))].sort(),
  };
}

/** The user's runs from `sources` between two local dates (inclusive), oldest first. */
export async function runsBetween(db: Executor, userId: string, from: string, to: string, sources: readonly ActivitySource[]): Promise<ActivityRow[]> {
  return db
    .select()
    .from(stravaActivities)
    .where(
      and(
        eq(stravaActivities.user_id, userId),
        inArray(stravaActivities.source, [...sources]),
        inArray(stravaActivities.activity_type, [...RUN_SPORT_TYPES]),
        gte(stravaActivities.local_date, from),
        lte(stravaActivities.local_date, to),
      ),
    )
    .orderBy(asc(stravaActivities.local_date), asc(stravaActivities.start_date));
}

const NOT_RUNS = new Set(['rest', 'cross_training']);

/** The week's planned sessions (active plans) against their completions; titles in the runner's `unit`. */
export async function plannedVsDone(db: Executor, userId: string, weekStart: string, unit: DistanceUnit = 'km'): Promise<PlannedVsDone> {
  const planned = (await listWorkouts(db, userId, weekStart, addDays(weekStart, 6))).filter((w) => !NOT_RUNS.has(w.workout_type));
  const completions = planned.length
    ? await db
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
        )
    : [];
  const byWorkout = new Map(completions.map((c) => [c.workout_id, c]));
  const sessions = planned.map((w) => {
    const c = byWorkout.get(w.id);
    return {
      workout_id: w.id,
      date: w.scheduled_date,
      title: workoutTitle({ ...w, structure: w.structure as WorkoutStructure }, unit),
      workout_type: w.workout_type,
      estimated_distance_meters: w.estimated_distance_meters,
      status: c?.completion_status ?? w.status,
      done_distance_meters: c?.distance_meters ?? null,
    };
  });
  const count = (status: string) => sessions.filter((s) => s.status === status).length;
  const completed = count('completed');
  const partial = count('partial');
  return {
    planned_sessions: sessions.length,
    estimated_distance_meters: round(sessions.reduce((s, w) => s + (w.estimated_distance_meters ?? 0), 0)),
    completed,
    partial,
    skipped: count('skipped'),
    missed: count('missed'),
    done_distance_meters: round(sessions.reduce((s, w) => s + (w.done_distance_meters ?? 0), 0)),
    completion_rate: sessions.length ? Math.round(((completed + partial / 2) / sessions.length) * 100) / 100 : null,
    sessions,
  };
}

/** Week-over-week changes of each figure; with no `previous` (nothing to compare yet) each change is null. */
export function trends(
  week: WeekStats,
  previous: WeekStats | null,
): Record<'distance_meters' | 'moving_time_seconds' | 'average_pace_seconds_per_km' | 'elevation_gain_meters' | 'average_heartrate' | 'runs', Trend> {
  const t = (a: number | null, known: number | null): Trend => {
    const b = previous === null ? null : known;
    return {
      value: a,
      previous: b,
      change: a !== null && b !== null ? round(a - b) : null,
      change_pct: a !== null && b !== null && b !== 0 ? Math.round(((a - b) / b) * 1000) / 10 : null,
    };
  };
  return {
    distance_meters: t(week.distance_meters, previous?.distance_meters ?? null),
    moving_time_seconds: t(week.moving_time_seconds, previous?.moving_time_seconds ?? null),
    average_pace_seconds_per_km: t(week.average_pace_seconds_per_km, previous?.average_pace_seconds_per_km ?? null),
    elevation_gain_meters: t(week.elevation_gain_meters, previous?.elevation_gain_meters ?? null),
    average_heartrate: t(week.average_heartrate, previous?.average_heartrate ?? null),
    runs: t(week.runs, previous?.runs ?? null),
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
