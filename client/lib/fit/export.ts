import type { Goal } from '#shared/schema/goal.ts';
import type { CompletedRun } from '#shared/schema/plan.ts';
import { runnerHeartRate, runnerRecentRace, runnerWeek, type Profile } from '#shared/schema/profile.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { heartRateTable } from '#shared/training/paces.ts';
import { runnerPaces } from '#shared/training/timeline.ts';
import { CodedError } from '../errors.ts';
import { todayIn } from '../workout-view.ts';

/** What the exporter needs of a workout. */
export interface ExportableWorkout {
  id: string;
  title: string;
  /** The session's type: with it the watch's name and the file's are derived from the steps (issue 18 §7). */
  workout_type?: string;
  scheduled_date: string;
  structure: WorkoutStructure;
  updated_at: string;
}

// The heart-rate, week and race fields are optional: a device row pulled before the server had them lacks them.
type ProfileForExport = Pick<
  Profile,
  'current_weekly_mileage_miles' | 'days_available_per_week' | 'easy_pace_per_mile_seconds' | 'injury_notes' | 'units' | 'target_type' | 'time_zone'
> &
  Partial<
    Pick<
      Profile,
      | 'max_heart_rate'
      | 'resting_heart_rate'
      | 'threshold_heart_rate'
      | 'birth_year'
      | 'available_days'
      | 'long_run_day'
      | 'recent_race_distance_meters'
      | 'recent_race_time_seconds'
      | 'recent_race_date'
    >
  >;

/** Why a runner cannot export yet, or null. */
export function exportBlocker(profile: ProfileForExport | null): string | null {
  if (!profile || profile.easy_pace_per_mile_seconds === null || profile.current_weekly_mileage_miles === null || profile.days_available_per_week === null) {
    return 'Add your easy pace, weekly distance and running days to your profile so the watch gets your paces.';
  }
  return null;
}

/**
 * Encodes a workout as a .FIT file on the device; `goal` (the workout's plan's) sets race pace, `runs`
 * (the runner's fitness runs, client/lib/data/fitness-runs.ts) the paces as the server's .FIT has them. The FIT SDK is imported here, lazily, so it
 * is not part of the app's first load; the service worker precaches its chunk for offline use.
 */
export async function encodeOnDevice(
  workout: ExportableWorkout,
  profile: ProfileForExport,
  goal: Goal | null = null,
  runs: readonly CompletedRun[] = [],
): Promise<{ bytes: Uint8Array; filename: string }> {
  const { workoutFitFile } = await import('#shared/fit/workout-file.ts');
  const today = todayIn(profile.time_zone);
  const { paces } = runnerPaces(
    {
      current_weekly_mileage_miles: profile.current_weekly_mileage_miles!,
      days_available_per_week: profile.days_available_per_week!,
      easy_pace_per_mile_seconds: profile.easy_pace_per_mile_seconds!,
      injury_notes: profile.injury_notes,
      // The runner's own zones: their recent race sets the paces when there is one (shared/training/zones.ts).
      recent_race: runnerRecentRace(profile),
      ...runnerWeek(profile),
      fitness_runs: [...runs],
    },
    goal,
    today,
  );
  const heartRates = heartRateTable(runnerHeartRate(profile, today), goal?.kind === 'race' ? goal.target_race_distance_meters : undefined);
  const file = workoutFitFile({ workout, targetType: profile.target_type, paces, heartRates, units: profile.units });
  if (!file.ok) throw new CodedError('workout_not_encodable', { issues: file.issues, detail: file.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
  return { bytes: file.bytes, filename: file.filename };
}

/** A week of workouts as one .zip of .FIT files. */
export async function encodeWeekOnDevice(
  workouts: ExportableWorkout[],
  profile: ProfileForExport,
  weekStart: string,
  goal: Goal | null = null,
  runs: readonly CompletedRun[] = [],
): Promise<{ bytes: Uint8Array; filename: string }> {
  const [{ zipFiles }, files] = await Promise.all([import('#shared/zip/zip.ts'), Promise.all(workouts.map((w) => encodeOnDevice(w, profile, goal, runs)))]);
  const bytes = zipFiles(files.map((file, i) => ({ name: file.filename, bytes: file.bytes, date: new Date(workouts[i]!.updated_at) })));
  return { bytes, filename: `runcoach-week-${weekStart}.zip` };
}

/** Hands bytes to the browser as a download. */
export function saveBytes(bytes: Uint8Array, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
