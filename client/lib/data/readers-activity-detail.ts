import { liveQuery, type Observable } from 'dexie';
import type { ActivityRow } from './activities.ts';
import type { UserDb } from './db.ts';
import type { CompletionRow, WorkoutRow } from './workouts.ts';

/** One run with the planned workout it counted for (and that match's verdict), as the activity detail screen shows it. */
export interface ActivityDetail {
  activity: ActivityRow;
  workout: WorkoutRow | null;
  completion: CompletionRow | null;
}

/** The activity `id` from this device's copy, with its matched workout; null when it is not here (deleted, or another runner's id). */
export function activityDetail$(db: UserDb, id: string): Observable<ActivityDetail | null> {
  return liveQuery(async () => {
    const row = await db.view('strava_activities').get(id);
    if (!row || row.deleted === true) return null;
    const completions = await db.view('workout_completions').toArray();
    const completion = (completions.find((c) => c.strava_activity_id === id && c.deleted !== true) as unknown as CompletionRow | undefined) ?? null;
    const workout = completion ? ((await db.view('workouts').get(completion.workout_id)) as unknown as WorkoutRow | undefined) : undefined;
    return { activity: row as unknown as ActivityRow, workout: workout && workout.deleted !== true ? workout : null, completion };
  });
}
