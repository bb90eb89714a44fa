import type { AppDeps } from '../context.ts';
import type { Jobs } from '../jobs/queue.ts';
import { dispatchDue, LEASE_MS, NOTIFICATION_QUEUES } from '../notifications/jobs.ts';
import { planDue } from './schedule.ts';

// The reminders' pass on the app's pg-boss queue: every minute (cron, once per slot however many
// servers share the database) it records the workout reminders and weekly journals due in each
// runner's time zone as notification rows, then hands them to the notifications' send queue.
// It lives apart from notifications/ because it reads the plan and the coach's journal, which
// themselves create notifications: the outbox stays below every feature that writes to it.

/** Cron (UTC): every minute, so a reminder set for 19:00 goes out at 19:00–19:01 local time. */
export const NOTIFICATION_SCHEDULE = '* * * * *';

/** One scheduled pass: record what became due, then queue what is due. */
export async function runSchedulePass(deps: AppDeps, jobs: Jobs, leaseMs = LEASE_MS): Promise<string> {
  try {
    const made = await planDue(deps, deps.now());
    return `planned ${made.reminders} reminders, ${made.journals} journals; queued ${await dispatchDue(deps, jobs, leaseMs)}`;
  } catch (error) {
    // Whatever planning hit, rows already due still go out.
    await dispatchDue(deps, jobs, leaseMs);
    throw error;
  }
}

/** Creates the schedule's queue and (as `options` say) starts its worker here and registers the cron. */
export async function startReminderJobs(deps: AppDeps, jobs: Jobs, options: { work?: boolean; schedule?: boolean; leaseMs?: number } = {}): Promise<void> {
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const settings = { retryLimit: 1, retryDelay: 30, expireInSeconds: 5 * 60, deleteAfterSeconds: 3600, notify: false };
  await jobs.boss.createQueue(NOTIFICATION_QUEUES.schedule, settings);
  // createQueue keeps an existing queue as it was: apply today's settings too.
  await jobs.boss.updateQueue(NOTIFICATION_QUEUES.schedule, settings);
  if (options.work ?? jobs.options.work) {
    const schedulePoll = { pollingIntervalSeconds: Math.max(jobs.options.pollingIntervalSeconds, 2) };
    await jobs.boss.work(NOTIFICATION_QUEUES.schedule, schedulePoll, async ([job]) => {
      if (!job) return;
      const outcome = await runSchedulePass(deps, jobs, leaseMs);
      deps.log.info('job done', { queue: NOTIFICATION_QUEUES.schedule, job: job.id, outcome });
    });
  }
  if (options.schedule ?? jobs.options.schedule) await jobs.boss.schedule(NOTIFICATION_QUEUES.schedule, NOTIFICATION_SCHEDULE, null, { tz: 'UTC' });
}
