import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { changeLog, goals, sessions, syncClient, syncUser, users, workouts } from '../db/schema.ts';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';

const t = useTestApp();

async function plannedRunner() {
  const runner = await signUp(t);
  await call(t.app, 'PUT', '/api/profile', {
    cookie: runner.cookie,
    body: { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600 },
  });
  const goal = (
    await call(t.app, 'POST', '/api/goals', {
      cookie: runner.cookie,
      body: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' },
    })
  ).json.goal;
  const { workouts: list } = (await call(t.app, 'POST', '/api/plans/generate', { cookie: runner.cookie, body: { goal_id: goal.id } })).json;
  return { ...runner, goal, workouts: list as { id: string; scheduled_date: string; estimated_distance_meters: number }[] };
}

const upload = (date: string, meters: number) => ({
  source: 'fit_upload',
  external_id: `fit-test-${randomUUID()}`,
  activity_type: 'Run',
  start_time: `${date}T07:00:00.000Z`,
  local_date: date,
  distance_meters: meters,
  moving_time_seconds: Math.round(meters * 0.36),
  elapsed_time_seconds: Math.round(meters * 0.37),
  laps: [],
});

describe('activity.upload', () => {
  it("stores a run decoded on the device under its id and matches it to the day's workout", async () => {
    const runner = await plannedRunner();
    const first = runner.workouts[0]!;
    const phone = new TestDevice(t.app, runner.cookie, () => t.clock.now().getTime());
    const id = randomUUID();
    const res = await phone.push([phone.mutation('activity.upload', { id, activity: upload(first.scheduled_date, first.estimated_distance_meters) })]);
    expect(res.json.results[0].status).toBe('applied');
    const pulled = (await phone.pullAll()).changes;
    expect(pulled.find((c) => c.entity === 'strava_activities' && c.id === id)?.row).toMatchObject({ source: 'fit_upload', local_date: first.scheduled_date });
    expect(pulled.find((c) => c.entity === 'workout_completions')?.row).toMatchObject({
      workout_id: first.id,
      strava_activity_id: id,
      completion_status: 'completed',
    });
  });

  it('refuses an upload that claims to come from Strava', async () => {
    const runner = await signUp(t);
    const phone = new TestDevice(t.app, runner.cookie, () => t.clock.now().getTime());
    const res = await phone.push([phone.mutation('activity.upload', { id: randomUUID(), activity: { ...upload('2026-03-02', 5000), source: 'strava' } })]);
    expect(res.json.results[0]).toMatchObject({ status: 'rejected', error: { code: 'wrong_source' } });
  });
});

describe('export', () => {
  it("gives the runner all their data and nothing of anyone else's, with no secrets", async () => {
    const a = await plannedRunner();
    const b = await plannedRunner();
    const res = await call(t.app, 'GET', '/api/export', { cookie: a.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="runcoach-export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.json.user.id).toBe(a.user.id);
    expect(res.json.data.goals.map((g: { id: string }) => g.id)).toEqual([a.goal.id]);
    expect(res.json.data.workouts).toHaveLength(a.workouts.length);
    const text = JSON.stringify(res.json);
    expect(text).not.toContain(b.user.id);
    expect(text).not.toContain('password_hash');
    expect(text).not.toContain('scrypt$');
    expect((await call(t.app, 'GET', '/api/export')).status).toBe(401);
  });
});

describe('account deletion', () => {
  it('needs the password, then removes the account and everything in it', async () => {
    const runner = await plannedRunner();
    const phone = new TestDevice(t.app, runner.cookie, () => t.clock.now().getTime());
    await phone.push([phone.mutation('goal.update', { id: runner.goal.id, set: { title: 'synced once' } })]);
    const wrong = await call(t.app, 'DELETE', '/api/account', { cookie: runner.cookie, body: { password: 'not my password' } });
    expect(wrong.status).toBe(403);
    expect(await t.deps.db.select().from(users).where(eq(users.id, runner.user.id))).toHaveLength(1);

    const res = await call(t.app, 'DELETE', '/api/account', { cookie: runner.cookie, body: { password: runner.password } });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/rc_session=;/);
    for (const [table, column] of [
      [users, users.id],
      [goals, goals.user_id],
      [workouts, workouts.user_id],
      [sessions, sessions.user_id],
      [changeLog, changeLog.user_id],
      [syncUser, syncUser.user_id],
      [syncClient, syncClient.user_id],
    ] as const) {
      expect(await t.deps.db.select().from(table).where(eq(column, runner.user.id))).toEqual([]);
    }
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie: runner.cookie })).status).toBe(401);
    const login = await call(t.app, 'POST', '/api/auth/login', { body: { email: runner.user.email, password: runner.password } });
    expect(login.status).toBe(401);
  });
});
