import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPostgres } from '../test/databases.ts';
import { buildTestApp, call, signUp, type TestApp } from '../test/harness.ts';
import { postgresUrl } from '../test/requirements.ts';
import { TestDevice } from '../test/sync-device.ts';

// docs/SYNC.md §T3 and §T7: concurrency PGlite cannot show (it runs one transaction at a time).

const url = postgresUrl('postgres sync concurrency');

describe.skipIf(!url)('sync under concurrency on Postgres', () => {
  let handle: Awaited<ReturnType<typeof openTestPostgres>>;
  let t: TestApp;
  beforeAll(async () => {
    handle = await openTestPostgres(url!);
    t = buildTestApp(handle);
  });
  afterAll(() => handle?.close());

  const race = { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-10-04' };

  it('3: the same batch pushed twice at once (two tabs) takes effect once, with one answer', async () => {
    const { cookie } = await signUp(t);
    const phone = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
    const batch = Array.from({ length: 20 }, () => phone.mutation('goal.create', { id: randomUUID(), goal: race }));
    const [a, b] = await Promise.all([phone.push(batch), phone.push(batch)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json.results).toEqual(b.json.results);
    expect(a.json.results.every((r: { status: string }) => r.status === 'applied')).toBe(true);
    expect((await call(t.app, 'GET', '/api/goals', { cookie })).json.goals).toHaveLength(20);
  });

  it('7: a row written by a transaction still open during a pull arrives on the next pull', async () => {
    const { cookie, user } = await signUp(t);
    const phone = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
    await phone.pullAll();
    // A "Strava job" takes its version and holds the transaction open.
    const job = new pg.Client({ connectionString: handle.url });
    await job.connect();
    try {
      await job.query('BEGIN');
      const activityId = randomUUID();
      await job.query(
        `INSERT INTO strava_activities (id, user_id, source, external_id, activity_type, start_date, local_date, distance_meters, moving_time_seconds, elapsed_time_seconds)
         VALUES ($1, $2, 'strava', '123456789012345678', 'Run', now(), '2026-03-02', 5000, 1500, 1550)`,
        [activityId, user.id],
      );
      // Meanwhile the device writes and pulls: its write waits for the job's version lock only
      // if it needs a version; the pull must not skip past the job's uncommitted version.
      const during = await phone.pullAll();
      expect(during.changes.find((c) => c.id === activityId)).toBeUndefined();
      await job.query('COMMIT');
      const after = await phone.pullAll();
      expect(after.changes.find((c) => c.id === activityId)).toMatchObject({ entity: 'strava_activities', op: 'u' });
      expect(after.changes.find((c) => c.id === activityId).row).not.toHaveProperty('raw');
    } finally {
      await job.end();
    }
  });

  it('7b: concurrent writers for one runner commit in version order, so no pull ever skips a row', async () => {
    const { cookie } = await signUp(t);
    const writers = Array.from({ length: 4 }, () => new TestDevice(t.app, cookie, () => t.clock.now().getTime()));
    const reader = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
    const seen = new Set<string>();
    const created: string[] = [];
    const writing = (async () => {
      for (let round = 0; round < 10; round++) {
        await Promise.all(
          writers.map((w) => {
            const id = randomUUID();
            created.push(id);
            return w.push([w.mutation('goal.create', { id, goal: race })]);
          }),
        );
      }
    })();
    let done = false;
    void writing.then(() => (done = true));
    while (!done) {
      for (const change of (await reader.pullAll(3)).changes) seen.add(change.id);
    }
    for (const change of (await reader.pullAll(3)).changes) seen.add(change.id);
    expect(created.filter((id) => !seen.has(id))).toEqual([]);
  });
});
