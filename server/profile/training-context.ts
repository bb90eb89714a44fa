import { and, eq, gte } from 'drizzle-orm';
import type { Goal } from '#shared/schema/goal.ts';
import type { CompletedRun, TrainingProfile } from '#shared/schema/plan.ts';
import { runnerHeartRate, runnerRecentRace, runnerWeek } from '#shared/schema/profile.ts';
import { addDays } from '#shared/training/dates.ts';
import { heartRateTable } from '#shared/training/paces.ts';
import type { TargetTable } from '#shared/training/target-text.ts';
import { runnerPaces } from '#shared/training/timeline.ts';
import { recentFitnessRuns, RUN_WINDOW_DAYS, runnerZones, type RunnerZones } from '#shared/training/zones.ts';
import type { Executor } from '../db/database.ts';
import { stravaActivities, userProfiles } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';

type ProfileRow = typeof userProfiles.$inferSelect;

const REQUIRED = {
  current_weekly_mileage_miles: 'how many miles you run a week now',
  days_available_per_week: 'how many days a week you can run',
  easy_pace_per_mile_seconds: 'your easy pace',
} as const;

/**
 * The engine's view of a profile; a profile missing what planning needs is a 400 naming the fields.
 * `fitnessRuns` (fitnessRuns below) is required so no path forgets them: paces follow the runner's
 * best recent run everywhere (plans, adaptation, .FIT, calendar, reminders, the coach).
 */
export function engineProfile(row: ProfileRow, fitnessRuns: readonly CompletedRun[]): TrainingProfile {
  const missing = (Object.keys(REQUIRED) as (keyof typeof REQUIRED)[]).filter((key) => row[key] === null);
  if (missing.length > 0) {
    throw new AppError('profile_incomplete', {
      message: `Your coach needs ${missing.map((key) => REQUIRED[key]).join(', ')} first. Complete your profile.`,
      issues: missing.map((path) => ({ path, message: 'is required to plan' })),
    });
  }
  return {
    current_weekly_mileage_miles: row.current_weekly_mileage_miles!,
    days_available_per_week: row.days_available_per_week!,
    easy_pace_per_mile_seconds: row.easy_pace_per_mile_seconds!,
    injury_notes: row.injury_notes,
    recent_race: runnerRecentRace(row),
    ...runnerWeek(row),
    load_constants: { ctl_days: row.ctl_days, atl_days: row.atl_days },
    fitness_runs: [...fitnessRuns],
  };
}

/** engineProfile with the runner's own fitness runs read for `today`. */
export async function runnerProfile(db: Executor, row: ProfileRow, today: string): Promise<TrainingProfile> {
  return engineProfile(row, await fitnessRuns(db, row.user_id, today));
}

/**
 * The runner's zones as GET /api/profile shows them: VDOT from their race, else their best run of
 * the last 8 weeks, else their easy pace; paces E–R; heart-rate zones from their own figures.
 */
export async function profileZones(db: Executor, row: ProfileRow, today: string): Promise<RunnerZones> {
  const runs = await fitnessRuns(db, row.user_id, today);
  return runnerZones({ ...row, recent_race: runnerRecentRace(row), ...runnerHeartRate(row, today) }, today, runs);
}

/** The runner's own heart-rate targets (their LTHR, else Karvonen, else an age-predicted max) on `today`; `race` is the goal race's effort. */
export function runnerHeartRateTable(row: ProfileRow, today: string, goal: Goal | null = null) {
  return heartRateTable(runnerHeartRate(row, today), goal?.kind === 'race' ? goal.target_race_distance_meters : undefined);
}

/**
 * The ranges the runner's workout text shows (calendar, reminders): bpm for a runner who trains
 * by heart rate, paces for the others once the profile has what paces need, else null. `goal`
 * (the workout's plan's) is what `race` means: its race pace (runnerPaces).
 */
export function runnerTargets(row: ProfileRow, today: string, goal: Goal | null, fitnessRuns: readonly CompletedRun[]): TargetTable | null {
  if (row.target_type === 'heart_rate') return { kind: 'heart_rate', table: runnerHeartRateTable(row, today, goal) };
  if ((Object.keys(REQUIRED) as (keyof typeof REQUIRED)[]).some((key) => row[key] === null)) return null;
  return { kind: 'pace', table: runnerPaces(engineProfile(row, fitnessRuns), goal, today).paces };
}

/** Runs of the last `days` days from every source, for the 30-day longest-run rule and ramps. */
export async function runHistory(db: Executor, userId: string, today: string, days = 42): Promise<CompletedRun[]> {
  const rows = await db
    .select({ date: stravaActivities.local_date, distance: stravaActivities.distance_meters, seconds: stravaActivities.moving_time_seconds })
    .from(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), gte(stravaActivities.local_date, addDays(today, -days))));
  return rows.map((row) => ({ date: row.date, distance_meters: row.distance, duration_seconds: row.seconds }));
}

/** The runs of the last 8 weeks fitness may be read from (fitnessRunsOf: the runner's own road runs, not Strava's). */
export async function fitnessRuns(db: Executor, userId: string, today: string): Promise<CompletedRun[]> {
  const rows = await db
    .select({
      source: stravaActivities.source,
      activity_type: stravaActivities.activity_type,
      local_date: stravaActivities.local_date,
      distance_meters: stravaActivities.distance_meters,
      moving_time_seconds: stravaActivities.moving_time_seconds,
    })
    .from(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), gte(stravaActivities.local_date, addDays(today, -RUN_WINDOW_DAYS))));
  return recentFitnessRuns(rows, today);
}
