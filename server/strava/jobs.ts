import { and, eq, sql } from 'drizzle-orm';
import { stravaConnections, stravaEvents } from '../db/schema.ts';
import { recordAuditAfter } from '../audit/audit.ts';
import { backfillStep, unfinishedBackfills, type BackfillJob } from './backfill.ts';
import { processEvent } from './events.ts';
import { pendingEvents } from './webhook.ts';
import { assertNotPaused, deferIfRateLimited, rateLimitWatcher } from './pause.ts';
import { recordConnectionError, type StravaCallContext } from './tokens.ts';
import { createStravaClient, type StravaClient } from './api/index.ts';
import type { AppDeps } from '../context.ts';
import { QUEUES, type Jobs } from '../jobs/queue.ts';
import { isDeferral, lastAttempt, runJob, type Handler } from '../jobs/run.ts';

// The Strava queues: webhook events and backfill pages. Each job makes a few Strava calls with
// the owner's token, reads the rate-limit headers of every answer, and pauses every worker when
// the application's budget is (nearly) spent. Strava data goes only into our database.

/** A webhook event to process; the event itself is the stored row. */
export interface EventJob {
  eventId: string;
}

/** Queues processing of a stored event, batched, without waiting (job id from the event: queuing twice is harmless). */
export function queueEvent(jobs: Jobs, eventId: string): void {
  jobs.enqueue(QUEUES.stravaEvent, { eventId } satisfies EventJob, eventId);
}

/** Queues one backfill page (id derived from connection generation and page). */
export function queueBackfill(jobs: Jobs, job: BackfillJob): Promise<void> {
  return jobs.send(QUEUES.stravaBackfill, job, { key: `${job.userId}:${job.generation}:${job.page}` });
}

/** Re-queues stored events and unfinished backfills whose job may have been lost (crash, no queue). */
export async function requeueStranded(deps: AppDeps, jobs: Jobs): Promise<{ events: number; backfills: number }> {
  const events = await pendingEvents(deps.db);
  for (const id of events) await jobs.send(QUEUES.stravaEvent, { eventId: id } satisfies EventJob, { key: id });
  const backfills = await unfinishedBackfills(deps.db);
  for (const job of backfills) await queueBackfill(jobs, job);
  return { events: events.length, backfills: backfills.length };
}

/** A Strava client and token context for one job, its answers' rate-limit headers collected. */
function stravaSession(deps: AppDeps, jobs: Jobs): { call: StravaCallContext; client: StravaClient; settle: () => Promise<unknown> } {
  const watcher = rateLimitWatcher(deps.now);
  const http = { timeoutMs: jobs.options.stravaTimeoutMs, now: deps.now, onRateLimit: watcher.onRateLimit };
  return {
    call: { db: deps.db, dbKind: deps.dbKind, config: deps.config, now: deps.now, http, uncertainRefreshWaitMs: jobs.options.uncertainRefreshWaitMs },
    client: createStravaClient({ ...http, apiUrl: deps.config.strava.apiUrl }),
    settle: () => watcher.settle(deps.db),
  };
}

/** Records a deauthorization Strava confirmed in the audit log: Strava's doing, not the runner's (no address or browser of theirs). */
export function auditDeauthorization(deps: AppDeps): (userId: string) => Promise<void> {
  return (userId) =>
    recordAuditAfter(deps, { at: deps.now(), kind: 'strava_disconnected', user_id: userId, detail: { by: 'strava' }, ip: null, user_agent: null });
}

const handleEvent =
  (deps: AppDeps, jobs: Jobs): Handler<EventJob> =>
  async ({ eventId }, job) => {
    await jobs.foregroundQuiet();
    await assertNotPaused(deps.db, deps.now());
    const session = stravaSession(deps, jobs);
    try {
      return await processEvent(
        {
          call: session.call,
          client: session.client,
          log: deps.log,
          notFoundDelaysMs: jobs.options.notFoundDelaysMs,
          onDeauthorized: auditDeauthorization(deps),
        },
        eventId,
      );
    } catch (caught) {
      const error = await deferIfRateLimited(deps, caught);
      if (lastAttempt(job) && !isDeferral(error)) {
        await deps.db
          .update(stravaEvents)
          .set({ status: 'failed', processed_at: deps.now(), error: error instanceof Error && 'code' in error ? String(error.code) : 'processing_failed' })
          .where(and(eq(stravaEvents.id, eventId), eq(stravaEvents.status, 'received')));
      }
      throw error;
    } finally {
      await session.settle();
    }
  };

const handleBackfill =
  (deps: AppDeps, jobs: Jobs): Handler<BackfillJob> =>
  async (data, job) => {
    await jobs.foregroundQuiet();
    await assertNotPaused(deps.db, deps.now());
    const session = stravaSession(deps, jobs);
    try {
      const result = await backfillStep({ call: session.call, client: session.client, pageSize: jobs.options.backfillPageSize }, data);
      if (result.outcome === 'page_stored') await queueBackfill(jobs, result.next);
      return result.outcome;
    } catch (caught) {
      const error = await deferIfRateLimited(deps, caught);
      if (lastAttempt(job) && !isDeferral(error)) {
        const now = deps.now();
        await recordConnectionError(deps.db, data.userId, 'strava_backfill_failed', now);
        await deps.db
          .update(stravaConnections)
          .set({ backfill_status: 'failed', updated_at: now })
          .where(
            and(
              eq(stravaConnections.user_id, data.userId),
              eq(stravaConnections.backfill_generation, data.generation),
              sql`${stravaConnections.backfill_status} in ('pending', 'running')`,
            ),
          );
      }
      throw error;
    } finally {
      await session.settle();
    }
  };

/** Starts the Strava workers in this process. */
export async function workStrava(deps: AppDeps, jobs: Jobs): Promise<void> {
  // A batch per fetch, its jobs handled side by side and settled one by one; while batches come
  // back full the worker fetches again at once instead of waiting for the next poll.
  // NOTIFY wakes the workers for new jobs; deferred ones (startAfter) are found by polling.
  const polling = { pollingIntervalSeconds: jobs.options.pollingIntervalSeconds, notifyPollingIntervalSeconds: jobs.options.pollingIntervalSeconds };
  const events = {
    ...polling,
    includeMetadata: true,
    batchSize: Math.max(2, jobs.options.concurrency),
    burstWhenBatchFull: true,
    perJobResults: true,
  } as const;
  await jobs.boss.work<EventJob, void, typeof events>(QUEUES.stravaEvent, events, (batch) =>
    Promise.all(
      batch.map(async (job) => {
        try {
          await runJob(deps, jobs, QUEUES.stravaEvent, job, handleEvent(deps, jobs));
          return { id: job.id, status: 'completed' as const };
        } catch (error) {
          return { id: job.id, status: 'failed' as const, output: { message: error instanceof Error ? error.message : String(error) } };
        }
      }),
    ),
  );
  const pages = { ...polling, includeMetadata: true, batchSize: 1 } as const;
  await jobs.boss.work<BackfillJob, void, typeof pages>(QUEUES.stravaBackfill, pages, async ([job]) => {
    if (job) await runJob(deps, jobs, QUEUES.stravaBackfill, job, handleBackfill(deps, jobs));
  });
}
