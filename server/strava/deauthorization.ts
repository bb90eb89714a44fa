import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaConnections } from '../db/schema.ts';
import { isStravaError } from './api/index.ts';
import { notifyStravaDisconnected } from '../notifications/create.ts';
import { finish, type EventContext, type EventStatus, type StoredEvent } from './event-context.ts';
import { purgeUserStravaData } from './purge.ts';
import { accessTokenFor, StravaNeedsReconnect, StravaNotConnected } from './tokens.ts';

// A deauthorization event ("the athlete revoked RunCoach on strava.com") would purge the runner's
// Strava data and tell them so. Events carry no signature, so it is acted on only when Strava
// agrees: the runner's own token no longer works (GET /athlete answers 401, or Strava refuses
// the refresh). A token that still works means the event did not come from Strava.

/** The connection's generation: a reconnect bumps it, so a purge can tell it is still about the same one. */
async function generationOf(db: Executor, userId: string): Promise<number | null> {
  const [row] = await db.select({ generation: stravaConnections.backfill_generation }).from(stravaConnections).where(eq(stravaConnections.user_id, userId));
  return row?.generation ?? null;
}

/**
 * Confirms a deauthorization with Strava and then purges the runner's Strava data and notifies
 * them ('purged'), or settles the event as ignored (forged, or no longer connected). Strava
 * errors other than a refusal of the token (429, 5xx, timeouts) are thrown: the job retries, and
 * nothing is deleted meanwhile.
 */
export async function confirmDeauthorization(ctx: EventContext, event: StoredEvent): Promise<EventStatus | 'purged'> {
  const db = ctx.call.db;
  const userId = event.user_id;
  const generation = await generationOf(db, userId);
  try {
    const token = await accessTokenFor(ctx.call, userId);
    await ctx.client.getAthlete(token);
    ctx.log.warn("strava deauthorization event not confirmed (the runner's token still works at Strava): ignored", { user: userId, event: event.id });
    return finish(db, event.id, 'ignored', ctx.call.now(), 'forged_deauthorization');
  } catch (error) {
    if (error instanceof StravaNotConnected) return finish(db, event.id, 'ignored', ctx.call.now(), 'strava_not_connected');
    // Strava refused the token or its refresh: the athlete did revoke us.
    if (!(error instanceof StravaNeedsReconnect) && !isStravaError(error, 'unauthorized')) throw error;
  }
  const now = ctx.call.now();
  const purged = await db.transaction(async (tx) => {
    // Connected again since the check: the new connection works and this event is not about it.
    if ((await generationOf(tx, userId)) !== generation) return false;
    await purgeUserStravaData(tx, userId, now);
    await notifyStravaDisconnected(tx, userId, 'deauthorized', String(Math.floor(event.event_time.getTime() / 1000)), now);
    return true;
  });
  if (!purged) return finish(db, event.id, 'ignored', now, 'reconnected_since');
  ctx.log.info('strava deauthorized by athlete, confirmed by Strava: data purged', { user: userId });
  await ctx.onDeauthorized?.(userId);
  return 'purged';
}
