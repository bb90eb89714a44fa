import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { openTestPglite } from '../test/databases.ts';
import { buildTestApp, call, signUp, type TestApp } from '../test/harness.ts';
import { QUEUES } from './queue.ts';
import { jobsDatabase, startJobs } from '../workers.ts';
import { FAST_JOBS } from '../strava/test-kit.ts';

// Issue 15, I4: a deleted account's id stayed in the queue's job payloads (pg-boss keeps them).

let handle: DatabaseHandle;
let t: TestApp;
beforeAll(async () => {
  handle = await openTestPglite();
  t = buildTestApp(handle);
  t.deps.jobs = await startJobs(t.deps, jobsDatabase(handle, undefined), { ...FAST_JOBS, work: false });
});
afterAll(async () => {
  await t.deps.jobs?.stop();
  await handle.close();
});

const jobsNaming = async (userId: string) =>
  ((await t.deps.db.execute(sql`select count(*)::int as n from pgboss.job where data::text like ${`%${userId}%`}`)) as unknown as { rows: { n: number }[] })
    .rows[0]!.n;

describe('deleting an account', () => {
  it('removes the jobs that name the runner, and only theirs', async () => {
    const leaving = await signUp(t, { email: 'leaving@example.com' });
    const staying = await signUp(t, { email: 'staying@example.com' });
    for (const runner of [leaving, staying]) {
      await t.deps.jobs!.send(QUEUES.stravaBackfill, { userId: runner.user.id, generation: 1, page: 1 }, { startAfter: new Date(Date.now() + 3600_000) });
    }
    expect(await jobsNaming(leaving.user.id)).toBe(1);

    const res = await call(t.app, 'DELETE', '/api/account', { cookie: leaving.cookie, body: { password: leaving.password } });
    expect(res.status).toBe(204);
    expect(await jobsNaming(leaving.user.id)).toBe(0);
    expect(await jobsNaming(staying.user.id)).toBe(1);
  });
});
