import { and, eq, inArray, isNotNull, isNull, lt, lte } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaActivities, stravaConnections, stravaEvents, stravaOauthStates, stravaTokens, workoutCompletions } from '../db/schema.ts';
import { STRAVA_CACHE_MS } from './api/index.ts';

// Strava's API policy (docs/STRAVA.md §Policy): cache Strava data at most 7 days, show deletions
// quickly, purge a user's Strava data when they disconnect. Our plan data stays: a completion
// keeps its verdict and, after the 7-day purge, its link to the activity on strava.com.

/** Webhook events are kept this long for deduplication and the status screen, then deleted. */
const EVENT_RETENTION_MS = 30 * 24 * 3600 * 1000;

/**
 * Deletes everything we hold from Strava for the user: tokens, activities, events, connection
 * state. Completions keep their verdict but lose the numbers and link that came from Strava.
 */
export async function purgeUserStravaData(db: Executor, userId: string, now: Date): Promise<{ activities: number }> {
  const stravaRows = await db
    .select({ id: stravaActivities.id })
    .from(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), eq(stravaActivities.source, 'strava')));
  const ids = stravaRows.map((r) => r.id);
  if (ids.length > 0) {
    // Auto verdicts keep their status; the runner's own keep everything they typed.
    await db
      .update(workoutCompletions)
      .set({ distance_meters: null, duration_seconds: null, strava_activity_url: null, strava_activity_id: null, updated_at: now, matched_at: now })
      .where(and(eq(workoutCompletions.user_id, userId), inArray(workoutCompletions.strava_activity_id, ids), isNotNull(workoutCompletions.matched_at)));
    await db
      .update(workoutCompletions)
      .set({ strava_activity_url: null, strava_activity_id: null, updated_at: now })
      .where(and(eq(workoutCompletions.user_id, userId), inArray(workoutCompletions.strava_activity_id, ids), isNull(workoutCompletions.matched_at)));
    await db.delete(stravaActivities).where(and(eq(stravaActivities.user_id, userId), inArray(stravaActivities.id, ids)));
  }
  await db
    .update(workoutCompletions)
    .set({ strava_activity_url: null, updated_at: now })
    .where(and(eq(workoutCompletions.user_id, userId), isNotNull(workoutCompletions.strava_activity_url)));
  await db.delete(stravaEvents).where(eq(stravaEvents.user_id, userId));
  await db.delete(stravaOauthStates).where(eq(stravaOauthStates.user_id, userId));
  await db.delete(stravaConnections).where(eq(stravaConnections.user_id, userId));
  await db.delete(stravaTokens).where(eq(stravaTokens.user_id, userId));
  return { activities: ids.length };
}

/**
 * The scheduled purge: Strava activities fetched more than 7 days ago lose their raw JSON and
 * every detail beyond what the plan needs (date, sport, distance, times); old webhook events
 * and expired OAuth states go too. Returns how many activities were purged.
 */
export async function purgeExpiredStravaData(db: Executor, now: Date): Promise<{ activities: number; events: number }> {
  const cutoff = new Date(now.getTime() - STRAVA_CACHE_MS);
  const purged = await db
    .update(stravaActivities)
    .set({
      raw_data: null,
      name: null,
      laps: null,
      average_heartrate: null,
      max_heartrate: null,
      total_elevation_gain: null,
      raw_purged_at: now,
      updated_at: now,
    })
    .where(and(eq(stravaActivities.source, 'strava'), isNull(stravaActivities.raw_purged_at), lte(stravaActivities.fetched_at, cutoff)))
    .returning({ id: stravaActivities.id });
  const events = await db
    .delete(stravaEvents)
    .where(lt(stravaEvents.received_at, new Date(now.getTime() - EVENT_RETENTION_MS)))
    .returning({ id: stravaEvents.id });
  await db.delete(stravaOauthStates).where(lt(stravaOauthStates.expires_at, now));
  return { activities: purged.length, events: events.length };
}
