import { activityColumns } from '#shared/schema/activity.ts';
import { MUTATION_ARGS } from '#shared/sync/mutation-args.ts';
import type { ViewRow } from './db.ts';
import { defineMutation } from './define.ts';

// Activity uploads: a .FIT file (or a GPX/TCX file, or a run of the runner's Strava export)
// decoded on the phone becomes a `strava_activities` row with its source (fit_upload, file_import,
// strava_export), the way server/activities/uploads.ts stores it, so the row shows at once.

/** An activity row as devices hold it (the wire row of `strava_activities`, raw_data left out). */
export interface ActivityRow {
  id: string;
  user_id: string;
  source: 'strava' | 'fit_upload' | 'file_import' | 'strava_export' | 'manual';
  /** Strava's id for a run from Strava; null for uploaded and manual runs. */
  strava_activity_id: string | null;
  external_id: string;
  activity_type: string;
  name: string | null;
  start_date: string;
  local_date: string;
  distance_meters: number;
  moving_time_seconds: number;
  elapsed_time_seconds: number;
  average_heartrate: number | null;
  max_heartrate: number | null;
  average_pace_seconds_per_meter: number | null;
  total_elevation_gain: number | null;
  laps: unknown;
  created_at: string;
  updated_at: string;
}

/** What a device may upload, as the server's DEVICE_SOURCES. */
const DEVICE_SOURCES: ReadonlySet<string> = new Set(['fit_upload', 'file_import', 'strava_export']);

export const activityUpload = defineMutation({
  name: 'activity.upload',
  v: 2,
  args: MUTATION_ARGS['activity.upload@2'],
  keys: (args) => [{ entity: 'strava_activities', key: args.id }],
  apply(ctx, { id, activity }) {
    // The server takes only the runner's own files (server/activities/uploads.ts); predict a refusal by doing nothing.
    if (!DEVICE_SOURCES.has(activity.source)) return;
    const existing = ctx.get('strava_activities', id);
    const row: Omit<ActivityRow, 'user_id' | 'created_at'> = {
      id,
      source: activity.source,
      external_id: activity.external_id,
      ...activityColumns(activity),
      name: null,
      updated_at: ctx.now,
    };
    const next: ViewRow = { user_id: ctx.userId, created_at: ctx.now, ...existing, ...row, _hlc: existing?._hlc ?? {} };
    ctx.put('strava_activities', next);
  },
});
