import { describe, expect, it } from 'vitest';
import { TrainingLoadResponseSchema } from '#shared/schema/load.ts';
import { seedRun } from '../coach/testing.ts';
import { call, signUp, useTestApp } from '../test/harness.ts';

// GET /api/training-load with the runner's own heart rate and time constants (issue 23 §1–2):
// hrTSS against their threshold heart rate, CTL/ATL with their constants, and each run's method
// saying which was used. Known answers: one hour at threshold heart rate is 100; from nothing,
// one day's load L gives CTL = L / ctl_days and ATL = L / atl_days (load-series.ts).

const t = useTestApp();

const load = async (cookie: string, from = '2026-02-20', to = '2026-02-25') =>
  TrainingLoadResponseSchema.parse((await call(t.app, 'GET', `/api/training-load?from=${from}&to=${to}`, { cookie })).json);

/** A runner with an easy pace and one hour-long trail run at 155 bpm on 2026-02-22. */
async function trailRunner(profile: Record<string, unknown>) {
  const runner = await signUp(t);
  const res = await call(t.app, 'PUT', '/api/profile', {
    cookie: runner.cookie,
    body: { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 570, ...profile },
  });
  expect(res.status).toBe(200);
  await seedRun(t, runner.user.id, {
    source: 'fit_upload',
    activity_type: 'TrailRun',
    local_date: '2026-02-22',
    distance_meters: 9000,
    moving_time_seconds: 3600,
    average_heartrate: 155,
  });
  return runner;
}

describe('training load with the runner’s heart rate and time constants', () => {
  it('scores a trail run by heart rate against their threshold, with their constants', async () => {
    const { cookie } = await trailRunner({ max_heart_rate: 170, resting_heart_rate: 50, threshold_heart_rate: 155, ctl_days: 28, atl_days: 7 });
    const body = await load(cookie);
    expect(body.constants).toEqual({ ctl_days: 28, atl_days: 7 });
    expect(body.heart_rate).toEqual({ max_heart_rate: 170, resting_heart_rate: 50, threshold_heart_rate: 155, source: 'lthr' });
    expect(body.runs).toEqual([{ activity_id: expect.any(String), date: '2026-02-22', load: 100, method: 'hrtss', grade_adjusted: false }]);
    const day = (date: string) => body.days.find((d) => d.date === date)!;
    expect(day('2026-02-22')).toMatchObject({ load: 100, ctl: 3.6, atl: 14.3 }); // 100/28 = 3.57, 100/7 = 14.29
    expect(day('2026-02-23')).toMatchObject({ load: 0, ctl: 3.4, atl: 12.2, tsb: -10.7 }); // ×27/28, ×6/7; form from the day before
    expect(body.notes.join(' ')).toMatch(/by heart rate against a threshold of 155 bpm \(yours\)/);
  });

  it('falls back to pace and the 42/7 constants without them, and says how to get heart-rate scoring', async () => {
    const { cookie } = await trailRunner({});
    const body = await load(cookie);
    expect(body.constants).toEqual({ ctl_days: 42, atl_days: 7 });
    expect(body.heart_rate).toBeNull();
    expect(body.runs[0]!.method).toBe('rtss');
    const feb22 = body.days.find((d) => d.date === '2026-02-22')!;
    expect(feb22.ctl).toBe(Math.round((body.runs[0]!.load / 42) * 10) / 10);
    expect(body.notes.join(' ')).toMatch(/add your max and resting heart rate to your profile/);
  });

  it('estimates the threshold from max and resting heart rate (Karvonen) when it is not measured', async () => {
    const { cookie } = await trailRunner({ max_heart_rate: 170, resting_heart_rate: 50, ctl_days: 42, atl_days: 7 });
    const body = await load(cookie);
    // 50 + 0.87 × (170 − 50) = 154.4 bpm: a run at 155 is a little above threshold.
    expect(body.heart_rate).toEqual({ max_heart_rate: 170, resting_heart_rate: 50, threshold_heart_rate: 154, source: 'karvonen' });
    expect(body.runs[0]!.method).toBe('hrtss');
    expect(body.runs[0]!.load).toBeGreaterThan(100);
    expect(body.runs[0]!.load).toBeLessThan(103);
  });

  it('reads far enough back for a long fitness constant', async () => {
    // ctl_days 60 warms up over 360 days: a block of long runs 255–264 days before `from` still counts.
    const { cookie, user } = await trailRunner({ ctl_days: 60 });
    for (let day = 1; day <= 10; day++) {
      await seedRun(t, user.id, {
        source: 'fit_upload',
        local_date: `2025-06-${String(day).padStart(2, '0')}`,
        distance_meters: 25_000,
        moving_time_seconds: 7200,
      });
    }
    const long = await load(cookie);
    expect(long.days[0]!.ctl).toBeGreaterThan(0);
    // At 42 days (252 of warm-up) it no longer moves the numbers.
    await call(t.app, 'PUT', '/api/profile', { cookie, body: { ctl_days: 42 } });
    expect((await load(cookie)).days[0]!.ctl).toBe(0);
  });
});
