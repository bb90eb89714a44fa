import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { activityColumns, type Activity, type ActivitySource } from '#shared/schema/activity.ts';
import type { Executor } from '../db/database.ts';
import { stravaActivities, workoutCompletions } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';

// Runs from every source in one table (the seed calls it strava_activities). Strava rows keep
// their raw JSON for at most 7 days (docs/STRAVA.md §Policy); devices never receive `raw`.

export type ActivityRow = typeof stravaActivities.$inferSelect;

/** The link to an activity on strava.com: our own data, kept after the 7-day purge. */
export function stravaActivityUrl(externalId: string): string {
  return `https://www.strava.com/activities/${externalId}`;
}

function rowValues(activity: Activity, extra: { name?: string | null; raw?: unknown; fetchedAt?: Date | null; now: Date }) {
  const columns = activityColumns(activity);
  return {
    ...columns,
    start_date: new Date(columns.start_date),
    name: extra.name ?? null,
    raw_data: extra.raw ?? null,
    // A refetch restarts the 7-day clock and brings the data back.
    raw_purged_at: null,
    fetched_at: extra.fetchedAt ?? null,
    updated_at: extra.now,
  };
}

/**
 * Inserts or refreshes the user's activity (keyed by source and external id). Returns the row
 * and the local date it had before, when that changed (matching must revisit both days).
 */
export async function upsertActivity(
  db: Executor,
  userId: string,
  activity: Activity,
  extra: { name?: string | null; raw?: unknown; fetchedAt?: Date | null; now: Date; id?: string },
): Promise<{ row: ActivityRow; previousLocalDate: string | null }> {
  const [before] = await db
    .select({ local_date: stravaActivities.local_date })
    .from(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), eq(stravaActivities.source, activity.source), eq(stravaActivities.external_id, activity.external_id)));
  const values = rowValues(activity, extra);
  const [row] = await db
    .insert(stravaActivities)
    // A device-made id (an upload) is kept, so the phone's optimistic row and the server's are one.
    .values({
      ...(extra.id ? { id: extra.id } : {}),
      user_id: userId,
      source: activity.source,
      external_id: activity.external_id,
      ...values,
      created_at: extra.now,
    })
    .onConflictDoUpdate({ target: [stravaActivities.user_id, stravaActivities.source, stravaActivities.external_id], set: values })
    .returning();
  const previous = before && before.local_date !== row!.local_date ? before.local_date : null;
  return { row: row!, previousLocalDate: previous };
}

/**
 * upsertActivity for many activities of one source at once (a backfill page), in one statement.
 * Returns every local date touched, old and new, for matching.
 */
export async function upsertActivities(
  db: Executor,
  userId: string,
  items: { activity: Activity; name: string | null; raw: unknown; fetchedAt: Date | null }[],
  now: Date,
): Promise<string[]> {
  // One statement cannot update a row twice: keep the last of any repeated id.
  items = [...new Map(items.map((item) => [item.activity.external_id, item])).values()];
  if (items.length === 0) return [];
  const source = items[0]!.activity.source;
  const before = await db
    .select({ local_date: stravaActivities.local_date })
    .from(stravaActivities)
    .where(
      and(
        eq(stravaActivities.user_id, userId),
        eq(stravaActivities.source, source),
        inArray(
          stravaActivities.external_id,
          items.map((i) => i.activity.external_id),
        ),
      ),
    );
  const rows = items.map(({ activity, name, raw, fetchedAt }) => ({
    user_id: userId,
    source: activity.source,
    external_id: activity.external_id,
    created_at: now,
    ...rowValues(activity, { name, raw, fetchedAt, now }),
  }));
  const set = Object.fromEntries(Object.keys(rowValues(items[0]!.activity, { now })).map((key) => [key, sql.raw(`excluded.${key}`)]));
  await db
    .insert(stravaActivities)
    .values(rows)
    .onConflictDoUpdate({ target: [stravaActivities.user_id, stravaActivities.source, stravaActivities.external_id], set });
  return [...new Set([...before.map((b) => b.local_date), ...items.map((i) => i.activity.local_date)])];
}

/** Deletes the user's activity by source and external id; returns its local date, or null if there was none. */
export async function deleteActivity(db: Executor, userId: string, source: ActivitySource, externalId: string): Promise<string | null> {
  const [row] = await db
    .delete(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), eq(stravaActivities.source, source), eq(stravaActivities.external_id, externalId)))
    .returning({ id: stravaActivities.id, local_date: stravaActivities.local_date });
  if (!row) return null;
  // The completion keeps its verdict; a link to an activity that no longer exists would mislead.
  await db
    .update(workoutCompletions)
    .set({ strava_activity_url: null })
    .where(and(eq(workoutCompletions.user_id, userId), eq(workoutCompletions.strava_activity_url, stravaActivityUrl(externalId))));
  return row.local_date;
}

/** The activity as the API shows it (never the raw Strava JSON), with the workout it matched. */
export function publicActivity(row: ActivityRow, match: { workout_id: string; status: string } | null) {
  return {
    id: row.id,
    source: row.source,
    strava_activity_id: row.strava_activity_id,
    external_id: row.external_id,
    activity_type: row.activity_type,
    name: row.name,
    start_date: row.start_date.toISOString(),
    local_date: row.local_date,
    distance_meters: row.distance_meters,
    moving_time_seconds: row.moving_time_seconds,
    elapsed_time_seconds: row.elapsed_time_seconds,
    average_heartrate: row.average_heartrate,
    max_heartrate: row.max_heartrate,
    average_pace_seconds_per_meter: row.average_pace_seconds_per_meter,
    total_elevation_gain: row.total_elevation_gain,
    strava_url: row.source === 'strava' ? stravaActivityUrl(row.external_id) : null,
    raw_purged_at: row.raw_purged_at?.toISOString() ?? null,
    matched_workout_id: match?.workout_id ?? null,
    completion_status: match?.status ?? null,
  };
}

async function matchesFor(db: Executor, userId: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, { workout_id: string; status: string }>();
  const rows = await db
    .select({
      strava_activity_id: workoutCompletions.strava_activity_id,
      workout_id: workoutCompletions.workout_id,
      completion_status: workoutCompletions.completion_status,
    })
    .from(workoutCompletions)
    .where(and(eq(workoutCompletions.user_id, userId), inArray(workoutCompletions.strava_activity_id, ids)));
  return new Map(rows.map((r) => [r.strava_activity_id!, { workout_id: r.workout_id, status: r.completion_status }]));
}

/** The user's activities between two local dates (inclusive), oldest first, each with its match. */
export async function listActivities(db: Executor, userId: string, from: string, to: string) {
  const rows = await db
    .select()
    .from(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), gte(stravaActivities.local_date, from), lte(stravaActivities.local_date, to)))
    .orderBy(asc(stravaActivities.start_date));
  const matches = await matchesFor(
    db,
    userId,
    rows.map((r) => r.id),
  );
  return rows.map((row) => publicActivity(row, matches.get(row.id) ?? null));
}

/** One of the user's activities; 404 for anyone else's. */
export async function getActivity(db: Executor, userId: string, id: string) {
  const [row] = await db
    .select()
    .from(stravaActivities)
    .where(and(eq(stravaActivities.id, id), eq(stravaActivities.user_id, userId)));
  if (!row) throw AppError.notFound('The activity');
  const matches = await matchesFor(db, userId, [row.id]);
  return publicActivity(row, matches.get(row.id) ?? null);
}
