import type { DatabaseHandle } from './db/database.ts';
import type { AppDeps } from './context.ts';
import { scheduleMaintenance, workMaintenance } from './operator/maintenance.ts';
import { openQueue, resolveJobsOptions, type Jobs, type JobsDatabase, type JobsOptions } from './jobs/queue.ts';
import { requeueStranded, workStrava } from './strava/jobs.ts';
import { startCoachJobs } from './coach/jobs.ts';
import { startNotificationJobs } from './notifications/jobs.ts';
import { startReminderJobs } from './reminders/jobs.ts';

export { QUEUES, type Jobs, type JobsDatabase, type JobsOptions } from './jobs/queue.ts';

/** Where pg-boss should live for a database handle: the same PGlite, or the same Postgres. */
export function jobsDatabase(handle: DatabaseHandle, databaseUrl: string | undefined): JobsDatabase {
  if (handle.raw.kind === 'pglite') return { kind: 'pglite', client: handle.raw.client };
  const url = databaseUrl ?? (handle as DatabaseHandle & { url?: string }).url;
  if (!url) throw new Error('The job queue needs the Postgres connection string (DATABASE_URL).');
  return { kind: 'postgres', connectionString: url };
}

/**
 * Starts the job queue for the app: creates the queues, re-queues work a crash may have left
 * behind, starts this process's workers and registers the schedules. Stop it before closing
 * the database.
 */
export async function startJobs(deps: AppDeps, database: JobsDatabase, options: JobsOptions = {}): Promise<Jobs> {
  const resolved = resolveJobsOptions(options);
  const jobs = await openQueue(deps, database, resolved);
  try {
    const requeued = await requeueStranded(deps, jobs);
    if (requeued.events + requeued.backfills > 0) deps.log.info('jobs requeued at start', requeued);
    if (resolved.work) {
      await workStrava(deps, jobs);
      await workMaintenance(deps, jobs);
    }
    if (resolved.schedule) await scheduleMaintenance(jobs);
    await startCoachJobs(deps, jobs, { work: resolved.work, schedule: resolved.schedule });
    await startNotificationJobs(deps, jobs, { work: resolved.work });
    await startReminderJobs(deps, jobs, { work: resolved.work, schedule: resolved.schedule });
  } catch (error) {
    await jobs.stop();
    throw error;
  }
  return jobs;
}
