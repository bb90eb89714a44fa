import { describe, expect, it } from 'vitest';
import { addDays } from '#shared/training/dates.ts';
import { openFreshUserDb } from './test-kit.ts';
import { loadHistoryStart } from '#shared/training/load-report.ts';
import { deviceTrainingLoad, deviceWhatIf, proposalEdits, readLoadInputs, workoutWhatIf } from './training-load.ts';

// The Fitness screen and the what-if read the device's own rows (offline); the equality with the
// server's answer is proven in tests/sync/training-load.test.ts.

const now = new Date('2026-03-02T09:00:00Z');
const today = '2026-03-02';
const race = '2026-03-29';

async function runnerDb() {
  const db = await openFreshUserDb('u1', () => now.getTime());
  const row = (r: Record<string, unknown>) => ({ ...r, _hlc: {} });
  await db.view('user_profiles').put(row({ user_id: 'u1', easy_pace_per_mile_seconds: 540, current_weekly_mileage_miles: 40, days_available_per_week: 6, injury_notes: null, time_zone: 'UTC', units: 'km' }));
  await db.view('goals').put(row({ id: 'g1', goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: race, target_time_seconds: null, target_weekly_mileage_miles: null, end_date: null, deleted: false, created_at: '2026-01-01' }));
  await db.view('training_plans').put(row({ id: 'p1', goal_id: 'g1', status: 'active', created_at: '2026-01-01', end_date: race }));
  await db.view('training_plans').put(row({ id: 'p0', goal_id: 'g1', status: 'archived', created_at: '2025-12-01', end_date: race }));
  for (let i = 0; i < 42; i++) await db.view('strava_activities').put(row({ id: `r${i}`, local_date: addDays(today, -42 + i), activity_type: 'Run', distance_meters: 10_000, moving_time_seconds: 3300 }));
  for (let i = -3; i < 27; i++) {
    await db.view('workouts').put(row({ id: `w${i}`, training_plan_id: 'p1', scheduled_date: addDays(today, i), workout_type: i % 7 === 2 ? 'tempo' : 'easy', status: 'scheduled', deleted: false, estimated_distance_meters: 10_000, estimated_duration_minutes: 55 }));
  }
  // An old plan's workout and a completed one are not forecast.
  await db.view('workouts').put(row({ id: 'old', training_plan_id: 'p0', scheduled_date: addDays(today, 3), workout_type: 'long', status: 'scheduled', deleted: false, estimated_duration_minutes: 200 }));
  await db.view('workout_completions').put(row({ id: 'c1', workout_id: 'w0', completion_status: 'completed' }));
  return db;
}

describe('training load on the device', () => {
  it('reads fitness from the runs and forecasts the active plan’s open workouts from today', async () => {
    const db = await runnerDb();
    const report = await deviceTrainingLoad(db, { from: addDays(today, -7), to: race }, now);
    expect(report.today).toBe(today);
    expect(report.runs).toHaveLength(7);
    const ahead = report.days.filter((d) => d.forecast);
    expect(ahead[0]!.date).toBe(today);
    expect(ahead[0]!.planned).toBe(0); // w0 is completed
    expect(ahead.find((d) => d.date === addDays(today, 3))!.planned).toBeLessThan(100); // not the old plan's long run
    expect(report.race).toMatchObject({ date: race });
  });

  it('says what a proposal does to race-day form before it is accepted', async () => {
    const db = await runnerDb();
    const diff = ['w20', 'w23', 'w26'].map((id) => ({ workout_id: id, fields: [{ field: 'workout_type', before: 'easy', after: 'rest' }] }));
    const what = (await deviceWhatIf(db, proposalEdits(diff), now))!;
    expect(what.after.tsb).toBeGreaterThan(what.before.tsb);
    expect(what.words).toMatch(/^race-day form [+-]?\d+ → [+-]?\d+; ramp /);
  });
});

describe('what the runner’s own edit does, before it is saved', () => {
  const inputsOf = async () => readLoadInputs(await runnerDb(), loadHistoryStart, now);

  it('moving a session to the day before the race costs race-day form; the words say before → after', async () => {
    const inputs = await inputsOf();
    const moved = workoutWhatIf(inputs, 'w2', { scheduled_date: addDays(race, -1) })!;
    expect(moved.after.tsb).toBeLessThan(moved.before.tsb);
    expect(moved.words).toMatch(/^race-day form [+-]?\d+ → [+-]?\d+; ramp -?\d+\.\d( → -?\d+\.\d)?\/wk$/);
    // Moving it earlier, away from the race, gives form back instead.
    const earlier = workoutWhatIf(inputs, 'w23', { scheduled_date: addDays(today, 1) })!;
    expect(earlier.after.tsb).toBeGreaterThan(earlier.before.tsb);
  });

  it('longer steps in race week lower race-day form, shorter ones raise it', async () => {
    const inputs = await inputsOf();
    const steps = (minutes: number) => ({ segments: [{ type: 'steady' as const, duration_seconds: minutes * 60, pace_target: 'easy' as const }] });
    const longer = workoutWhatIf(inputs, 'w24', { structure: steps(120) })!;
    const shorter = workoutWhatIf(inputs, 'w24', { structure: steps(20) })!;
    expect(longer.after.tsb).toBeLessThan(longer.before.tsb);
    expect(shorter.after.tsb).toBeGreaterThan(shorter.before.tsb);
    expect(longer.before).toEqual(shorter.before);
  });

  it('says nothing for a workout outside the active plan or a change that changes nothing', async () => {
    const inputs = await inputsOf();
    expect(workoutWhatIf(inputs, 'old', { scheduled_date: addDays(today, 5) })).toBeNull();
    expect(workoutWhatIf(inputs, 'w2', { scheduled_date: addDays(today, 2) })).toBeNull();
    expect(workoutWhatIf(inputs, 'nope', { scheduled_date: addDays(today, 2) })).toBeNull();
  });
});
