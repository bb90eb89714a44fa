import { weekStartOf } from '#shared/training/week-grid.ts';
import type { Goal } from '#shared/schema/goal.ts';
import type { CompletedRun } from '#shared/schema/plan.ts';
import type { PaceTable, PaceTarget, Step, WorkoutStructure } from '#shared/schema/workout.ts';
import { dateInZone } from '#shared/time/zone.ts';
import { addDays } from '#shared/training/dates.ts';
import { OPEN_STEP_SECONDS } from '#shared/training/estimate.ts';
import { runnerHeartRate, runnerRecentRace, runnerWeek } from '#shared/schema/profile.ts';
import { heartRateTable } from '#shared/training/paces.ts';
import type { TargetTable } from '#shared/training/target-text.ts';
import { racePaceNote } from '#shared/training/race-pace.ts';
import { runnerPaces } from '#shared/training/timeline.ts';
import { formatDistance, type DistanceUnit } from '#shared/training/units.ts';

// Pure view helpers for the Today, Plan and Workout screens: what a structure looks like as
// bars, how far a week has got, dates in the runner's zone. No Dexie, no DOM.

export type Intensity = 'easy' | 'steady' | 'hard' | 'max';

const INTENSITY: Record<PaceTarget, Intensity> = {
  easy: 'easy',
  recovery: 'easy',
  jog: 'easy',
  long: 'easy',
  marathon: 'steady',
  half: 'hard',
  threshold: 'hard',
  tempo: 'hard',
  '10k': 'hard',
  interval: 'max',
  '5k': 'max',
  repetition: 'max',
  race: 'max',
};

/** How hard a pace target is, for colour. */
export function intensityOf(target: PaceTarget | undefined): Intensity {
  return target ? INTENSITY[target] : 'easy';
}

/** One bar of the structure chart: a step, its estimated seconds and how hard it is. */
export interface Bar {
  seconds: number;
  intensity: Intensity;
  label: string;
}

interface ProfileLike {
  current_weekly_mileage_miles: number | null;
  days_available_per_week: number | null;
  easy_pace_per_mile_seconds: number | null;
  injury_notes: string | null;
}

// `runs` are the runner's fitness runs (client/lib/data/fitness-runs.ts): with them the paces follow
// their best recent run as the server's do; without them, the race or easy pace alone.
function runnerPacesFor(profile: ProfileLike | undefined | null, today: string, goal: Goal | null, runs: readonly CompletedRun[]) {
  if (!profile || profile.easy_pace_per_mile_seconds === null || profile.current_weekly_mileage_miles === null || profile.days_available_per_week === null)
    return null;
  return runnerPaces(
    {
      current_weekly_mileage_miles: profile.current_weekly_mileage_miles,
      days_available_per_week: profile.days_available_per_week,
      easy_pace_per_mile_seconds: profile.easy_pace_per_mile_seconds,
      injury_notes: profile.injury_notes,
      // The runner's recent race sets their paces when there is one (docs/TRAINING.md §Fitness).
      recent_race: runnerRecentRace(profile),
      ...runnerWeek(profile),
      fitness_runs: [...runs],
    },
    goal,
    today,
  );
}

/** The runner's pace table (`race` = the goal's race pace, see runnerPaces), or null until the profile has what it needs. */
export function pacesFor(
  profile: ProfileLike | undefined | null,
  today: string,
  goal: Goal | null = null,
  runs: readonly CompletedRun[] = [],
): PaceTable | null {
  return runnerPacesFor(profile, today, goal, runs)?.paces ?? null;
}

/** What race pace is and where it comes from (the goal, or the prediction when the goal is out of reach), or null without a race goal. */
export function raceNoteFor(
  profile: ProfileLike | undefined | null,
  today: string,
  goal: Goal | null,
  unit: DistanceUnit,
  runs: readonly CompletedRun[] = [],
): string | null {
  const race = runnerPacesFor(profile, today, goal, runs)?.race;
  return race ? racePaceNote(race, unit) : null;
}

function stepSeconds(step: Step, paces: PaceTable | null): number {
  if (step.duration_seconds !== undefined) return step.duration_seconds;
  if (step.distance_meters !== undefined) {
    const range = paces?.[step.pace_target ?? 'easy'];
    const perKm = range ? (range.fast_seconds_per_km + range.slow_seconds_per_km) / 2 : 360;
    return (step.distance_meters / 1000) * perKm;
  }
  return OPEN_STEP_SECONDS.work;
}

const ROLE: Record<string, string> = { warmup: 'Warm-up', steady: 'Run', cooldown: 'Cool-down', recovery: 'Recovery', strides: 'Strides' };

/** The structure as bars, repeats expanded, widths in estimated seconds. */
export function structureBars(structure: WorkoutStructure, paces: PaceTable | null): Bar[] {
  const bars: Bar[] = [];
  const push = (step: Step, label: string) => bars.push({ seconds: stepSeconds(step, paces), intensity: intensityOf(step.pace_target), label });
  for (const segment of structure.segments) {
    if (segment.type === 'interval') {
      for (let i = 0; i < segment.repeats; i++) {
        push(segment.work, `Rep ${i + 1}`);
        if (segment.recovery) push({ ...segment.recovery, pace_target: segment.recovery.pace_target ?? 'jog' }, 'Recovery');
      }
    } else if (segment.type === 'repeat') {
      for (let i = 0; i < segment.repeats; i++) for (const step of segment.steps) push(step, `Set ${i + 1}`);
    } else {
      push(segment, ROLE[segment.type] ?? segment.type);
    }
  }
  return bars;
}

/** Today's date in a time zone, as YYYY-MM-DD. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    return dateInZone(now, timeZone);
  } catch {
    // An unknown zone (a profile from an older browser): the UTC date is a sane day boundary.
    return now.toISOString().slice(0, 10);
  }
}

/** "Tue 14 May" for an ISO date. */
export function dayLabel(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** A distance in the runner's unit; null or 0 reads as a dash. */
export function distanceText(meters: number | null | undefined, unit: DistanceUnit): string {
  return meters ? formatDistance(meters, unit) : '—';
}

/**
 * A planned workout's distance: a rest day has none, whatever figures its row still carries (a
 * session swapped for rest on a poor morning keeps the session's steps and planned figures).
 */
export function plannedDistanceText(workout: { workout_type: string; estimated_distance_meters: number | null }, unit: DistanceUnit): string {
  return workout.workout_type === 'rest' ? '—' : distanceText(workout.estimated_distance_meters, unit);
}

/**
 * The ranges a runner's workouts show. A runner who trains by heart rate sees bpm: the same
 * table their .FIT files carry (client/lib/fit/export.ts), from their max and resting heart rate
 * (or birth year), a typical runner's until the profile has them. Others see paces, once the
 * profile has what paces need; null before that. `race` is the goal's race pace (or effort).
 */
export function targetsFor(
  profile:
    | (ProfileLike & {
        target_type: 'pace' | 'heart_rate';
        max_heart_rate?: number | null;
        resting_heart_rate?: number | null;
        threshold_heart_rate?: number | null;
        birth_year?: number | null;
      })
    | undefined
    | null,
  today: string,
  goal: Goal | null = null,
  runs: readonly CompletedRun[] = [],
): TargetTable | null {
  const raceMeters = goal?.kind === 'race' ? goal.target_race_distance_meters : undefined;
  if (profile?.target_type === 'heart_rate') return { kind: 'heart_rate', table: heartRateTable(runnerHeartRate(profile, today), raceMeters) };
  const paces = pacesFor(profile, today, goal, runs);
  return paces ? { kind: 'pace', table: paces } : null;
}

/** The distinct pace targets of a structure, in order of first use. */
export function targetsOf(structure: WorkoutStructure): PaceTarget[] {
  const seen = new Set<PaceTarget>();
  const add = (step: Step) => step.pace_target && seen.add(step.pace_target);
  for (const segment of structure.segments) {
    if (segment.type === 'interval') {
      add(segment.work);
      if (segment.recovery) add(segment.recovery);
    } else if (segment.type === 'repeat') segment.steps.forEach(add);
    else add(segment);
  }
  return [...seen];
}

/** What the week totals read of a workout row (the phone's rows and the plan's alike). */
export interface WorkoutLike {
  id: string;
  scheduled_date: string;
  estimated_distance_meters: number | null;
  workout_type: string;
}
/** What the week totals read of a completion row. */
export interface CompletionLike {
  completion_status: string;
  distance_meters: number | null;
}

/** Planned vs done distance of the workouts dated in [start, start+7). */
export function weekProgress(
  workouts: WorkoutLike[],
  completions: Map<string, CompletionLike>,
  start: string,
): { plannedMeters: number; doneMeters: number; sessions: number; sessionsDone: number } {
  const end = addDays(start, 7);
  let plannedMeters = 0;
  let doneMeters = 0;
  let sessions = 0;
  let sessionsDone = 0;
  for (const w of workouts) {
    if (w.scheduled_date < start || w.scheduled_date >= end || w.workout_type === 'rest') continue;
    sessions++;
    plannedMeters += w.estimated_distance_meters ?? 0;
    const c = completions.get(w.id);
    if (c && (c.completion_status === 'completed' || c.completion_status === 'partial')) {
      sessionsDone++;
      doneMeters += c.distance_meters ?? w.estimated_distance_meters ?? 0;
    }
  }
  return { plannedMeters, doneMeters, sessions, sessionsDone };
}

/** The start of the 7-day week holding `date`, on the grid of weeks that begin on `anchor`. */
export function planWeekStart(anchor: string, date: string): string {
  return weekStartOf(date, anchor);
}

interface PlanWeeksLike<W extends { start_date: string }> {
  start_date: string;
  weeks: readonly W[];
}

/**
 * The start of the plan's own week holding `date`. Plans are 7-day blocks from their first day;
 * plans made before issue 17 began their weeks on the race weekday, so the grid is anchored on the
 * first week, not on the plan's start date (issue 18 §3). Dates before or after the plan stay on the same grid.
 */
export function planWeekOf(plan: PlanWeeksLike<{ start_date: string }>, date: string): string {
  return planWeekStart(plan.weeks[0]?.start_date ?? plan.start_date, date);
}

/** The plan week holding `date`, or undefined when the date is outside the plan. */
export function planWeekAt<W extends { start_date: string }>(plan: PlanWeeksLike<W>, date: string): W | undefined {
  const start = planWeekOf(plan, date);
  return plan.weeks.find((w) => w.start_date === start);
}
