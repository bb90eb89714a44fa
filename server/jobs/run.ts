import type { JobWithMetadata } from 'pg-boss';
import { pauseStrava, RetryLater } from '../domain/strava-pause.ts';
import { isStravaError, nextQuarterHour } from '../integrations/strava/index.ts';
import type { AppDeps } from '../lib/context.ts';
import { errorLogFields } from '../lib/errors.ts';
import type { Jobs, QueueName } from './queue.ts';

// How every handler runs: work that must wait (a rate-limit pause, a refresh back-off, a 404
// right after `create`) is re-queued for later with the same data, never dropped and without
// spending one of pg-boss's retries; anything else fails the attempt, and pg-boss retries it
// with exponential backoff.

/** What a handler returns: 'done', or a short outcome word for the log. */
export type Handler<T> = (data: T, job: JobWithMetadata<T>) => Promise<string>;

function logFields(error: unknown): Record<string, unknown> {
  // StravaError's fields name the operation and status, never a token or a response body.
  if (isStravaError(error)) return error.toLogFields();
  // Anything else: its class, SQLSTATE and stack, never its message (a database error's quotes the query's parameters).
  return errorLogFields(error);
}

/** Whether an error only postpones the work (runJob re-queues it) rather than failing it. */
export function isDeferral(error: unknown): boolean {
  return error instanceof RetryLater || isStravaError(error, 'rate_limited');
}

/** Whether this was the job's last attempt: pg-boss will not retry it. */
export function lastAttempt(job: JobWithMetadata<unknown>): boolean {
  return job.retryCount >= job.retryLimit;
}

/**
 * Runs `handler` for one job. RetryLater (and a 429 from Strava, which also pauses every
 * worker until the next window) re-queues the job for later; other errors are rethrown.
 */
export async function runJob<T extends object>(deps: AppDeps, jobs: Jobs, name: QueueName, job: JobWithMetadata<T>, handler: Handler<T>): Promise<void> {
  try {
    const outcome = await handler(job.data, job);
    deps.log.info('job done', { queue: name, job: job.id, outcome });
  } catch (error) {
    let retry: RetryLater | null = error instanceof RetryLater ? error : null;
    if (isStravaError(error, 'rate_limited')) {
      const until = error.retryAt ?? nextQuarterHour(deps.now());
      await pauseStrava(deps.db, until, null);
      retry = new RetryLater('strava_rate_limited', { until });
    }
    if (!retry) {
      deps.log.warn('job failed', { queue: name, job: job.id, attempt: job.retryCount, ...logFields(error) });
      throw error;
    }
    const wanted = 'until' in retry.at ? retry.at.until.getTime() - deps.now().getTime() : retry.at.delayMs;
    // The delay is measured on the app clock but waited in real time; maxDeferMs lets a test
    // (with a fake clock) bound the real wait, after which the job simply checks again.
    const delayMs = Math.max(0, Math.min(wanted, jobs.options.maxDeferMs));
    await jobs.send(name, job.data, { startAfter: new Date(Date.now() + delayMs) });
    deps.log.info('job deferred', { queue: name, job: job.id, reason: retry.reason, delay_ms: Math.round(delayMs) });
  }
}
