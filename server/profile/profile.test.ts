import { describe, expect, it } from 'vitest';
import { decodeWorkout } from '#shared/fit/decode.ts';
import { runnerWithPlan } from '../coach/testing.ts';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';
import { stravaActivities } from '../db/schema.ts';

// The runner's own heart rate and load time constants on the profile (issue 23 §1–2): through
// PUT /api/profile and through sync's profile.update@1 alike, refused whole with the field named
// when a value is out of range or does not fit the rest of the profile.

const t = useTestApp();

const put = (cookie: string, body: unknown) => call(t.app, 'PUT', '/api/profile', { cookie, body });
const profileOf = async (cookie: string) => (await call(t.app, 'GET', '/api/profile', { cookie })).json.profile;

describe('heart rate and load constants on the profile', () => {
  it('starts unknown with the 42/7 constants, and keeps what the runner sets', async () => {
    const { cookie } = await signUp(t);
    expect(await profileOf(cookie)).toMatchObject({
      max_heart_rate: null,
      resting_heart_rate: null,
      threshold_heart_rate: null,
      birth_year: null,
      ctl_days: 42,
      atl_days: 7,
    });
    const set = { max_heart_rate: 170, resting_heart_rate: 50, threshold_heart_rate: 158, birth_year: 1986, ctl_days: 28, atl_days: 5 };
    const res = await put(cookie, set);
    expect(res.status).toBe(200);
    expect(res.json.profile).toMatchObject(set);
    expect(await profileOf(cookie)).toMatchObject(set);
    // The optional ones can be cleared again.
    expect((await put(cookie, { threshold_heart_rate: null, birth_year: null })).json.profile).toMatchObject({
      threshold_heart_rate: null,
      birth_year: null,
      max_heart_rate: 170,
    });
  });

  it('refuses max 300 with a 400 naming the field, and applies nothing of that update', async () => {
    const { cookie } = await signUp(t);
    const res = await put(cookie, { max_heart_rate: 300, resting_heart_rate: 50, units: 'km' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.issues).toEqual([{ path: 'max_heart_rate', message: 'Max heart rate is between 120 and 230 beats per minute' }]);
    expect(await profileOf(cookie)).toMatchObject({ max_heart_rate: null, resting_heart_rate: null, units: 'mi' });

    const constants = await put(cookie, { max_heart_rate: 170, ctl_days: 99 });
    expect(constants.status).toBe(400);
    expect(constants.json.error.issues).toEqual([{ path: 'ctl_days', message: 'Fitness is averaged over 21 to 60 days' }]);
    expect(await profileOf(cookie)).toMatchObject({ max_heart_rate: null, ctl_days: 42 });
  });

  it('checks resting against the max already stored, and refuses the whole update when they clash', async () => {
    const { cookie } = await signUp(t);
    expect((await put(cookie, { max_heart_rate: 125, resting_heart_rate: 50, threshold_heart_rate: 122 })).status).toBe(200);
    const res = await put(cookie, { resting_heart_rate: 110, units: 'km' });
    expect(res.status).toBe(400);
    expect(res.json.error.issues).toEqual([
      { path: 'resting_heart_rate', message: 'Resting heart rate must be at least 20 beats below your max heart rate (125)' },
    ]);
    expect(await profileOf(cookie)).toMatchObject({ resting_heart_rate: 50, units: 'mi' });
    // A max below the threshold already stored names the max.
    expect((await put(cookie, { max_heart_rate: 120 })).json.error.issues).toEqual([
      { path: 'max_heart_rate', message: 'Max heart rate must be above your threshold heart rate (122)' },
    ]);
    // Both in one update are checked together.
    expect((await put(cookie, { max_heart_rate: 128, resting_heart_rate: 110 })).json.error.issues).toEqual([
      { path: 'resting_heart_rate', message: 'Resting heart rate must be at least 20 beats below your max heart rate (128)' },
    ]);
    expect((await put(cookie, { max_heart_rate: 130, resting_heart_rate: 110, threshold_heart_rate: null })).status).toBe(200);
    // A birth year that makes the runner 3 years old.
    expect((await put(cookie, { birth_year: 2023 })).json.error.issues[0]).toMatchObject({ path: 'birth_year', message: expect.stringMatching(/makes you 3/) });
  });

  it('syncs like the other profile fields: pushed by a device, pulled by another, a clash rejected and kept', async () => {
    const { cookie, user } = await signUp(t);
    const now = () => t.clock.now().getTime();
    const phone = new TestDevice(t.app, cookie, now);
    const watch = new TestDevice(t.app, cookie, now);
    const set = phone.mutation('profile.update', { set: { max_heart_rate: 125, resting_heart_rate: 55, ctl_days: 35 } });
    const clash = phone.mutation('profile.update', { set: { resting_heart_rate: 110, units: 'km' } });
    const after = phone.mutation('profile.update', { set: { atl_days: 9 } });
    const res = await phone.push([set, clash, after]);
    expect(res.status).toBe(200);
    expect(res.json.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(res.json.results[1].error).toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'resting_heart_rate', message: expect.stringMatching(/below your max heart rate \(125\)/) }],
    });

    const { changes } = await watch.pullAll();
    const row = changes.find((c) => c.entity === 'user_profiles')!.row;
    expect(row).toMatchObject({
      user_id: user.id,
      max_heart_rate: 125,
      resting_heart_rate: 55,
      threshold_heart_rate: null,
      birth_year: null,
      ctl_days: 35,
      atl_days: 9,
      units: 'mi',
    });
    // An old device's args (no new fields) still apply.
    const old = await watch.push([watch.mutation('profile.update', { set: { units: 'km' } }, 1)]);
    expect(old.json.results[0].status).toBe('applied');
    expect(await profileOf(cookie)).toMatchObject({ units: 'km', max_heart_rate: 125 });
  });
});

// Issue 17 §1–2: the runner's week, a recent race and their zones. GET /api/profile returns the
// zones from the order of sources in docs/TRAINING.md §Fitness; a bad value is a 400 naming the field, nothing applied.
describe('the runner week, a recent race and the zones', () => {
  const daysAgo = (days: number) => new Date(t.clock.now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const zonesOf = async (cookie: string) => (await call(t.app, 'GET', '/api/profile', { cookie })).json.zones;

  it('stores the week with the count following the days, and refuses a long-run day off them', async () => {
    const { cookie } = await signUp(t);
    const ok = await put(cookie, { available_days: ['tue', 'thu', 'sat'], long_run_day: 'sat' });
    expect(ok.status).toBe(200);
    expect(ok.json.profile).toMatchObject({ available_days: ['tue', 'thu', 'sat'], long_run_day: 'sat', days_available_per_week: 3 });
    const off = await put(cookie, { long_run_day: 'fri', units: 'km' });
    expect(off.status).toBe(400);
    expect(off.json.error.issues).toEqual([{ path: 'long_run_day', message: 'Your long-run day (Friday) must be one of the days you can run' }]);
    const none = await put(cookie, { available_days: [] });
    expect(none.json.error.issues).toEqual([{ path: 'available_days', message: 'Pick at least one day you can run' }]);
    expect(await profileOf(cookie)).toMatchObject({ long_run_day: 'sat', units: 'mi', available_days: ['tue', 'thu', 'sat'] });
    // A count alone that no longer matches the days: the engine picks that many days again.
    expect((await put(cookie, { days_available_per_week: 5 })).json.profile).toMatchObject({ days_available_per_week: 5, available_days: null });
  });

  it('refuses a max of 250, a race faster than the world record or in the future, with nothing applied', async () => {
    const { cookie } = await signUp(t);
    const race = { recent_race_distance_meters: 21_097.5, recent_race_time_seconds: 6000, recent_race_date: daysAgo(10) };
    expect((await put(cookie, { ...race, max_heart_rate: 250 })).json.error.issues).toEqual([
      { path: 'max_heart_rate', message: 'Max heart rate is between 120 and 230 beats per minute' },
    ]);
    const fast = await put(cookie, { ...race, recent_race_time_seconds: 3000, max_heart_rate: 178 });
    expect(fast.status).toBe(400);
    expect(fast.json.error.issues[0]).toMatchObject({ path: 'recent_race_time_seconds', message: expect.stringMatching(/faster than the world record/) });
    const future = await put(cookie, { ...race, recent_race_date: daysAgo(-3) });
    expect(future.json.error.issues[0]).toMatchObject({ path: 'recent_race_date', message: expect.stringMatching(/in the future/) });
    const resting = await put(cookie, { max_heart_rate: 178, resting_heart_rate: 180 });
    expect(resting.json.error.issues[0]).toMatchObject({ path: 'resting_heart_rate' });
    expect(await profileOf(cookie)).toMatchObject({ max_heart_rate: null, recent_race_time_seconds: null, recent_race_date: null });
  });

  it('returns zones from the race, the Karvonen bpm from 178/52, and the easy-pace estimate before that', async () => {
    const { cookie } = await signUp(t);
    await put(cookie, { easy_pace_per_mile_seconds: 570, current_weekly_mileage_miles: 25, days_available_per_week: 4 });
    const guess = await zonesOf(cookie);
    expect(guess).toMatchObject({ vdot_source: 'easy_pace', note: 'Estimated from your easy pace — enter a recent race to sharpen it', heart_rate: null });
    expect(guess.vdot_range.high).toBeGreaterThan(guess.vdot_range.low);

    await put(cookie, {
      recent_race_distance_meters: 21_097.5,
      recent_race_time_seconds: 6000,
      recent_race_date: daysAgo(14),
      max_heart_rate: 178,
      resting_heart_rate: 52,
    });
    const zones = await zonesOf(cookie);
    expect(zones.vdot).toBeCloseTo(45, 0);
    expect(zones).toMatchObject({ vdot_source: 'race', units: 'mi', heart_rate: { source: 'karvonen', max_heart_rate: 178, resting_heart_rate: 52 } });
    expect(zones.heart_rate.zones.T).toEqual({ low_bpm: Math.round(52 + 0.84 * 126), high_bpm: Math.round(52 + 0.9 * 126) });
    expect(zones.pace.T.slow_seconds_per_unit).toBeCloseTo(zones.pace.T.slow_seconds_per_km * 1.609344, 6);
  });

  it('reads fitness from the runner’s own hard runs of the last 8 weeks, not from Strava’s', async () => {
    const tenK = (source: 'fit_upload' | 'strava', external: string) => ({
      source,
      external_id: external,
      activity_type: 'Run',
      local_date: daysAgo(5),
      distance_meters: 10_000,
      moving_time_seconds: 47 * 60,
      elapsed_time_seconds: 47 * 60,
    });
    const { cookie } = await signUp(t);
    await put(cookie, { easy_pace_per_mile_seconds: 600, current_weekly_mileage_miles: 20, days_available_per_week: 4 });
    const phone = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
    const upload = phone.mutation('activity.upload', {
      id: crypto.randomUUID(),
      activity: { ...tenK('fit_upload', 'watch-1'), start_time: `${daysAgo(5)}T07:00:00Z`, laps: [] },
    });
    expect((await phone.push([upload])).json.results[0].status).toBe('applied');
    const zones = await zonesOf(cookie);
    expect(zones.vdot_source).toBe('runs');
    expect(zones.note).toMatch(/10\.0 km in 47:00/);
    // The same effort synced from Strava does not feed the figures (docs/STRAVA.md §Policy).
    const other = await signUp(t);
    await put(other.cookie, { easy_pace_per_mile_seconds: 600, current_weekly_mileage_miles: 20, days_available_per_week: 4 });
    await t.deps.db.insert(stravaActivities).values({ ...tenK('strava', '123'), user_id: other.user.id, start_date: new Date(`${daysAgo(5)}T07:00:00Z`) });
    expect((await zonesOf(other.cookie)).vdot_source).toBe('easy_pace');
  });

  it('applies a change queued on a phone before the upgrade, in the old heart-rate names', async () => {
    const { cookie } = await signUp(t);
    const phone = new TestDevice(t.app, cookie, () => t.clock.now().getTime());
    const res = await phone.push([phone.mutation('profile.update', { set: { max_hr: 178, resting_hr: 52, lthr: 165 } })]);
    expect(res.json.results[0].status).toBe('applied');
    expect(await profileOf(cookie)).toMatchObject({ max_heart_rate: 178, resting_heart_rate: 52, threshold_heart_rate: 165 });
  });
});

// The server's .FIT route reads the same zones as GET /api/profile: a pace runner with a recent
// race gets threshold at the race's pace, a heart-rate runner Karvonen from their own figures.
describe('the .FIT route carries the runner’s own zones', () => {
  const THRESHOLD = { segments: [{ type: 'steady', duration_seconds: 1200, pace_target: 'threshold' }] };
  const fitTargets = async (cookie: string, id: string) => {
    const res = await t.app.request(`/api/workouts/${id}/fit`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const decoded = decodeWorkout(new Uint8Array(await res.arrayBuffer()));
    if (!decoded.ok) throw new Error('the .FIT file does not decode');
    return decoded.workout.steps.map((step) => step.target).filter((target) => target && target.type !== 'open');
  };

  it('speed from the race’s threshold pace, then Karvonen bpm from 178/52', async () => {
    const runner = await runnerWithPlan(t);
    const daysAgo = new Date(t.clock.now().getTime() - 14 * 86_400_000).toISOString().slice(0, 10);
    const race = {
      recent_race_distance_meters: 21_097.5,
      recent_race_time_seconds: 6000,
      recent_race_date: daysAgo,
      max_heart_rate: 178,
      resting_heart_rate: 52,
    };
    expect((await put(runner.cookie, race)).status).toBe(200);
    const easy = runner.workouts.find((w) => w.workout_type === 'easy')!;
    expect(
      (await call(t.app, 'PATCH', `/api/workouts/${easy.id}`, { cookie: runner.cookie, body: { workout_type: 'tempo', structure: THRESHOLD } })).status,
    ).toBe(200);

    const zones = (await call(t.app, 'GET', '/api/profile', { cookie: runner.cookie })).json.zones;
    expect(zones.vdot_source).toBe('race');
    const [speed] = await fitTargets(runner.cookie, easy.id);
    expect(speed).toMatchObject({ type: 'speed' });
    if (speed?.type !== 'speed') throw new Error('no speed target');
    expect(speed.low_mps).toBeCloseTo(1000 / zones.pace.T.slow_seconds_per_km, 2);
    expect(speed.high_mps).toBeCloseTo(1000 / zones.pace.T.fast_seconds_per_km, 2);

    expect((await put(runner.cookie, { target_type: 'heart_rate' })).status).toBe(200);
    const [bpm] = await fitTargets(runner.cookie, easy.id);
    expect(bpm).toEqual({ type: 'heart_rate', ...zones.heart_rate.zones.T });
  });
});
