import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { decodeWorkout } from '#shared/fit/decode.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { formatPace } from '#shared/training/units.ts';
import { notifications } from '../db/schema.ts';
import { planDue } from '../reminders/schedule.ts';
import { call, signUp, useTestApp } from '../test/harness.ts';

// Issue 18 §1: a 3:30 marathon goal (8:01/mi) showed "race pace 7:28–7:38/mi" (10K pace) in the
// race's .FIT file, the calendar feed and the reminders. `race` is now the goal's race pace.

const t = useTestApp();
const BAND = 'race pace (7:56–8:05/mi)';

type Row = { id: string; workout_type: string; scheduled_date: string; structure: WorkoutStructure };

async function marathoner() {
  const runner = await signUp(t);
  const profile = { current_weekly_mileage_miles: 40, days_available_per_week: 5, easy_pace_per_mile_seconds: 540, units: 'mi', time_zone: 'UTC' };
  expect((await call(t.app, 'PUT', '/api/profile', { cookie: runner.cookie, body: profile })).status).toBe(200);
  const body = { goal_type: 'race', target_race_distance_meters: 42_195, target_race_date: '2026-06-28', target_time_seconds: 3.5 * 3600 };
  const goal = (await call(t.app, 'POST', '/api/goals', { cookie: runner.cookie, body })).json.goal;
  const res = await call(t.app, 'POST', '/api/plans/generate', { cookie: runner.cookie, body: { goal_id: goal.id } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { ...runner, workouts: res.json.workouts as Row[] };
}

const usesRace = (w: Row) => JSON.stringify(w.structure).includes('"pace_target":"race"');

describe('race pace is the goal pace off the phone too (issue 18 §1)', () => {
  it('the calendar feed shows 3:30 marathon pace, 8:01/mi, on the race and every race-pace session', async () => {
    const { cookie, workouts } = await marathoner();
    const url = new URL((await call(t.app, 'GET', '/api/profile', { cookie })).json.profile.calendar_url);
    const ics = (await (await t.app.request(`${url.pathname}${url.search}`)).text()).replace(/\r\n /g, '');
    const description = (id: string) =>
      ics
        .split('BEGIN:VEVENT')
        .find((block) => block.includes(`UID:${id}@`))!
        .match(/DESCRIPTION:(.*)/)![1]!;
    const race = workouts.find((w) => w.workout_type === 'race')!;
    expect(description(race.id)).toContain(`Run: 26.2 mi ${BAND} — race day`);
    const sessions = workouts.filter((w) => w.workout_type !== 'race' && usesRace(w));
    expect(sessions.length).toBeGreaterThan(0);
    for (const w of sessions) expect(description(w.id)).toContain(BAND);
  });

  it("the server's .FIT file of the race targets 8:01/mi", async () => {
    const { cookie, workouts } = await marathoner();
    const race = workouts.find((w) => w.workout_type === 'race')!;
    const res = await t.app.request(`/api/workouts/${race.id}/fit`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const decoded = decodeWorkout(new Uint8Array(await res.arrayBuffer()));
    if (!decoded.ok) throw new Error('the .FIT file does not decode');
    const target = decoded.workout.steps[0]?.target;
    if (target?.type !== 'speed') throw new Error(`expected a speed target, got ${JSON.stringify(target)}`);
    expect(formatPace((1000 / target.low_mps + 1000 / target.high_mps) / 2, 'mi')).toBe('8:01/mi');
  });

  it("the evening reminder of a race-pace session shows the goal's race pace", async () => {
    const { cookie, user, workouts } = await marathoner();
    const easy = workouts.find((w) => w.workout_type === 'easy')!;
    const structure: WorkoutStructure = {
      segments: [
        { type: 'warmup', duration_seconds: 900, pace_target: 'easy' },
        { type: 'steady', duration_seconds: 1200, pace_target: 'race' },
        { type: 'cooldown', duration_seconds: 600, pace_target: 'easy' },
      ],
    };
    const patched = await call(t.app, 'PATCH', `/api/workouts/${easy.id}`, { cookie, body: { structure } });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    const eve = Date.parse(`${easy.scheduled_date}T00:00:00Z`) - 86_400_000 + 19.5 * 3600_000;
    t.clock.advance(eve - t.clock.now().getTime());
    await planDue(t.deps, t.clock.now());
    const [reminder] = await t.deps.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.user_id, user.id), eq(notifications.idempotency_key, `workout_reminder:${user.id}:${easy.scheduled_date}`)));
    const payload = reminder?.payload as { workouts: { id: string; lines: string[] }[] } | undefined;
    expect(payload?.workouts.find((w) => w.id === easy.id)?.lines).toContain(`Run: 20:00 ${BAND}`);
  });

  it('sizes an edited race-pace step at the goal pace: 10 km at 8:01/mi plans 50 minutes, not 10K pace', async () => {
    const { cookie, workouts } = await marathoner();
    const easy = workouts.find((w) => w.workout_type === 'easy' && w.scheduled_date > '2026-03-15')!;
    const structure = { segments: [{ type: 'steady', distance_meters: 10_000, pace_target: 'race' }] };
    const res = await call(t.app, 'PATCH', `/api/workouts/${easy.id}`, { cookie, body: { structure } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    // 10,000 m / 1,609.344 × 481 s = 2,989 s ≈ 50 min (10K pace, ~6:52/mi, would plan 43).
    expect(res.json.workout.estimated_duration_minutes).toBe(50);
  });
});
