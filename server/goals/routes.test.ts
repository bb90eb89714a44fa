import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';

const t = useTestApp(); // the fake clock starts on 2026-03-02

const marathon = { goal_type: 'race', target_race_distance_meters: 42195, target_race_date: '2026-06-28', target_time_seconds: 4 * 3600 };

describe('goals', () => {
  it('creates, lists, reads, updates and deletes a race goal', async () => {
    const { cookie } = await signUp(t);
    const created = await call(t.app, 'POST', '/api/goals', { cookie, body: marathon });
    expect(created.status).toBe(201);
    expect(created.json.goal).toMatchObject({ ...marathon, title: 'Marathon on 2026-06-28', status: 'active', flagged_reason: null });
    const id = created.json.goal.id;
    expect((await call(t.app, 'GET', '/api/goals', { cookie })).json.goals.map((g: { id: string }) => g.id)).toEqual([id]);
    const patched = await call(t.app, 'PATCH', `/api/goals/${id}`, { cookie, body: { target_time_seconds: 3 * 3600 + 59 * 60, title: 'Sub-4 in Paris' } });
    expect(patched.status).toBe(200);
    expect(patched.json.goal).toMatchObject({ target_time_seconds: 14340, title: 'Sub-4 in Paris' });
    expect((await call(t.app, 'GET', `/api/goals/${id}`, { cookie })).json.goal.title).toBe('Sub-4 in Paris');
    expect((await call(t.app, 'DELETE', `/api/goals/${id}`, { cookie })).status).toBe(204);
    expect((await call(t.app, 'GET', `/api/goals/${id}`, { cookie })).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/goals', { cookie })).json.goals).toEqual([]);
  });

  it('creates a mileage goal', async () => {
    const { cookie } = await signUp(t);
    const res = await call(t.app, 'POST', '/api/goals', { cookie, body: { goal_type: 'mileage', target_weekly_mileage_miles: 30 } });
    expect(res.status).toBe(201);
    expect(res.json.goal).toMatchObject({ goal_type: 'mileage', target_weekly_mileage_miles: 30, end_date: null, title: '30 miles a week' });
  });

  it.each([
    [{ ...marathon, target_race_date: '2026-02-01' }, 'target_race_date', 'race_date_in_past'],
    [{ ...marathon, target_race_date: '2026-13-01' }, 'target_race_date', 'validation_failed'],
    [{ ...marathon, target_race_distance_meters: 100 }, 'target_race_distance_meters', 'validation_failed'],
    [{ ...marathon, target_time_seconds: -5 }, 'target_time_seconds', 'validation_failed'],
    [{ ...marathon, goal_type: 'ultra' }, 'goal_type', 'validation_failed'],
    [{ ...marathon, pace: 5 }, '', 'validation_failed'],
    [{ goal_type: 'mileage', target_weekly_mileage_miles: 500 }, 'target_weekly_mileage_miles', 'validation_failed'],
  ])('refuses %j', async (body, path, code) => {
    const { cookie } = await signUp(t);
    const res = await call(t.app, 'POST', '/api/goals', { cookie, body });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe(code);
    expect(res.json.error.issues[0].path).toBe(path);
    expect((await call(t.app, 'GET', '/api/goals', { cookie })).json.goals).toEqual([]);
  });

  it('refuses fields of the other goal type, empty updates and hand-set flags', async () => {
    const { cookie } = await signUp(t);
    const id = (await call(t.app, 'POST', '/api/goals', { cookie, body: marathon })).json.goal.id;
    const wrong = await call(t.app, 'PATCH', `/api/goals/${id}`, { cookie, body: { target_weekly_mileage_miles: 40 } });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.code).toBe('field_not_for_goal_type');
    expect((await call(t.app, 'PATCH', `/api/goals/${id}`, { cookie, body: {} })).status).toBe(400);
    expect((await call(t.app, 'PATCH', `/api/goals/${id}`, { cookie, body: { status: 'flagged_unrealistic' } })).status).toBe(400);
  });

  it("answers 404 for another runner's goal, for reads and writes alike", async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const id = (await call(t.app, 'POST', '/api/goals', { cookie: b.cookie, body: marathon })).json.goal.id;
    expect((await call(t.app, 'GET', `/api/goals/${id}`, { cookie: a.cookie })).status).toBe(404);
    expect((await call(t.app, 'PATCH', `/api/goals/${id}`, { cookie: a.cookie, body: { title: 'mine now' } })).status).toBe(404);
    expect((await call(t.app, 'DELETE', `/api/goals/${id}`, { cookie: a.cookie })).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/goals', { cookie: a.cookie })).json.goals).toEqual([]);
    expect((await call(t.app, 'GET', `/api/goals/${id}`, { cookie: b.cookie })).json.goal.title).toBe('Marathon on 2026-06-28');
    expect((await call(t.app, 'GET', '/api/goals/not-a-uuid', { cookie: a.cookie })).status).toBe(404);
  });

  it('needs a session', async () => {
    expect((await call(t.app, 'GET', '/api/goals')).status).toBe(401);
  });
});

describe('goal evaluation', () => {
  // The clock reads 2026-03-02.
  async function runnerWith(profile: Record<string, unknown>, goal: Record<string, unknown>) {
    const { cookie } = await signUp(t);
    await call(t.app, 'PUT', '/api/profile', { cookie, body: profile });
    const id = (await call(t.app, 'POST', '/api/goals', { cookie, body: goal })).json.goal.id;
    return { cookie, id };
  }

  it('flags a 3:00 marathon in 10 weeks for a 15 mi/week, 10:30/mi runner as unrealistic, with a sentence', async () => {
    const { cookie, id } = await runnerWith(
      { current_weekly_mileage_miles: 15, days_available_per_week: 4, easy_pace_per_mile_seconds: 630 },
      { goal_type: 'race', target_race_distance_meters: 42195, target_race_date: '2026-05-11', target_time_seconds: 3 * 3600 },
    );
    const res = await call(t.app, 'POST', `/api/goals/${id}/evaluate`, { cookie });
    expect(res.status).toBe(200);
    expect(res.json.feasibility).toMatchObject({ verdict: 'unrealistic', weeks_left: 10 });
    expect(res.json.feasibility.required_vdot).toBeGreaterThan(res.json.feasibility.current_vdot + 5);
    expect(res.json.goal).toMatchObject({ status: 'flagged_unrealistic', flagged_reason: res.json.feasibility.sentence });
    expect(res.json.goal.flagged_reason).toMatch(/3:00:00/);
  });

  it('does not flag a 4:30 marathon in 18 weeks for a 25 mi/week, 10:00/mi runner, and clears an old flag', async () => {
    const { cookie, id } = await runnerWith(
      { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 600 },
      { goal_type: 'race', target_race_distance_meters: 42195, target_race_date: '2026-07-06', target_time_seconds: 4.5 * 3600 },
    );
    const res = await call(t.app, 'POST', `/api/goals/${id}/evaluate`, { cookie });
    expect(res.json.feasibility.verdict).not.toBe('unrealistic');
    expect(res.json.goal.status).toBe('active');
    // Raise the bar, get flagged, lower it again: the flag goes.
    await call(t.app, 'PATCH', `/api/goals/${id}`, { cookie, body: { target_time_seconds: 2.5 * 3600 } });
    expect((await call(t.app, 'POST', `/api/goals/${id}/evaluate`, { cookie })).json.goal.status).toBe('flagged_unrealistic');
    await call(t.app, 'PATCH', `/api/goals/${id}`, { cookie, body: { target_time_seconds: 4.5 * 3600 } });
    const cleared = await call(t.app, 'POST', `/api/goals/${id}/evaluate`, { cookie });
    expect(cleared.json.goal).toMatchObject({ status: 'active', flagged_reason: null });
  });

  it("answers 404 for another runner's goal and 400 for an incomplete profile", async () => {
    const a = await signUp(t);
    const b = await runnerWith({ current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600 }, marathon);
    expect((await call(t.app, 'POST', `/api/goals/${b.id}/evaluate`, { cookie: a.cookie })).status).toBe(404);
    const fresh = (await call(t.app, 'POST', '/api/goals', { cookie: a.cookie, body: marathon })).json.goal.id;
    const res = await call(t.app, 'POST', `/api/goals/${fresh}/evaluate`, { cookie: a.cookie });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('profile_incomplete');
  });
});
