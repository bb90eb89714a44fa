import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { markMissedWorkouts } from './matching.ts';

const t = useTestApp(); // the clock reads 2026-03-02

describe('feasibility re-evaluation', () => {
  it('flags a stretch goal unrealistic once three weeks of workouts are missed', async () => {
    const { cookie } = await signUp(t);
    await call(t.app, 'PUT', '/api/profile', {
      cookie,
      body: { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 600 },
    });
    const goal = (
      await call(t.app, 'POST', '/api/goals', {
        cookie,
        body: { goal_type: 'race', target_race_distance_meters: 42195, target_race_date: '2026-07-05', target_time_seconds: 3 * 3600 + 18 * 60 },
      })
    ).json.goal;
    await call(t.app, 'POST', '/api/plans/generate', { cookie, body: { goal_id: goal.id } });
    const first = await call(t.app, 'POST', `/api/goals/${goal.id}/evaluate`, { cookie });
    expect(first.json.feasibility.verdict).toBe('stretch');

    // Three weeks with no runs: the hourly job marks the past days missed, day by day.
    for (let day = 0; day < 22; day++) {
      t.clock.advance(86_400_000);
      await markMissedWorkouts(t.deps.db, t.clock.now());
    }
    const after = (await call(t.app, 'GET', `/api/goals/${goal.id}`, { cookie })).json.goal;
    expect(after.status).toBe('flagged_unrealistic');
    expect(after.flagged_reason).toMatch(/3:18:00/);
  });
});
