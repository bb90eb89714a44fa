import { and, eq, max, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaActivities, stravaConnections } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { athleteIdOf, isRun, isStravaError, toActivity, type StravaClient } from './api/index.ts';
import { upsertActivities } from '../activities/store.ts';
import { rematchDays, userToday } from '../activities/matching.ts';
import { accessTokenFor, loadTokens, recordConnectionError, StravaNeedsReconnect, StravaNotConnected, type StravaCallContext } from './tokens.ts';

// Backfill on connect (docs/STRAVA.md §Activities): /athlete/activities page by page, 200 a page,
// until an empty page. One job per page, so progress survives restarts and a rate-limit pause
// stops between pages; the progress row is what the status screen shows.

/** One backfill step: which connection (generation) and which page. */
export interface BackfillJob {
  userId: string;
  generation: number;
  page: number;
}

/** Connections whose backfill is pending or running (the queue re-sends their current page at start and hourly). */
export async function unfinishedBackfills(db: Executor): Promise<BackfillJob[]> {
  const rows = await db
    .select({ userId: stravaConnections.user_id, generation: stravaConnections.backfill_generation, page: stravaConnections.backfill_next_page })
    .from(stravaConnections)
    .where(and(sql`${stravaConnections.backfill_status} in ('pending', 'running')`, eq(stravaConnections.needs_reconnect, false)));
  return rows;
}

export interface BackfillContext {
  call: StravaCallContext;
  client: StravaClient;
  pageSize: number;
}

/**
 * Fetches one page and stores its runs and the progress in one transaction; returns the next
 * page's job for the caller to queue. A job for another generation or page than the stored one
 * is stale (a duplicate, or from an earlier connection): it does nothing.
 */
export async function backfillStep(
  ctx: BackfillContext,
  job: BackfillJob,
): Promise<{ outcome: 'stale' | 'done' | 'failed' } | { outcome: 'page_stored'; next: BackfillJob }> {
  const db = ctx.call.db;
  const isCurrent = and(
    eq(stravaConnections.user_id, job.userId),
    eq(stravaConnections.backfill_generation, job.generation),
    eq(stravaConnections.backfill_next_page, job.page),
    sql`${stravaConnections.backfill_status} in ('pending', 'running')`,
  );
  const [state] = await db.select().from(stravaConnections).where(isCurrent);
  if (!state) return { outcome: 'stale' };
  let page;
  try {
    const token = await accessTokenFor(ctx.call, job.userId);
    page = await ctx.client.listAthleteActivities(token, {
      page: job.page,
      perPage: ctx.pageSize,
      ...(state.backfill_after ? { after: state.backfill_after } : {}),
    });
  } catch (error) {
    if (error instanceof StravaNotConnected) return { outcome: 'stale' };
    const reconnect = error instanceof StravaNeedsReconnect || isStravaError(error, 'unauthorized');
    if (!reconnect) throw error;
    const now = ctx.call.now();
    await recordConnectionError(db, job.userId, 'strava_reconnect_needed', now, { needsReconnect: true });
    await db.update(stravaConnections).set({ backfill_status: 'failed', updated_at: now }).where(isCurrent);
    return { outcome: 'failed' };
  }
  const now = ctx.call.now();
  // The list is the token owner's, so another athlete's activity here would be Strava's error; keep only the runner's own.
  const athlete = (await loadTokens(db, job.userId))?.strava_athlete_id;
  const items = page
    .filter((json) => isRun(json) && athleteIdOf(json) === athlete)
    .flatMap((json) => {
      try {
        const record = toActivity(json, { fetchedAt: now });
        return [{ activity: record.activity, name: typeof json.name === 'string' ? json.name.slice(0, 200) : null, raw: json, fetchedAt: now }];
      } catch {
        return []; // one unreadable summary must not stop the backfill
      }
    });
  return db.transaction(async (tx) => {
    // Re-checked under the transaction: a concurrent duplicate of this job may have stored the page.
    const [still] = await tx.select({ id: stravaConnections.user_id }).from(stravaConnections).where(isCurrent).for('update');
    if (!still) return { outcome: 'stale' as const };
    if (page.length === 0) {
      await tx.update(stravaConnections).set({ backfill_status: 'done', backfill_finished_at: now, updated_at: now }).where(isCurrent);
      return { outcome: 'done' as const };
    }
    const days = await upsertActivities(tx, job.userId, items, now);
    await rematchDays(tx, job.userId, days, now, await userToday(tx, job.userId, now));
    await tx
      .update(stravaConnections)
      .set({
        backfill_status: 'running',
        backfill_next_page: job.page + 1,
        backfill_activities: sql`${stravaConnections.backfill_activities} + ${items.length}`,
        updated_at: now,
      })
      .where(isCurrent);
    return { outcome: 'page_stored' as const, next: { ...job, page: job.page + 1 } };
  });
}

/** A running import that has not stored a page for this long is stuck (its job lost): "sync now" restarts it. */
export const STUCK_AFTER_MS = 10 * 60_000;
/** A runner may start a catch-up import at most this often: Strava's rate limits are the whole app's. */
export const SYNC_INTERVAL_MS = 15 * 60_000;
/** The catch-up starts this long before the runner's newest Strava run, for runs uploaded late. */
const CATCH_UP_OVERLAP_MS = 2 * 86_400_000;

/**
 * The runner asks to sync now (the Runaway seed's sync job): a catch-up import of the runs since
 * their newest Strava run, with the same progress as the first import. An import already under
 * way is left alone (a second request answers its progress); one stuck for STUCK_AFTER_MS is
 * restarted; one started less than SYNC_INTERVAL_MS ago is refused with the minutes to wait.
 * Returns the job to queue, or null when one is already under way.
 */
export async function requestSync(db: Executor, userId: string, now: Date): Promise<BackfillJob | null> {
  return db.transaction(async (tx) => {
    const [state] = await tx.select().from(stravaConnections).where(eq(stravaConnections.user_id, userId)).for('update');
    const tokens = await loadTokens(tx, userId);
    if (!state || !tokens) throw new AppError('strava_not_connected', { message: 'Connect Strava first: there is nothing to sync yet.' });
    if (state.needs_reconnect) throw new AppError('strava_reconnect_needed', { message: 'Strava needs you to connect again before it sends more runs.' });
    const underWay = state.backfill_status === 'pending' || state.backfill_status === 'running';
    if (underWay && now.getTime() - state.updated_at.getTime() < STUCK_AFTER_MS) return null;
    const since = state.backfill_started_at ? now.getTime() - state.backfill_started_at.getTime() : Infinity;
    if (!underWay && since < SYNC_INTERVAL_MS) {
      const minutes = Math.ceil((SYNC_INTERVAL_MS - since) / 60_000);
      throw new AppError('sync_too_soon', {
        message: `You synced a few minutes ago, and new runs arrive by themselves. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      });
    }
    const [newest] = await tx
      .select({ start: max(stravaActivities.start_date) })
      .from(stravaActivities)
      .where(and(eq(stravaActivities.user_id, userId), eq(stravaActivities.source, 'strava')));
    const after = newest?.start ? new Date(new Date(newest.start).getTime() - CATCH_UP_OVERLAP_MS) : null;
    const [row] = await tx
      .update(stravaConnections)
      .set({
        backfill_status: 'pending',
        backfill_generation: sql`${stravaConnections.backfill_generation} + 1`,
        backfill_next_page: 1,
        backfill_activities: 0,
        backfill_started_at: now,
        backfill_finished_at: null,
        backfill_after: after,
        updated_at: now,
      })
      .where(eq(stravaConnections.user_id, userId))
      .returning({ generation: stravaConnections.backfill_generation });
    return { userId, generation: row!.generation, page: 1 };
  });
}
