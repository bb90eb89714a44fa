import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { decodeWorkout } from '#shared/fit/decode.ts';
import { DEFAULT_PREFERENCES } from '#shared/schema/notifications.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { runnerWithPlan } from '../coach/testing.ts';
import { userProfiles, workouts } from '../db/schema.ts';
import { reminderPayload } from '../reminders/schedule.ts';
import { call, useTestApp } from '../test/harness.ts';

// Issue 17: heart-rate targets assumed max 185 / rest 60 for everyone. With the runner's own max
// and resting heart rate in the profile, the watch file, the calendar and the reminder carry
// their bands: Karvonen threshold = rest + 0.84…0.90 × (max − rest), so 170/50 gives 151–158 bpm
// where the typical runner's 185/60 gives 165–173.

const t = useTestApp();

const THRESHOLD: WorkoutStructure = {
  segments: [
    { type: 'warmup', duration_seconds: 900, pace_target: 'easy' },
    { type: 'steady', duration_seconds: 1200, pace_target: 'threshold' },
    { type: 'cooldown', duration_seconds: 600, pace_target: 'easy' },
  ],
};

/** A heart-rate runner with a plan whose first week's easy run became 20 minutes at threshold. */
async function heartRateRunner(heart: Record<string, number>) {
  const runner = await runnerWithPlan(t);
  expect((await call(t.app, 'PUT', '/api/profile', { cookie: runner.cookie, body: { target_type: 'heart_rate', ...heart } })).status).toBe(200);
  const easy = runner.workouts.find((w) => w.workout_type === 'easy')!;
  const res = await call(t.app, 'PATCH', `/api/workouts/${easy.id}`, { cookie: runner.cookie, body: { workout_type: 'tempo', structure: THRESHOLD } });
  expect(res.status).toBe(200);
  return { ...runner, tempo: res.json.workout as { id: string } };
}

/** The heart-rate ranges of a workout's .FIT file, as "low–high bpm". */
async function fitBands(cookie: string, id: string): Promise<string[]> {
  const res = await t.app.request(`/api/workouts/${id}/fit`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const decoded = decodeWorkout(new Uint8Array(await res.arrayBuffer()));
  if (!decoded.ok) throw new Error('the .FIT file does not decode');
  return decoded.workout.steps.flatMap((step) => (step.target?.type === 'heart_rate' ? [`${step.target.low_bpm}–${step.target.high_bpm} bpm`] : []));
}

describe('heart-rate targets from the runner’s own max and resting heart rate', () => {
  it('puts 151–158 bpm for threshold in the .FIT file of a runner with max 170 / rest 50 (165–173 without them)', async () => {
    const mine = await heartRateRunner({ max_heart_rate: 170, resting_heart_rate: 50 });
    const bands = await fitBands(mine.cookie, mine.tempo.id);
    expect(bands).toContain('151–158 bpm');
    expect(bands).not.toContain('165–173 bpm');
    const typical = await heartRateRunner({});
    expect(await fitBands(typical.cookie, typical.tempo.id)).toContain('165–173 bpm');
  });

  it('writes the same bands in the calendar feed and the reminder', async () => {
    const runner = await heartRateRunner({ max_heart_rate: 170, resting_heart_rate: 50 });
    const url = new URL((await call(t.app, 'GET', '/api/profile', { cookie: runner.cookie })).json.profile.calendar_url);
    const ics = (await (await t.app.request(`${url.pathname}${url.search}`)).text()).replace(/\r\n /g, '');
    const event = ics.split('BEGIN:VEVENT').find((block) => block.includes(`UID:${runner.tempo.id}@`))!;
    expect(event).toContain('151–158 bpm');
    expect(event).not.toMatch(/\/mi|\/km/);

    const [profile] = await t.deps.db.select().from(userProfiles).where(eq(userProfiles.user_id, runner.user.id));
    const [row] = await t.deps.db.select().from(workouts).where(eq(workouts.id, runner.tempo.id));
    const payload = reminderPayload(
      { runner: { profile: profile!, prefs: DEFAULT_PREFERENCES }, kind: 'workout_reminder', key: 'k', date: row!.scheduled_date, dueAt: t.clock.now() },
      [row!],
      t.clock.now(),
    )!;
    expect(payload.workouts[0]!.lines.join(' ')).toContain('151–158 bpm');
  });
});
