import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';

// POST /api/plans/:id/adapt makes the comebacks of docs/TRAINING.md §Adapting (issue 17): after 5 days
// ill the first runs back are short and easy (not a long run and a tempo); an injury starts with
// walk-runs or cross-training and keeps the runner's note.

const t = useTestApp(); // the fake clock starts on 2026-03-02
const today = '2026-03-02';
const day = (n: number) => new Date(Date.parse(today) + n * 86_400_000).toISOString().slice(0, 10);
type Workout = { scheduled_date: string; workout_type: string; title: string; estimated_distance_meters: number; structure: unknown };

async function planned() {
  const { cookie } = await signUp(t);
  const profile = { current_weekly_mileage_miles: 30, days_available_per_week: 5, easy_pace_per_mile_seconds: 560, units: 'mi', time_zone: 'UTC' };
  expect((await call(t.app, 'PUT', '/api/profile', { cookie, body: profile })).status).toBe(200);
  const goal = (
    await call(t.app, 'POST', '/api/goals', { cookie, body: { goal_type: 'race', target_race_distance_meters: 21_097.5, target_race_date: '2026-05-31' } })
  ).json.goal;
  const res = await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goal.id } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { cookie, planId: res.json.plan.id as string };
}

describe('comebacks through the API', () => {
  it('5 days ill: nothing while ill, then short easy runs, and the reason says so', async () => {
    const { cookie, planId } = await planned();
    const res = await call(t.app, 'POST', `/api/plans/${planId}/adapt`, { cookie, body: { report: { kind: 'illness', date: today, days: 5 } } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.reasons.join(' ')).toMatch(/illness: \d days of short easy running, then back on plan/);
    const runs = (res.json.workouts as Workout[]).filter((w) => w.workout_type !== 'rest');
    expect(runs.filter((w) => w.scheduled_date >= today && w.scheduled_date < day(5))).toEqual([]);
    const back = runs.filter((w) => w.scheduled_date >= day(5) && w.scheduled_date < day(8));
    expect(back.length).toBeGreaterThan(0);
    for (const w of back) {
      expect(w.workout_type).toBe('easy');
      expect(w.estimated_distance_meters).toBeLessThanOrEqual(8000);
      expect(JSON.stringify(w.structure)).not.toMatch(/threshold|tempo|"interval"|repetition|marathon/);
    }
  });

  it('injured with "Achilles sore": walk-runs or cross-training first, no fast running for 3 weeks, the note kept', async () => {
    const { cookie, planId } = await planned();
    const report = { kind: 'injury', date: today, days: 3, notes: 'Achilles sore' };
    const res = await call(t.app, 'POST', `/api/plans/${planId}/adapt`, { cookie, body: { report } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const workouts = res.json.workouts as Workout[];
    const first = workouts.filter((w) => w.scheduled_date >= day(3) && w.scheduled_date < day(10) && w.workout_type !== 'rest');
    expect(first.length).toBeGreaterThan(0);
    for (const w of first) expect(w.title.startsWith('Walk-run') || w.workout_type === 'cross_training').toBe(true);
    const calm = workouts.filter((w) => w.scheduled_date >= day(3) && w.scheduled_date < day(24));
    for (const w of calm) expect(JSON.stringify(w.structure)).not.toMatch(/threshold|tempo|repetition|"pace_target":"interval"|marathon/);
    expect((await call(t.app, 'GET', '/api/profile', { cookie })).json.profile.injury_notes).toBe('Achilles sore');
  });
});
