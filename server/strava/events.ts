import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaEvents } from '../db/schema.ts';
import { athleteIdOf, isDeauthorization, isRun, isStravaError, toActivity, type StravaActivityJson } from './api/index.ts';
import { deleteActivity, upsertActivity } from '../activities/store.ts';
import { rematchDays, userToday } from '../activities/matching.ts';
import { confirmDeauthorization } from './deauthorization.ts';
import { finish, type EventContext, type EventStatus, type StoredEvent } from './event-context.ts';
import { hasConfirmedDelete, hasSeenActivity, missesLeft } from './event-guards.ts';
import { RetryLater } from '../jobs/run.ts';
import { accessTokenFor, loadTokens, recordConnectionError, StravaNeedsReconnect, StravaNotConnected } from './tokens.ts';

// Processing a stored webhook event (docs/STRAVA.md §Webhooks; storing is strava-webhook.ts): a job
// that always refetches the current state with the owner's token, so repeats, out-of-order
// arrival and forged events do no harm. Events carry no signature, so Strava's answer decides:
// a delete is applied only when the activity answers 404, a deauthorization only when the
// runner's token no longer works (strava-deauthorization.ts), an activity is kept only when it
// is the runner's own.

export type { EventContext, EventStatus } from './event-context.ts';

/**
 * Processes one stored event: refetches the activity with the owner's token and stores it (runs
 * only) and re-matches its day, or removes it once Strava confirms it is gone; a deauthorization
 * purges once Strava confirms it ('purged'). Returns the final status, or throws RetryLater
 * (paused, or a 404 to retry later) or an error to retry with backoff.
 */
export async function processEvent(ctx: EventContext, eventId: string): Promise<EventStatus | 'already_done' | 'purged'> {
  const db = ctx.call.db;
  const now = ctx.call.now();
  const [event] = await db.select().from(stravaEvents).where(eq(stravaEvents.id, eventId));
  if (!event || event.status !== 'received') return 'already_done';
  if (event.object_type !== 'activity') {
    return isDeauthorization(event) ? confirmDeauthorization(ctx, event) : finish(db, event.id, 'ignored', now, 'not_an_activity_event');
  }
  const userId = event.user_id;
  // Any event for an activity Strava confirmed deleted, in whatever order it arrives, must not bring it back.
  if (await hasConfirmedDelete(db, userId, event.object_id)) {
    if (event.aspect_type === 'delete') await removeActivity(db, userId, event.object_id, now);
    return event.aspect_type === 'delete' ? finish(db, event.id, 'processed', now) : finish(db, event.id, 'ignored', now, 'deleted_on_strava');
  }
  const seen = await hasSeenActivity(db, userId, event.object_id);
  if (!seen && (await missesLeft(db, userId, now)) <= 0) {
    // Made-up ids answer 404: past the runner's budget of such misses, no more calls for ids we never saw.
    ctx.log.warn('strava event for an unknown activity not looked up: too many misses for this runner this hour', {
      user: userId,
      event: event.id,
      aspect: event.aspect_type,
    });
    return finish(db, event.id, 'ignored', now, 'strava_lookup_budget_spent');
  }
  let json: StravaActivityJson;
  try {
    const token = await accessTokenFor(ctx.call, userId);
    json = await ctx.client.getActivity(token, event.object_id);
  } catch (error) {
    if (error instanceof StravaNotConnected) return finish(db, event.id, 'ignored', now, 'strava_not_connected');
    if (error instanceof StravaNeedsReconnect) return finish(db, event.id, 'failed', now, 'strava_reconnect_needed');
    if (isStravaError(error, 'unauthorized')) {
      await recordConnectionError(db, userId, 'strava_reconnect_needed', now, { needsReconnect: true });
      return finish(db, event.id, 'failed', now, 'strava_reconnect_needed');
    }
    if (!isStravaError(error, 'not_found')) throw error;
    return activityNotFound(ctx, event, seen, now);
  }
  if (event.aspect_type === 'delete') {
    // Strava still serves it: the delete did not come from Strava. Keep the run; no tombstone.
    ctx.log.warn('strava delete event not confirmed (the activity still exists): ignored', { user: userId, event: event.id });
    return finish(db, event.id, 'ignored', now, 'forged_delete');
  }
  const athlete = (await loadTokens(db, userId))?.strava_athlete_id;
  if (athleteIdOf(json) !== athlete) {
    ctx.log.warn('strava activity belongs to another athlete: not imported', { user: userId, event: event.id });
    return finish(db, event.id, 'ignored', now, 'foreign_athlete');
  }
  return storeActivity(ctx, event, json, now);
}

/**
 * A 404. For a delete it is the confirmation: the activity goes, and the event, now `processed`,
 * is the tombstone. An activity we held may be briefly unreadable (retried at each delay, then
 * removed); one we never saw gets one more look after a `create` (Strava may not serve a new
 * activity at once) and none otherwise: a made-up id costs one or two calls.
 */
async function activityNotFound(ctx: EventContext, event: StoredEvent, seen: boolean, now: Date): Promise<EventStatus> {
  const db = ctx.call.db;
  const attempts = event.attempts + 1;
  // `attempts` counts misses for the runner's hourly budget; a confirmed delete of a run we held is none.
  if (!(seen && event.aspect_type === 'delete')) await db.update(stravaEvents).set({ attempts }).where(eq(stravaEvents.id, event.id));
  if (event.aspect_type === 'delete') {
    await removeActivity(db, event.user_id, event.object_id, now);
    return finish(db, event.id, 'processed', now);
  }
  const delays = seen ? ctx.notFoundDelaysMs : event.aspect_type === 'create' ? ctx.notFoundDelaysMs.slice(0, 1) : [];
  const delay = delays[attempts - 1];
  if (delay !== undefined) throw new RetryLater('strava_activity_not_found_yet', { delayMs: delay });
  // Still invisible: deleted, or made private without activity:read_all. Either way not ours to keep.
  await removeActivity(db, event.user_id, event.object_id, now);
  return finish(db, event.id, 'not_found', now, 'strava_not_found');
}

async function storeActivity(ctx: EventContext, event: StoredEvent, json: StravaActivityJson, now: Date): Promise<EventStatus> {
  const db = ctx.call.db;
  const userId = event.user_id;
  if (!isRun(json)) {
    // Not a run (or no longer one): the plan ignores it, and we keep no Strava data we do not use.
    await removeActivity(db, userId, event.object_id, now);
    return finish(db, event.id, 'processed', now, 'not_a_run');
  }
  let record;
  try {
    record = toActivity(json, { fetchedAt: now });
  } catch (error) {
    if (!isStravaError(error, 'invalid_response')) throw error;
    return finish(db, event.id, 'failed', now, 'strava_invalid_activity');
  }
  const name = typeof json.name === 'string' ? json.name.slice(0, 200) : null;
  return db.transaction(async (tx) => {
    // A delete confirmed while this job fetched wins: the run is gone on Strava.
    if (await hasConfirmedDelete(tx, userId, event.object_id)) return finish(tx, event.id, 'ignored', now, 'deleted_on_strava');
    const { row, previousLocalDate } = await upsertActivity(tx, userId, record.activity, { name, raw: json, fetchedAt: record.fetchedAt, now });
    const days = previousLocalDate ? [row.local_date, previousLocalDate] : [row.local_date];
    await rematchDays(tx, userId, days, now, await userToday(tx, userId, now));
    return finish(tx, event.id, 'processed', now);
  });
}

/** Removes the runner's copy of a Strava activity, if any, and re-matches its day. */
async function removeActivity(db: Executor, userId: string, externalId: string, now: Date): Promise<void> {
  const date = await deleteActivity(db, userId, 'strava', externalId);
  if (date) await rematchDays(db, userId, [date], now, await userToday(db, userId, now));
}
