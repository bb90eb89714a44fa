import { sql } from 'drizzle-orm';
import { purgeExpiredSessions } from '../accounts/users.ts';
import { pruneAudit } from '../audit/audit.ts';
import { markMissedWorkouts } from '../activities/matching.ts';
import { purgeExpiredStravaData } from '../strava/purge.ts';
import { purgeExpiredThrottles } from '../accounts/throttle-store.ts';
import type { AppDeps } from '../context.ts';
import { pruneMutationResults } from '../sync/prune.ts';
import { QUEUES, type Jobs } from '../jobs/queue.ts';
import { runJob } from '../jobs/run.ts';
import { requeueStranded } from '../strava/jobs.ts';
import { purgeStaleClaims } from '../coach/reply-claims.ts';

// Scheduled work: the hourly purge (Strava data after 7 days, old audit events, expired
// sessions and sign-in throttle counters, with a sweep for Strava events whose job was lost)
// and marking workouts missed once their day has passed. pg-boss's cron runs each schedule
// once per slot however many servers share the database.

/** Cron expressions (UTC). Hourly: the runner's day ends at a different UTC hour per time zone. */
export const SCHEDULES = {
  [QUEUES.stravaPurge]: '17 * * * *',
  [QUEUES.markMissed]: '7 * * * *',
} as const;

/**
 * The hourly purge, callable directly (tests, operators): Strava data past its 7 days, audit
 * events past their retention, expired sessions, throttle counters and coach reply claims; the sweep for Strava
 * work whose job was lost; and, on PGlite, fresh planner statistics.
 */
export async function runRetentionPurge(deps: AppDeps, jobs: Jobs | undefined): Promise<string> {
  const purged = await purgeExpiredStravaData(deps.db, deps.now());
  const requeued = jobs ? await requeueStranded(deps, jobs) : { events: 0, backfills: 0 };
  const audit = await pruneAudit(deps.db, deps.now());
  const sessions = await purgeExpiredSessions(deps.db, deps.now());
  const results = await pruneMutationResults(deps.db, deps.now());
  const throttles = await purgeExpiredThrottles(deps.db, deps.now());
  const claims = await purgeStaleClaims(deps.db, deps.now());
  // PGlite runs Postgres without background workers, so no autovacuum keeps the planner's
  // statistics fresh; without them a pull page sorts the whole log after its cursor.
  if (deps.dbKind === 'pglite') await deps.db.execute(sql`analyze`);
  return `purged ${purged.activities} activities, ${purged.events} events, ${sessions} expired sessions, ${throttles} expired throttle counters, ${claims} stale coach reply claims; requeued ${requeued.events} events, ${requeued.backfills} backfills; pruned ${audit} audit events, ${results} sync results`;
}

/** The missed-workout job's work, callable directly. */
export async function runMarkMissed(deps: AppDeps): Promise<string> {
  return `marked ${await markMissedWorkouts(deps.db, deps.now())} missed`;
}

/** Starts the maintenance workers in this process. */
export async function workMaintenance(deps: AppDeps, jobs: Jobs): Promise<void> {
  const poll = { pollingIntervalSeconds: Math.max(jobs.options.pollingIntervalSeconds, 2), includeMetadata: true } as const;
  await jobs.boss.work<object, void, typeof poll>(QUEUES.stravaPurge, poll, async ([job]) => {
    if (job) await runJob(deps, jobs, QUEUES.stravaPurge, job, () => runRetentionPurge(deps, jobs));
  });
  await jobs.boss.work<object, void, typeof poll>(QUEUES.markMissed, poll, async ([job]) => {
    if (job) await runJob(deps, jobs, QUEUES.markMissed, job, () => runMarkMissed(deps));
  });
}

/** Registers the schedules (idempotent: pg-boss keeps one per queue). */
export async function scheduleMaintenance(jobs: Jobs): Promise<void> {
  for (const [name, cron] of Object.entries(SCHEDULES)) await jobs.boss.schedule(name, cron, null, { tz: 'UTC' });
}
