import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaSettings } from '../db/schema.ts';
import { RetryLater } from '../jobs/run.ts';
import { isStravaError, nextQuarterHour, pauseUntil, type RateLimitState } from './api/index.ts';

// Strava's rate limits belong to the application, shared by every user and every server
// process (docs/STRAVA.md §"Rate limits"), so the pause lives in the database, not in memory.

/** The single settings row, read; null fields when it was never written. */
export async function readStravaSettings(db: Executor) {
  const [row] = await db.select().from(stravaSettings);
  return row ?? { id: 1, subscription_id: null, callback_url: null, paused_until: null, rate_limit: null, updated_at: new Date(0) };
}

/** When Strava work is paused until, or null when it may go on at `now`. */
export async function currentPause(db: Executor, now: Date): Promise<Date | null> {
  const { paused_until: until } = await readStravaSettings(db);
  return until && until.getTime() > now.getTime() ? until : null;
}

/** Throws RetryLater when Strava work is paused at `now`. */
export async function assertNotPaused(db: Executor, now: Date): Promise<void> {
  const until = await currentPause(db, now);
  if (until) throw new RetryLater('strava_rate_limit', { until });
}

/** Pauses every worker until `until`; an earlier pause already stored never shortens a later one. */
export async function pauseStrava(db: Executor, until: Date, state: RateLimitState | null): Promise<void> {
  await db
    .insert(stravaSettings)
    .values({ id: 1, paused_until: until, rate_limit: state, updated_at: new Date() })
    .onConflictDoUpdate({
      target: stravaSettings.id,
      set: {
        paused_until: sql`greatest(${stravaSettings.paused_until}, excluded.paused_until)`,
        rate_limit: sql`excluded.rate_limit`,
        updated_at: sql`excluded.updated_at`,
      },
    });
}

/**
 * Collects the rate-limit headers of a run of Strava calls (the client's `onRateLimit`) and,
 * once they are done, pauses the queue if the last ones say the window is (nearly) spent.
 */
export function rateLimitWatcher(now: () => Date) {
  let latest: RateLimitState | null = null;
  return {
    onRateLimit: (state: RateLimitState) => {
      latest = state;
    },
    /** Stores the pause the last headers call for; returns it (null: carry on). */
    async settle(db: Executor): Promise<Date | null> {
      const until = pauseUntil(latest, now());
      if (until) await pauseStrava(db, until, latest);
      return until;
    },
  };
}

/**
 * A 429 from Strava pauses every worker until its window ends and becomes a RetryLater for then,
 * so the job waits instead of spending a retry; any other error is handed back as it is.
 */
export async function deferIfRateLimited(deps: { db: Executor; now: () => Date }, error: unknown): Promise<unknown> {
  if (!isStravaError(error, 'rate_limited')) return error;
  const until = error.retryAt ?? nextQuarterHour(deps.now());
  await pauseStrava(deps.db, until, null);
  return new RetryLater('strava_rate_limited', { until });
}
