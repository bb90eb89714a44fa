import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaEvents } from '../db/schema.ts';
import {
  isRun,
  isStravaError,
  toActivity,
  type StravaClient,
} from '../integrations/strava/index.ts';
import type { Logger } from '../lib/context.ts';
import { deleteActivity, upsertActivity } from './activities.ts';
import { rematchDays, userToday } from './matching.ts';
import { RetryLater } from './strava-pause.ts';
import { accessTokenFor, recordConnectionError, StravaNeedsReconnect, StravaNotConnected, type StravaCallContext } from './strava-tokens.ts';

// Processing a stored webhook event (STRAVA.md §webhooks; storing is strava-webhook.ts): a job
// that always refetches the current state, so repeats and out-of-order arrival do no harm.

type EventStatus = 'processed' | 'ignored' | 'not_found' | 'failed';

async function finish(db: Executor, id: string, status: EventStatus, now: Date, error: string | null = null): Promise<EventStatus> {
  await db.update(stravaEvents).set({ status, processed_at: now, error }).where(eq(stravaEvents.id, id));
  return status;
}

/** What processing an event needs: token access, a Strava client, the app clock, 404 retry delays. */
export interface EventContext {
  call: StravaCallContext;
  client: StravaClient;
  log: Logger;
  notFoundDelaysMs: number[];
}

/**
 * Processes one stored event: refetches the activity with the owner's token and stores it (runs
 * only) and re-matches its day, or removes it. Returns the final status, or throws RetryLater
 * (paused, or a 404 to retry in 1, 5, 15 min) or an error to retry with backoff.
 */
export async function processEvent(ctx: EventContext, eventId: string): Promise<EventStatus | 'already_done'> {
  const db = ctx.call.db;
  const now = ctx.call.now();
  const [event] = await db.select().from(stravaEvents).where(eq(stravaEvents.id, eventId));
  if (!event || event.status !== 'received') return 'already_done';
  if (event.object_type !== 'activity') return finish(db, event.id, 'ignored', now, 'not_an_activity_event');
  const userId = event.user_id;
  // A delete was applied on receipt; any event for an activity deleted on Strava, in whatever
  // order it arrives, must not bring it back.
  const [tombstone] = await db
    .select({ id: stravaEvents.id })
    .from(stravaEvents)
    .where(and(eq(stravaEvents.user_id, userId), eq(stravaEvents.object_id, event.object_id), eq(stravaEvents.aspect_type, 'delete')))
    .limit(1);
  if (tombstone) {
    if (event.aspect_type === 'delete') await removeActivity(db, userId, event.object_id, now);
    return finish(db, event.id, event.aspect_type === 'delete' ? 'processed' : 'ignored', now, event.aspect_type === 'delete' ? null : 'deleted_on_strava');
  }
  let json;
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
    const attempts = event.attempts + 1;
    const delay = ctx.notFoundDelaysMs[attempts - 1];
    if (delay !== undefined) {
      await db.update(stravaEvents).set({ attempts }).where(eq(stravaEvents.id, event.id));
      throw new RetryLater('strava_activity_not_found_yet', { delayMs: delay });
    }
    // Still invisible: deleted, or made private without activity:read_all. Either way not ours to keep.
    await removeActivity(db, userId, event.object_id, now);
    return finish(db, event.id, 'not_found', now, 'strava_not_found');
  }
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
    const { row, previousLocalDate } = await upsertActivity(tx, userId, record.activity, { name, raw: json, fetchedAt: record.fetchedAt, now });
    const days = previousLocalDate ? [row.local_date, previousLocalDate] : [row.local_date];
    await rematchDays(tx, userId, days, now, await userToday(tx, userId, now));
    return finish(tx, event.id, 'processed', now);
  });
}

async function removeActivity(db: Executor, userId: string, externalId: string, now: Date): Promise<void> {
  const date = await deleteActivity(db, userId, 'strava', externalId);
  if (date) await rematchDays(db, userId, [date], now, await userToday(db, userId, now));
}
