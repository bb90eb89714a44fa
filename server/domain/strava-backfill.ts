import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaConnections } from '../db/schema.ts';
import { athleteIdOf, isRun, isStravaError, toActivity, type StravaClient } from '../integrations/strava/index.ts';
import { upsertActivities } from './activities.ts';
import { rematchDays, userToday } from './matching.ts';
import { accessTokenFor, loadTokens, recordConnectionError, StravaNeedsReconnect, StravaNotConnected, type StravaCallContext } from './strava-tokens.ts';

// Backfill on connect (STRAVA.md §activities): /athlete/activities page by page, 200 a page,
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
export async function backfillStep(ctx: BackfillContext, job: BackfillJob): Promise<{ outcome: 'stale' | 'done' | 'failed' } | { outcome: 'page_stored'; next: BackfillJob }> {
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
    page = await ctx.client.listAthleteActivities(token, { page: job.page, perPage: ctx.pageSize });
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
  const items = page.filter((json) => isRun(json) && athleteIdOf(json) === athlete).flatMap((json) => {
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
