import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';

// Issue 18 §9: 1 day a week built a half marathon plan of one 13.9-mile run every Sunday.

const t = useTestApp(); // today is 2026-03-02

const half = { goal_type: 'race', target_race_distance_meters: 21097.5, target_race_date: '2026-06-07' };

async function runnerWith(days: number, goal: Record<string, unknown>) {
  const runner = await signUp(t);
  const profile = { current_weekly_mileage_miles: 15, days_available_per_week: days, easy_pace_per_mile_seconds: 600, time_zone: 'UTC' };
  expect((await call(t.app, 'PUT', '/api/profile', { cookie: runner.cookie, body: profile })).status).toBe(200);
  const created = await call(t.app, 'POST', '/api/goals', { cookie: runner.cookie, body: goal });
  expect(created.status).toBe(201);
  return { cookie: runner.cookie, goalId: created.json.goal.id as string };
}

describe('running days a plan needs', () => {
  it('refuses a half marathon plan on 1 or 2 days a week, saying the rule, and makes no plan', async () => {
    for (const days of [1, 2]) {
      const { cookie, goalId } = await runnerWith(days, half);
      const res = await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goalId } });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('plan_input_invalid');
      expect(res.json.error.message).toBe(
        `A half marathon needs at least 3 running days a week, so the long run is not your whole week; you said ${days}. Add running days in your profile, or pick a shorter race.`,
      );
      expect(res.json.error.issues).toEqual([expect.objectContaining({ path: 'profile.days_available_per_week' })]);
      expect((await call(t.app, 'GET', '/api/plans', { cookie })).json.plans).toEqual([]);
    }
  });

  it('builds the half marathon on 3 days, and a 10K on 1', async () => {
    const three = await runnerWith(3, half);
    expect((await call(t.app, 'POST', '/api/plans/generate', { cookie: three.cookie, body: { goal_id: three.goalId } })).status).toBe(201);
    const tenK = await runnerWith(1, { ...half, target_race_distance_meters: 10_000 });
    expect((await call(t.app, 'POST', '/api/plans/generate', { cookie: tenK.cookie, body: { goal_id: tenK.goalId } })).status).toBe(201);
  });
});
