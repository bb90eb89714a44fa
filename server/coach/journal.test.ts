import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '#shared/training/dates.ts';
import { workoutCompletions, workouts } from '../db/schema.ts';
import { allRequests, runnerWithPlan, seedRun, startCoachTest, type CoachTest } from './testing.ts';
import { call, signUp } from '../test/harness.ts';

// GET /api/journal: the runner's week in numbers (from all their activities, Strava included:
// it is their own data), week-over-week trends, planned vs done, rule-based insights, and the
// coach's narrative, written from allowed sources only.

let c: CoachTest;
beforeAll(async () => {
  c = await startCoachTest();
});
afterAll(() => c.close());

const steady = { segments: [{ type: 'steady', distance_meters: 8000, pace_target: 'easy' }] };

async function runnerWithHistory() {
  const runner = await runnerWithPlan(c.t);
  const id = runner.user.id;
  // The week before: two easy runs.
  await seedRun(c.t, id, {
    source: 'fit_upload',
    local_date: '2026-02-17',
    distance_meters: 8000,
    moving_time_seconds: 2880,
    average_heartrate: 150,
    total_elevation_gain: 40,
  });
  await seedRun(c.t, id, {
    source: 'fit_upload',
    local_date: '2026-02-21',
    distance_meters: 10_000,
    moving_time_seconds: 3600,
    average_heartrate: 152,
    total_elevation_gain: 60,
  });
  // The journal's week: three runs, one of them from Strava, and a bigger long run.
  await seedRun(c.t, id, {
    source: 'fit_upload',
    local_date: '2026-02-24',
    distance_meters: 8000,
    moving_time_seconds: 2880,
    average_heartrate: 144,
    total_elevation_gain: 50,
  });
  await seedRun(
    c.t,
    id,
    { source: 'strava', local_date: '2026-02-26', distance_meters: 6000, moving_time_seconds: 2160, average_heartrate: 146, total_elevation_gain: 20 },
    'Quokka Strava Jog',
  );
  await seedRun(c.t, id, { source: 'manual', local_date: '2026-03-01', distance_meters: 14_000, moving_time_seconds: 5040 });
  // Planned that week: an easy run (done) and a tempo (missed).
  const rows = await c.t.deps.db
    .insert(workouts)
    .values([
      {
        user_id: id,
        scheduled_date: '2026-02-24',
        workout_type: 'easy',
        title: 'Easy 8 km',
        structure: steady,
        estimated_distance_meters: 8000,
        status: 'completed',
      },
      {
        user_id: id,
        scheduled_date: '2026-02-27',
        workout_type: 'tempo',
        title: 'Tempo 6 km',
        structure: steady,
        estimated_distance_meters: 9000,
        status: 'missed',
      },
    ])
    .returning();
  await c.t.deps.db.insert(workoutCompletions).values([
    { user_id: id, workout_id: rows[0]!.id, completion_status: 'completed', distance_meters: 8000, duration_seconds: 2880 },
    { user_id: id, workout_id: rows[1]!.id, completion_status: 'missed' },
  ]);
  return runner;
}

describe('weekly journal', () => {
  it('computes stats, trends, planned vs done and insights; the narrative leaves Strava out', async () => {
    const { cookie } = await runnerWithHistory();
    c.standin.requests.length = 0;
    c.standin.script({ type: 'tool_use', name: 'weekly_memory', input: { narrative: 'A bigger week with a strong long run.', injuries: [], preferences: [] } });
    const res = await call(c.t.app, 'GET', '/api/journal?week=2026-02-23', { cookie });
    expect(res.status).toBe(200);
    const j = res.json;
    expect(j).toMatchObject({ week: '2026-02-23', week_end: '2026-03-01', units: 'km' });
    expect(j.stats).toMatchObject({
      runs: 3,
      distance_meters: 28_000,
      moving_time_seconds: 10_080,
      average_pace_seconds_per_km: 360,
      elevation_gain_meters: 70,
      average_heartrate: 144.9,
      longest_run_meters: 14_000,
      longest_run_date: '2026-03-01',
    });
    expect(j.trends.distance_meters).toEqual({ value: 28_000, previous: 18_000, change: 10_000, change_pct: 55.6 });
    expect(j.trends.average_heartrate.change).toBeCloseTo(144.9 - 151.1, 1);
    expect(j.planned_vs_done).toMatchObject({ planned_sessions: 2, completed: 1, missed: 1, completion_rate: 0.5 });
    // One earlier week of running is no history for a record (issue 18 §10).
    expect(j.insights.achievements.join(' ')).not.toMatch(/biggest week|longest run in/);
    // A planned week is judged against the plan, and sessions are named from their steps in the runner's unit.
    expect(j.insights.to_improve).toEqual([
      "You ran 28.0 km against 17.0 km planned: 65% more than the plan asks. Keep to the plan's distances next week.",
      'Quality session missed: Tempo 8.0 km (Friday).',
    ]);
    expect(j.insights.patterns).toEqual([
      'You ran on Tuesday, Thursday, Sunday.',
      'Average heart rate 145 bpm, 6 lower than last week at a similar pace: your aerobic fitness is improving.',
    ]);
    expect(j.narrative).toMatchObject({ text: 'A bigger week with a strong long run.', source: 'coach' });
    expect(j.narrative_status).toBe('ready');

    // The narrative request had the allowed runs only: 22 km, not the Strava jog.
    expect(c.standin.requests).toHaveLength(1);
    const sent = allRequests(c.standin);
    expect(sent).not.toContain('Quokka');
    expect(JSON.parse(c.standin.requests[0]!.body.messages[0].content).this_week).toMatchObject({ runs: 2, distance_meters: 22_000 });
    // The narrative is the week's memory now: reading again asks nothing.
    await call(c.t.app, 'GET', '/api/journal?week=2026-02-23', { cookie });
    expect(c.standin.requests).toHaveLength(1);
  });

  it('has no narrative yet for the week in progress, and opens the week holding any day asked for', async () => {
    const { cookie } = await runnerWithHistory();
    const now = await call(c.t.app, 'GET', '/api/journal?week=2026-03-02', { cookie });
    expect(now.json).toMatchObject({ narrative: null, narrative_status: 'week_in_progress', planned_vs_done: { planned_sessions: 4 } });
    // Monday morning, nothing run yet: nothing compared (no "0.0 km ▼100%") and nothing to scold.
    expect(now.json.compared_days).toBe(0);
    expect(now.json.trends.distance_meters).toMatchObject({ value: 0, previous: null, change: null });
    expect(now.json.insights.to_improve).toEqual([]);
    const tuesday = await call(c.t.app, 'GET', '/api/journal?week=2026-02-26', { cookie });
    expect(tuesday.status).toBe(200);
    expect(tuesday.json).toMatchObject({ week: '2026-02-23', week_end: '2026-03-01' });
  });

  it('does not scold a runner for following the plan after one pre-plan run, and compares a week in progress with the same days', async () => {
    const runner = await runnerWithPlan(c.t);
    const id = runner.user.id;
    // The plan's weeks are the journal's weeks (issue 18): the first plan week, whatever its weekday.
    const first = runner.plan.weeks[0].start_date as string;
    await seedRun(c.t, id, { source: 'fit_upload', local_date: addDays(first, -3), distance_meters: 3000, moving_time_seconds: 1100 });
    const week = runner.workouts.filter((w) => w.scheduled_date >= first && w.scheduled_date < addDays(first, 7) && w.workout_type !== 'rest');
    expect(week.length).toBeGreaterThan(1);
    for (const w of week)
      await seedRun(c.t, id, {
        source: 'fit_upload',
        local_date: w.scheduled_date,
        distance_meters: w.estimated_distance_meters ?? 5000,
        moving_time_seconds: 1800,
      });
    c.t.clock.advance(7 * 86_400_000);
    const j = (await call(c.t.app, 'GET', `/api/journal?week=${addDays(first, 3)}`, { cookie: runner.cookie })).json;
    expect(j.week).toBe(first);
    expect(j.trends.distance_meters.change_pct).toBeGreaterThan(100);
    const words = [...j.insights.achievements, ...j.insights.to_improve].join(' ');
    expect(words).not.toMatch(/Volume up|hold it steady|more than the plan asks|biggest week|longest run in/i);
    // The next week in progress: compared with the same days of this one, not with all of it.
    const next = addDays(first, 7);
    await seedRun(c.t, id, { source: 'fit_upload', local_date: next, distance_meters: 4000, moving_time_seconds: 1500 });
    const inProgress = (await call(c.t.app, 'GET', `/api/journal?week=${next}`, { cookie: runner.cookie })).json;
    const sameDays = week.filter((w) => w.scheduled_date <= addDays(first, inProgress.compared_days - 1));
    expect(inProgress.compared_days).toBeGreaterThan(0);
    expect(inProgress.compared_days).toBeLessThan(7);
    expect(inProgress.trends.distance_meters.previous).toBe(sameDays.reduce((sum, w) => sum + (w.estimated_distance_meters ?? 5000), 0));
  });

  // Found by the fuzz test: the Monday check ran on a value that is not a date and threw (500).
  it('answers 400, not 500, to a week that is not a date', async () => {
    const { cookie } = await signUp(c.t);
    for (const week of ['["2026-03-02"]', 'monday', '2026-02-30']) {
      const res = await call(c.t.app, 'GET', `/api/journal?week=${encodeURIComponent(week)}`, { cookie });
      expect(res.status, week).toBe(400);
      expect(res.json.error.issues).toEqual([{ path: 'week', message: 'expected a date as YYYY-MM-DD' }]);
    }
  });
});
