import { and, eq, gt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaActivities, stravaEvents } from '../db/schema.ts';

// Webhook events carry no signature (docs/STRAVA.md §Webhooks): anyone who knows or guesses an
// athlete id and our subscription id can send one. What bounds the harm and the cost of a
// forged event, counted in the database so every server process sees the same numbers:
// a cap on events stored per runner, and a cap on Strava lookups that found nothing.

/** How far back the per-runner caps look. */
export const EVENT_WINDOW_MS = 3600_000;

/**
 * Events stored per runner per hour; more are answered and dropped. A runner's real traffic is a
 * few events per activity; a flood of forged ones would spend the app's shared Strava budget.
 */
export const EVENTS_PER_RUNNER_PER_HOUR = 100;

/**
 * Athlete events (deauthorizations) per runner per hour, counted apart from activity events: a
 * flood of forged creates must not crowd out a real deauthorization. Each costs one token check.
 */
export const ATHLETE_EVENTS_PER_RUNNER_PER_HOUR = 5;

/**
 * Strava lookups per runner per hour that answered 404 for an activity we never held. Past it,
 * events about activities we never saw are settled without a call: made-up ids cost at most this.
 */
export const MISSES_PER_RUNNER_PER_HOUR = 10;

/** The start of the window the caps count in. */
export function windowStart(now: Date): Date {
  return new Date(now.getTime() - EVENT_WINDOW_MS);
}

/**
 * Whether Strava confirmed a delete of this activity: only a delete whose lookup answered 404 is
 * `processed`. A delete that was not confirmed (forged) must not block the activity's later events.
 */
export async function hasConfirmedDelete(db: Executor, userId: string, objectId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: stravaEvents.id })
    .from(stravaEvents)
    .where(
      and(eq(stravaEvents.user_id, userId), eq(stravaEvents.object_id, objectId), eq(stravaEvents.aspect_type, 'delete'), eq(stravaEvents.status, 'processed')),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * Whether Strava ever served us this activity: we hold it, or an earlier event about it was
 * processed (a ride we fetched and chose not to keep). Only such an activity's 404s are retried.
 */
export async function hasSeenActivity(db: Executor, userId: string, objectId: string): Promise<boolean> {
  const [held] = await db
    .select({ id: stravaActivities.id })
    .from(stravaActivities)
    .where(and(eq(stravaActivities.user_id, userId), eq(stravaActivities.source, 'strava'), eq(stravaActivities.external_id, objectId)))
    .limit(1);
  if (held) return true;
  const [processed] = await db
    .select({ id: stravaEvents.id })
    .from(stravaEvents)
    .where(
      and(eq(stravaEvents.user_id, userId), eq(stravaEvents.object_id, objectId), eq(stravaEvents.status, 'processed'), ne(stravaEvents.aspect_type, 'delete')),
    )
    .limit(1);
  return processed !== undefined;
}

/** Lookups of unseen activities the runner has left this hour before they are settled without a call. */
export async function missesLeft(db: Executor, userId: string, now: Date): Promise<number> {
  // `attempts` counts the 404s of each event (see strava-events.ts).
  const [row] = await db
    .select({ misses: sql<number>`coalesce(sum(${stravaEvents.attempts}), 0)::int` })
    .from(stravaEvents)
    .where(and(eq(stravaEvents.user_id, userId), gt(stravaEvents.received_at, windowStart(now))));
  return MISSES_PER_RUNNER_PER_HOUR - (row?.misses ?? 0);
}
