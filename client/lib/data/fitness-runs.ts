import { liveQuery, type Observable } from 'dexie';
import type { CompletedRun } from '#shared/schema/plan.ts';
import { addDays } from '#shared/training/dates.ts';
import { recentFitnessRuns, RUN_WINDOW_DAYS } from '#shared/training/zones.ts';
import { todayIn } from '../workout-view.ts';
import type { UserDb } from './db.ts';

// The runs this phone reads the runner's fitness from: the same rows, window and filter as the
// server's fitnessRuns (server/profile/training-context.ts), so the Workout screen, Today and the
// phone's .FIT files carry the paces GET /api/profile shows.

/** The runner's fitness runs for `today` (recentFitnessRuns over this device's activities). */
export async function deviceFitnessRuns(db: UserDb, today: string): Promise<CompletedRun[]> {
  const rows = await db
    .view('strava_activities')
    .where('local_date')
    .aboveOrEqual(addDays(today, -RUN_WINDOW_DAYS))
    .toArray();
  return recentFitnessRuns(
    rows.map((row) => ({
        source: String(row.source),
        activity_type: String(row.activity_type),
        local_date: String(row.local_date),
        distance_meters: Number(row.distance_meters),
        moving_time_seconds: Number(row.moving_time_seconds),
      })),
    today,
  );
}

/** deviceFitnessRuns for the runner's own today (their profile's time zone), recomputed when a run arrives. */
export function fitnessRuns$(db: UserDb): Observable<CompletedRun[]> {
  return liveQuery(async () => {
    const profile = await db.view('user_profiles').get(db.userId);
    const today = todayIn(typeof profile?.time_zone === 'string' ? profile.time_zone : 'UTC', new Date(db.now()));
    return deviceFitnessRuns(db, today);
  });
}
