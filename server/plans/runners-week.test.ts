import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { addDays, weekday } from '#shared/training/dates.ts';

// Issue 17 §4: availability is law, through the API too. A plan runs on the runner's own days with
// the long run on their long-run day, and an edit that moves a run off them is refused in their words.

const t = useTestApp(); // today is 2026-03-02

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const profile = {
  current_weekly_mileage_miles: 25,
  days_available_per_week: 4,
  available_days: ['mon', 'wed', 'fri', 'sun'],
  long_run_day: 'sun',
  easy_pace_per_mile_seconds: 600,
  time_zone: 'Europe/London',
};
const half = { goal_type: 'race', target_race_distance_meters: 21097.5, target_race_date: '2026-06-07' };

async function planned() {
  const runner = await signUp(t);
  expect((await call(t.app, 'PUT', '/api/profile', { cookie: runner.cookie, body: profile })).status).toBe(200);
  const goal = (await call(t.app, 'POST', '/api/goals', { cookie: runner.cookie, body: half })).json.goal;
  const res = await call(t.app, 'POST', '/api/plans/generate', { cookie: runner.cookie, body: { goal_id: goal.id } });
  expect(res.status).toBe(201);
  return { cookie: runner.cookie, workouts: res.json.workouts as { id: string; scheduled_date: string; workout_type: string }[] };
}

describe("the runner's week in the guardrails", () => {
  it('plans runs only on the available days, the long run on Sunday', async () => {
    const { workouts } = await planned();
    const runs = workouts.filter((w) => !['rest', 'cross_training', 'race'].includes(w.workout_type));
    expect(runs.length).toBeGreaterThan(0);
    for (const w of runs) expect(profile.available_days).toContain(DAYS[weekday(w.scheduled_date)]);
    for (const w of runs.filter((x) => x.workout_type === 'long')) expect(DAYS[weekday(w.scheduled_date)]).toBe('sun');
  });

  it('refuses moving a run to a day the runner does not run, and the long run off its day, saying why', async () => {
    const { workouts, cookie } = await planned();
    const easy = workouts.find((w) => w.workout_type === 'easy' && w.scheduled_date > '2026-03-09' && DAYS[weekday(w.scheduled_date)] === 'mon')!;
    const moved = await call(t.app, 'PATCH', `/api/workouts/${easy.id}`, { cookie, body: { scheduled_date: addDays(easy.scheduled_date, 1) } });
    expect(moved.status).toBe(422);
    expect(moved.json.error.code).toBe('guardrail_violation');
    expect(moved.json.error.issues.map((i: { path: string }) => i.path)).toContain('available_days');
    expect(moved.json.error.message).toMatch(/Tuesday 2026-03-\d\d is not one of your running days \(Sunday, Monday, Wednesday, Friday\)/);

    const long = workouts.find((w) => w.workout_type === 'long' && w.scheduled_date > '2026-03-09')!;
    const friday = await call(t.app, 'PATCH', `/api/workouts/${long.id}`, { cookie, body: { scheduled_date: addDays(long.scheduled_date, -2) } });
    expect(friday.status).toBe(422);
    expect(friday.json.error.issues.map((i: { path: string }) => i.path)).toContain('long_run_day');
    expect(friday.json.error.message).toMatch(/Your long run is on Sundays, but this one falls on Friday/);
  });
});
