import { createHash } from 'node:crypto';
import { and, asc, eq, isNull, lte, or } from 'drizzle-orm';
import { notifications } from '../db/schema.ts';
import type { Jobs } from '../jobs/queue.ts';
import type { AppDeps } from '../context.ts';
import { createChannel, type ChannelOptions } from './channel.ts';
import { deliver, type DeliveryEnv, type DeliveryOutcome } from './deliver.ts';

// Notifications on the app's pg-boss queue. Every minute the reminders' pass
// (server/reminders/jobs.ts) records what is due in each runner's time zone, then this file
// queues one `notifications.send` job per due row. The row is the record and
// its scheduled_for the clock: quiet hours and retry back-offs move scheduled_for, and the job
// id derives from (row, scheduled_for, attempts), so a moved or re-claimed row gets a new job
// while queuing the same one twice is a no-op. A row whose worker died is queued again once its
// claim lapses. Back-off is thus measured on the app clock (tests drive it with a fake clock).

/** The notification queues (beside the ones server/jobs creates); the schedule's is the reminders' pass. */
export const NOTIFICATION_QUEUES = { schedule: 'notifications.schedule', send: 'notifications.send' } as const;

/** A send's deadline, connect to answer. */
export const SEND_TIMEOUT_MS = 60_000;
/** How long an attempt's claim holds: well past its deadline, so a live attempt is never overtaken. */
export const LEASE_MS = 2 * SEND_TIMEOUT_MS;

/** Knobs, mostly for tests and the bench. */
export interface NotificationJobOptions {
  work?: boolean;
  /** Sends handled side by side in this process (default: the queue's concurrency). */
  concurrency?: number;
  leaseMs?: number;
  channel?: ChannelOptions;
  /** Test seam, see DeliveryEnv.afterSend. */
  afterSend?: DeliveryEnv['afterSend'];
}

/** The delivery environment of the app: its configured channel, clock and log. */
export function deliveryEnv(deps: AppDeps, options: NotificationJobOptions = {}): DeliveryEnv {
  return {
    db: deps.db,
    config: deps.config,
    now: deps.now,
    log: deps.log,
    channel: createChannel(deps.config, { timeoutMs: SEND_TIMEOUT_MS, ...options.channel }),
    leaseMs: options.leaseMs ?? LEASE_MS,
    ...(options.afterSend ? { afterSend: options.afterSend } : {}),
  };
}

function sendJobId(row: { id: string; scheduled_for: Date; attempts: number }): string {
  const hex = createHash('sha256').update(`${NOTIFICATION_QUEUES.send}\n${row.id}\n${row.scheduled_for.getTime()}\n${row.attempts}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Queues a send job for every due pending row nobody holds; returns how many rows were due. */
export async function dispatchDue(deps: AppDeps, jobs: Jobs, leaseMs = LEASE_MS): Promise<number> {
  const now = deps.now();
  const due = await deps.db
    .select({ id: notifications.id, scheduled_for: notifications.scheduled_for, attempts: notifications.attempts })
    .from(notifications)
    .where(
      and(
        eq(notifications.status, 'pending'),
        lte(notifications.scheduled_for, now),
        or(isNull(notifications.claimed_at), lte(notifications.claimed_at, new Date(now.getTime() - leaseMs))),
      ),
    )
    .orderBy(asc(notifications.scheduled_for))
    .limit(1000);
  if (due.length > 0)
    await jobs.boss.insert(
      NOTIFICATION_QUEUES.send,
      due.map((row) => ({ id: sendJobId(row), data: { id: row.id } })),
    );
  return due.length;
}

/** Creates the send queue and (as `options` say) starts its workers here. */
export async function startNotificationJobs(deps: AppDeps, jobs: Jobs, options: NotificationJobOptions = {}): Promise<void> {
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const queues = {
    // Retries here are for our own trouble (the database); the provider's answers are handled
    // by deliver(), which moves the row's scheduled_for instead.
    [NOTIFICATION_QUEUES.send]: {
      retryLimit: 3,
      retryDelay: 30,
      retryBackoff: true,
      retryDelayMax: 600,
      expireInSeconds: Math.ceil((2 * leaseMs) / 1000),
      deleteAfterSeconds: 24 * 3600,
      notify: true,
    },
  };
  for (const [name, settings] of Object.entries(queues)) {
    await jobs.boss.createQueue(name, settings);
    // createQueue keeps an existing queue as it was: apply today's settings too.
    await jobs.boss.updateQueue(name, settings);
  }
  if (options.work ?? jobs.options.work) {
    const env = deliveryEnv(deps, options);
    // As the Strava events: a batch per fetch, its sends side by side and settled one by one,
    // fetching again at once while batches come back full; NOTIFY wakes the workers for new jobs.
    const sendWork = {
      pollingIntervalSeconds: jobs.options.pollingIntervalSeconds,
      notifyPollingIntervalSeconds: jobs.options.pollingIntervalSeconds,
      batchSize: Math.max(2, options.concurrency ?? jobs.options.concurrency),
      burstWhenBatchFull: true,
      perJobResults: true,
    } as const;
    await jobs.boss.work<{ id: string }, void, typeof sendWork>(NOTIFICATION_QUEUES.send, sendWork, (batch) =>
      Promise.all(
        batch.map(async (job) => {
          try {
            const outcome: DeliveryOutcome = await deliver(env, job.data.id);
            if (outcome === 'busy') deps.log.info('notification busy elsewhere', { notification: job.data.id });
            return { id: job.id, status: 'completed' as const };
          } catch (error) {
            deps.log.warn('notification job failed', { notification: job.data.id, error: error instanceof Error ? error.message : String(error) });
            return { id: job.id, status: 'failed' as const, output: { message: error instanceof Error ? error.message : String(error) } };
          }
        }),
      ),
    );
    // Rows that fell due while no server ran go out now, not at the next cron slot.
    await dispatchDue(deps, jobs, leaseMs);
  }
}
