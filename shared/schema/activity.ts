import { z } from 'zod';
import { Text } from './text.ts';

/** Where an activity came from; Strava data has its own rules (docs/STRAVA.md §Policy). */
// The runner's own files are `fit_upload` (a watch file sent from the phone), `file_import` (a FIT,
// GPX or TCX file imported) and `strava_export` (Strava's account archive: the runner's own copy
// of their data, which the coach may use; issue 27).
export const ACTIVITY_SOURCES = ['strava', 'fit_upload', 'manual', 'strava_export', 'file_import'] as const;
export const ActivitySourceSchema = z.enum(ACTIVITY_SOURCES);
export type ActivitySource = z.infer<typeof ActivitySourceSchema>;

/** Strava's sport types that count as running (docs/STRAVA.md §Activities). */
export const RUN_SPORT_TYPES = ['Run', 'TrailRun', 'VirtualRun'] as const;

/** Whether a activity_type is a run the plan counts. */
export function isRunSportType(sportType: string): boolean {
  return (RUN_SPORT_TYPES as readonly string[]).includes(sportType);
}

/** One lap (a watch lap, an auto-lap split or a workout step), times in seconds. */
export const ActivityLapSchema = z
  .object({
    index: z.number().int().min(0),
    distance_meters: z.number().min(0).max(1_000_000),
    elapsed_time_seconds: z
      .number()
      .min(0)
      .max(7 * 86_400),
    moving_time_seconds: z
      .number()
      .min(0)
      .max(7 * 86_400),
    average_heartrate: z.number().min(20).max(260).optional(),
  })
  .strict();
export type ActivityLap = z.infer<typeof ActivityLapSchema>;

/**
 * A finished run (or other activity) in our own shape, whatever its source. `local_date` is
 * the calendar day the runner ran on, where they were, and is what matches a planned workout.
 */
export const ActivitySchema = z
  .object({
    source: ActivitySourceSchema,
    /** Stable per recording: uploading the same file twice gives the same id. */
    external_id: Text.min(1).max(200),
    /** Strava's vocabulary: Run, TrailRun, VirtualRun, Ride, Walk, Hike, Swim, Workout … */
    activity_type: Text.min(1).max(64),
    start_time: z.iso.datetime({ offset: true }),
    local_date: z.iso.date(),
    distance_meters: z.number().min(0).max(1_000_000),
    moving_time_seconds: z
      .number()
      .min(0)
      .max(7 * 86_400),
    elapsed_time_seconds: z
      .number()
      .min(0)
      .max(7 * 86_400),
    average_heartrate: z.number().min(20).max(260).optional(),
    max_heartrate: z.number().min(20).max(260).optional(),
    total_elevation_gain: z.number().min(0).max(20_000).optional(),
    laps: z.array(ActivityLapSchema).max(10_000),
  })
  .strict();
export type Activity = z.infer<typeof ActivitySchema>;

/**
 * The stored columns an activity sets, the same on the server and in the phone's optimistic
 * copy, so the two rows never differ. `start_date` stays an ISO string here; the server's
 * timestamp column takes a Date.
 */
export function activityColumns(activity: Activity) {
  return {
    strava_activity_id: activity.source === 'strava' ? activity.external_id : null,
    activity_type: activity.activity_type,
    start_date: new Date(activity.start_time).toISOString(),
    local_date: activity.local_date,
    distance_meters: activity.distance_meters,
    moving_time_seconds: Math.round(activity.moving_time_seconds),
    elapsed_time_seconds: Math.round(activity.elapsed_time_seconds),
    average_heartrate: activity.average_heartrate ?? null,
    max_heartrate: activity.max_heartrate ?? null,
    // From the stored (whole-second) moving time, as migration 0011 computed it for older rows.
    average_pace_seconds_per_meter: activity.distance_meters > 0 ? Math.round(activity.moving_time_seconds) / activity.distance_meters : null,
    total_elevation_gain: activity.total_elevation_gain ?? null,
    laps: activity.laps,
  };
}
