import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue, resolveJobsOptions, type Jobs } from '../jobs/queue.ts';
import { call } from '../test/harness.ts';
import { COACH_QUEUES, COACH_SCHEDULE, startCoachJobs } from './jobs.ts';
import { runnerWithPlan, seedRun, startCoachTest, type CoachTest } from './testing.ts';

// The weekly memory job on the real pg-boss queue (PGlite): queued work is done by the
// coach's worker, and the hourly schedule is registered.

let c: CoachTest;
let jobs: Jobs;
beforeAll(async () => {
  c = await startCoachTest({ ANTHROPIC_API_KEY: '' });
  if (c.handle.raw.kind !== 'pglite') throw new Error('expected PGlite');
  jobs = await openQueue(c.t.deps, { kind: 'pglite', client: c.handle.raw.client }, resolveJobsOptions({ pollingIntervalSeconds: 0.5 }));
  await startCoachJobs(c.t.deps, jobs);
});
afterAll(async () => {
  await jobs.stop();
  await c.close();
});

describe('weekly memory job', () => {
  it('is scheduled hourly and writes last week’s memory when it runs', async () => {
    const schedules = await jobs.boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual([COACH_QUEUES.weeklyMemory, COACH_SCHEDULE]);
    const { cookie, user } = await runnerWithPlan(c.t);
    await seedRun(c.t, user.id, { source: 'fit_upload', local_date: '2026-02-25', distance_meters: 9000 });
    await jobs.boss.send(COACH_QUEUES.weeklyMemory, {});
    const deadline = Date.now() + 15_000;
    let memories: any[] = [];
    while (Date.now() < deadline && memories.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      memories = (await call(c.t.app, 'GET', '/api/memory', { cookie })).json.memories;
    }
    expect(memories).toEqual([
      expect.objectContaining({
        summary_type: 'training_week',
        source_date_range_start: '2026-02-23',
        source_date_range_end: '2026-03-01',
        content: expect.stringMatching(/^1 run, 9\.0 km/),
      }),
    ]);
  }, 30_000);
});
