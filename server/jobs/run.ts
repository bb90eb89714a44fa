import type { JobWithMetadata } from 'pg-boss';
import { errorLogFields } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { Jobs, QueueName } from './queue.ts';

// How every handler runs: work that must wait (a rate-limit pause, a refresh back-off, a 404
// right after `create`) is re-queued for later with the same data, never dropped and without
// spending one of pg-boss's retries; anything else fails the attempt, and pg-boss retries it
// with exponential backoff. The runner knows no feature: a feature turns its own "not yet"
// (Strava's 429, say) into RetryLater before it gets here.

/**
 * Work that cannot go on yet and must run again later, never be dropped: either at an instant
 * of the app clock (a rate-limit window, a refresh back-off) or after a real delay (a 404 retry).
 */
export class RetryLater extends Error {
  override name = 'RetryLater';
  constructor(
    readonly reason: string,
    readonly at: { until: Date } | { delayMs: number },
  ) {
    super(`retry later: ${reason}`);
  }
}

/** What a handler returns: 'done', or a short outcome word for the log. */
export type Handler<T> = (data: T, job: JobWithMetadata<T>) => Promise<string>;

/** Whether an error only postpones the work (runJob re-queues it) rather than failing it. */
export function isDeferral(error: unknown): boolean {
  return error instanceof RetryLater;
}

/** Whether this was the job's last attempt: pg-boss will not retry it. */
export function lastAttempt(job: JobWithMetadata<unknown>): boolean {
  return job.retryCount >= job.retryLimit;
}

/**
 * Runs `handler` for one job. RetryLater re-queues the job for later; other errors are rethrown.
 */
export async function runJob<T extends object>(
  deps: { log: Logger; now: () => Date },
  jobs: Jobs,
  name: QueueName,
  job: JobWithMetadata<T>,
  handler: Handler<T>,
): Promise<void> {
  try {
    const outcome = await handler(job.data, job);
    deps.log.info('job done', { queue: name, job: job.id, outcome });
  } catch (error) {
    if (!(error instanceof RetryLater)) {
      deps.log.warn('job failed', { queue: name, job: job.id, attempt: job.retryCount, ...errorLogFields(error) });
      throw error;
    }
    const retry = error;
    const wanted = 'until' in retry.at ? retry.at.until.getTime() - deps.now().getTime() : retry.at.delayMs;
    // The delay is measured on the app clock but waited in real time; maxDeferMs lets a test
    // (with a fake clock) bound the real wait, after which the job simply checks again.
    const delayMs = Math.max(0, Math.min(wanted, jobs.options.maxDeferMs));
    await jobs.send(name, job.data, { startAfter: new Date(Date.now() + delayMs) });
    deps.log.info('job deferred', { queue: name, job: job.id, reason: retry.reason, delay_ms: Math.round(delayMs) });
  }
}
