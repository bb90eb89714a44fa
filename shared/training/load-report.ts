/**
 * The training-load answer assembled from plain rows: the server (GET /api/training-load) and the
 * device (the Fitness screen, offline) both call `trainingLoadReport`, so the same rows give the
 * same numbers on both. The callers only read rows; every choice (which workouts are open, which
 * runs count, the thresholds, the rounding) is made here, once.
 */
import type { Goal } from '../schema/goal.ts';
import { runnerHeartRate, runnerLoadConstants, runnerRecentRace } from '../schema/profile.ts';
import type { TrainingLoadQuery, TrainingLoadResponse } from '../schema/load.ts';
import type { CompletedRun, TrainingProfile, Weekday } from '../schema/plan.ts';
import type { WorkoutType } from '../schema/workout.ts';
import { addDays } from './dates.ts';
import { checkLoadForecast } from './load-check.ts';
import { forecastLoad, type DatedRun } from './load-forecast.ts';
import { warmupDays } from './load-series.ts';
import { heartRateZones, loadThresholds, type PlannedLoadWorkout } from './load.ts';
import { isInjured } from './rules.ts';
import { runnerPaces } from './timeline.ts';

// `|| 0`: no -0, which JSON writes as 0 (the device and the wire must agree).
const round1 = (x: number) => Math.round(x * 10) / 10 || 0;

/** The profile fields the load needs (a server row and a device row both fit). */
export interface LoadProfile {
  easy_pace_per_mile_seconds: number | null;
  current_weekly_mileage_miles: number | null;
  days_available_per_week: number | null;
  injury_notes: string | null;
  /** The runner's heart rate (hrTSS) and time constants; absent on a device row pulled before they existed. */
  max_heart_rate?: number | null;
  resting_heart_rate?: number | null;
  threshold_heart_rate?: number | null;
  birth_year?: number | null;
  ctl_days?: number;
  atl_days?: number;
  /** The runner's week and recent race (issue 17); absent on a device row pulled before migration 0014. */
  available_days?: Weekday[] | null;
  long_run_day?: Weekday;
  recent_race_distance_meters?: number | null;
  recent_race_time_seconds?: number | null;
  recent_race_date?: string | null;
}

/** A workout of the active plan as stored; `completed` when a completion row exists for it. */
export interface LoadPlanWorkout extends Omit<PlannedLoadWorkout, 'workout_type'> {
  id?: string;
  scheduled_date: string;
  workout_type: string;
  status: string;
  deleted?: boolean;
  completed?: boolean;
}

/** A stored run (strava_activities row, any source). */
export type LoadActivityRow = Omit<DatedRun, 'id'> & { id: string };

export interface LoadReportInput {
  query: TrainingLoadQuery;
  /** The runner's local date. */
  today: string;
  profile: LoadProfile | null;
  /** The active plan's goal (null without a plan or goal). */
  goal: Goal | null;
  /** The active plan's workouts (any; open ones are picked here), or null without an active plan. */
  planWorkouts: readonly LoadPlanWorkout[] | null;
  runs: readonly LoadActivityRow[];
  /** The runner's fitness runs (zones.ts recentFitnessRuns): the threshold runs are scored against follows their recent best run. */
  fitnessRuns?: readonly CompletedRun[];
}

/** The first day of runs a report for `from` reads (earlier runs no longer move its numbers): further back for a runner with a longer fitness constant. */
export function loadHistoryStart(from: string, profile: Pick<LoadProfile, 'ctl_days' | 'atl_days'> | null = null): string {
  return addDays(from, -warmupDays(runnerLoadConstants(profile)));
}

/** True for a plan workout the forecast counts: scheduled, not deleted or completed, from `today` to `to`. */
export function isOpenWorkout(w: LoadPlanWorkout, today: string, to: string): boolean {
  return w.deleted !== true && w.completed !== true && w.status === 'scheduled' && w.scheduled_date >= today && w.scheduled_date <= to;
}

/** The runner's fitness, fatigue and form for the query's days, with the plan's forecast from `today`. */
export function trainingLoadReport(input: LoadReportInput): TrainingLoadResponse {
  const { query, today, profile, goal } = input;
  const constants = runnerLoadConstants(profile);
  const notes: string[] = [];
  const easyPace = profile?.easy_pace_per_mile_seconds ?? null;
  const engineProfile: TrainingProfile | null =
    easyPace === null
      ? null
      : {
          current_weekly_mileage_miles: profile?.current_weekly_mileage_miles ?? 0,
          days_available_per_week: profile?.days_available_per_week ?? 7,
          easy_pace_per_mile_seconds: easyPace,
          injury_notes: profile?.injury_notes ?? null,
          // Their race, when there is one, sets the threshold pace runs are scored against.
          recent_race: runnerRecentRace(profile),
          fitness_runs: [...(input.fitnessRuns ?? [])],
        };
  const fitted = engineProfile ? runnerPaces(engineProfile, goal, today) : null;
  const zones = heartRateZones(runnerHeartRate(profile, today));
  const thresholds = loadThresholds(fitted?.fitness.vdot ?? null, zones);
  if (!fitted)
    notes.push(
      `Add your easy pace to your profile: until then each run is scored from ${zones ? 'its heart rate, or its duration alone without one' : 'its duration alone'}.`,
    );
  notes.push(
    zones
      ? `Runs are scored by pace; trail runs, and runs without a usable pace, by heart rate against a threshold of ${Math.round(zones.threshold_heart_rate)} bpm (${zones.source === 'lthr' ? 'yours' : `from your ${zones.source === 'age' ? 'age' : 'max'} and resting heart rate`}).`
      : 'Runs are scored by pace; add your max and resting heart rate to your profile to score trail runs, and runs without a usable pace, by heart rate.',
  );

  const historyStart = loadHistoryStart(query.from, profile);
  const runs = input.runs
    .filter((r) => r.local_date >= historyStart && r.local_date <= query.to)
    // Same order on every side, so sums of floats add up in the same order.
    .slice()
    .sort((a, b) => a.local_date.localeCompare(b.local_date) || a.id.localeCompare(b.id));
  const open = fitted && input.planWorkouts ? input.planWorkouts.filter((w) => isOpenWorkout(w, today, query.to)) : [];
  open.sort((a, b) => a.scheduled_date.localeCompare(b.scheduled_date) || (a.id ?? '').localeCompare(b.id ?? ''));
  if (input.planWorkouts && !fitted) notes.push('The plan’s forecast needs your easy pace too.');

  const forecast = forecastLoad({
    from: query.from,
    to: query.to,
    today,
    runs,
    workouts: open.map((w) => ({ ...w, workout_type: w.workout_type as WorkoutType })),
    paces: fitted?.paces ?? null,
    thresholds,
    constants,
  });
  const days = forecast.days;
  const raceDate = goal?.kind === 'race' ? goal.target_race_date : null;
  const raceDay = raceDate ? days.find((d) => d.date === raceDate) : undefined;
  const findings = checkLoadForecast(days, { today, ...(raceDate ? { raceDate } : {}), injured: isInjured(profile?.injury_notes) });
  return {
    from: query.from,
    to: query.to,
    today,
    constants,
    heart_rate: zones
      ? {
          max_heart_rate: zones.max_heart_rate,
          resting_heart_rate: zones.resting_heart_rate,
          threshold_heart_rate: Math.round(zones.threshold_heart_rate),
          source: zones.source,
        }
      : null,
    threshold: fitted && thresholds.threshold_speed ? { pace_seconds_per_km: round1(1000 / thresholds.threshold_speed), source: fitted.fitness.source } : null,
    race: raceDate ? { date: raceDate, tsb: raceDay ? round1(raceDay.tsb) : null, band: raceDay?.band ?? null } : null,
    findings,
    notes,
    runs: forecast.runs
      .filter((r) => r.date >= query.from)
      .map((r) => ({ activity_id: r.id ?? '', date: r.date, load: round1(r.load), method: r.method, grade_adjusted: r.grade_adjusted })),
    days: days.map((d) => ({
      ...d,
      load: round1(d.load),
      planned: round1(d.planned),
      ctl: round1(d.ctl),
      atl: round1(d.atl),
      tsb: round1(d.tsb),
      ramp: round1(d.ramp),
    })),
  };
}
