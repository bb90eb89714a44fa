import type { Jobs } from '../jobs/queue.ts';
import type { AppDeps } from '../context.ts';
import { createClaude } from './claude/client.ts';
import { writeWeeklyMemoriesInBatch } from './weekly-batch.ts';
import { writeWeeklyMemories } from './weekly-memory.ts';

// The coach's scheduled work on the app's pg-boss queue: the weekly memories. Hourly, because
// each runner's week ends at their own midnight (Sunday → Monday in their time zone); the job
// is idempotent (memories have derived ids), so an hour with nothing new writes nothing, a
// retry after a crash finishes what was left, and several servers can share the schedule.
// With COACH_BATCH_WEEKLY the hourly run also applies the Message Batches that have ended.

/** The coach's queue names (beside the ones server/jobs creates). */
export const COACH_QUEUES = { weeklyMemory: 'coach.weekly-memory' } as const;

/** Cron (UTC): hourly, at a minute the other schedules do not use. */
export const COACH_SCHEDULE = '41 * * * *';

/** Creates the coach's queue, and (as `options` say) starts its worker here and registers its schedule. */
export async function startCoachJobs(deps: AppDeps, jobs: Jobs, options: { work?: boolean; schedule?: boolean } = {}): Promise<void> {
  const name = COACH_QUEUES.weeklyMemory;
  const settings = { retryLimit: 3, retryDelay: 300, retryBackoff: true, retryDelayMax: 3600, expireInSeconds: 60 * 60, deleteAfterSeconds: 24 * 3600 };
  await jobs.boss.createQueue(name, settings);
  await jobs.boss.updateQueue(name, settings);
  if (options.work ?? jobs.options.work) {
    const poll = { pollingIntervalSeconds: Math.max(jobs.options.pollingIntervalSeconds, 2) };
    await jobs.boss.work(name, poll, async ([job]) => {
      if (!job) return;
      const claude = createClaude(deps.config.anthropic);
      const result =
        claude && deps.config.anthropic.batchWeekly
          ? await writeWeeklyMemoriesInBatch(deps, claude, deps.now())
          : await writeWeeklyMemories(deps, deps.now(), { claude });
      deps.log.info('job done', { queue: name, job: job.id, ...result });
    });
  }
  if (options.schedule ?? jobs.options.schedule) await jobs.boss.schedule(name, COACH_SCHEDULE, null, { tz: 'UTC' });
}
