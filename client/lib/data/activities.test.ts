import { describe, expect, it } from 'vitest';
import type { Activity } from '#shared/schema/activity.ts';
import { activityUpload } from './activities.ts';
import type { ViewRow } from './db.ts';
import { RowOverlay } from './define.ts';

const USER = '00000000-0000-4000-8000-000000000001';
const ID = '00000000-0000-4000-8000-0000000000bb';
const NOW = '2026-03-02T07:00:00.000Z';
const run: Activity = {
  source: 'fit_upload',
  external_id: 'fit-garmin-1-1',
  activity_type: 'Run',
  start_time: '2026-03-01T07:00:00.000+01:00',
  local_date: '2026-03-01',
  distance_meters: 5000,
  moving_time_seconds: 1649.6,
  elapsed_time_seconds: 1700.2,
  average_heartrate: 150,
  laps: [],
};

function apply(activity: Activity) {
  const overlay = new RowOverlay(new Map<string, ViewRow | undefined>([[`strava_activities:${ID}`, undefined]]));
  activityUpload.apply(overlay.context(USER, 'hlc', NOW), activityUpload.args.parse({ id: ID, activity }));
  return overlay.writes();
}

describe('activity.upload, applied locally as the server stores it', () => {
  it('adds the uploaded run as a pending row shaped like the server’s', () => {
    const [[key, row]] = apply(run) as [[string, ViewRow]];
    expect(key).toBe(`strava_activities:${ID}`);
    expect(row).toMatchObject({
      id: ID,
      user_id: USER,
      source: 'fit_upload',
      strava_activity_id: null,
      activity_type: 'Run',
      start_date: '2026-03-01T06:00:00.000Z',
      local_date: '2026-03-01',
      moving_time_seconds: 1650,
      elapsed_time_seconds: 1700,
      average_heartrate: 150,
      max_heartrate: null,
      average_pace_seconds_per_meter: 1650 / 5000, // from the stored whole-second moving time, as the server computes it
      total_elevation_gain: null,
      created_at: NOW,
      _pending: true,
    });
    expect(activityUpload.keys({ id: ID, activity: run }, USER)).toEqual([{ entity: 'strava_activities', key: ID }]);
  });

  it('does nothing for a source the server refuses', () => {
    expect(apply({ ...run, source: 'strava' })).toEqual([]);
  });
});
