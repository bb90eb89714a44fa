// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runnerWithPlan, seedRun } from '#server/coach/testing.ts';
import { call } from '#server/test/harness.ts';
import { fitnessRuns$ } from '#client/lib/data/fitness-runs.ts';
import { planGoal$, profile$ } from '#client/lib/data/readers.ts';
import { firstValue } from '#client/lib/data/test-kit.ts';
import { encodeOnDevice } from '#client/lib/fit/export.ts';
import { pacesFor, todayIn } from '#client/lib/workout-view.ts';
import { decodeWorkout } from '#shared/fit/decode.ts';
import { Runner, World } from './world.ts';

// Issue 17 §2: the paces follow the runner's best recent run everywhere, on the server and on the
// phone alike. The same synced rows (a hard 10 km of their own, a faster one from Strava's API
// and an older one, neither of which may count) give the Workout view's threshold pace, GET
// /api/profile's zones and both .FIT files the same figures.

let world: World;
beforeAll(async () => {
  world = await World.open();
});
afterAll(() => world.close());

const THRESHOLD = { segments: [{ type: 'steady', duration_seconds: 1200, pace_target: 'threshold' }] };

function speedOf(bytes: Uint8Array) {
  const decoded = decodeWorkout(bytes);
  if (!decoded.ok) throw new Error('the .FIT file does not decode');
  const target = decoded.workout.steps.map((step) => step.target).find((t) => t && t.type !== 'open');
  if (target?.type !== 'speed') throw new Error('no speed target');
  return target;
}

describe('paces from the runner’s own recent runs', () => {
  it('are the same on the phone (Workout view, .FIT) as in GET /api/profile and the server’s .FIT', async () => {
    const t = world.server;
    const signed = await runnerWithPlan(t);
    const userId = signed.user.id;
    const tempo = signed.workouts.find((w) => w.workout_type === 'easy')!;
    expect(
      (await call(t.app, 'PATCH', `/api/workouts/${tempo.id}`, { cookie: signed.cookie, body: { workout_type: 'tempo', structure: THRESHOLD } })).status,
    ).toBe(200);
    const before = (await call(t.app, 'GET', '/api/profile', { cookie: signed.cookie })).json.zones;
    expect(before.vdot_source).toBe('easy_pace');

    // Today is 2026-03-02: a hard 10 km of their own 5 days ago counts; Strava's faster one and a race-fast run of 10 weeks ago do not.
    await seedRun(t, userId, { source: 'fit_upload', local_date: '2026-02-25', distance_meters: 10_000, moving_time_seconds: 42 * 60 });
    await seedRun(t, userId, { source: 'strava', local_date: '2026-02-26', distance_meters: 10_000, moving_time_seconds: 38 * 60 });
    await seedRun(t, userId, { source: 'fit_upload', local_date: '2025-12-20', distance_meters: 10_000, moving_time_seconds: 36 * 60 });
    const zones = (await call(t.app, 'GET', '/api/profile', { cookie: signed.cookie })).json.zones;
    expect(zones.vdot_source).toBe('runs');
    expect(zones.note).toMatch(/10\.0 km in 42:00/);
    // Not vacuous: the run moved threshold pace off the easy-pace guess.
    expect(zones.pace.T.fast_seconds_per_km).toBeLessThan(before.pace.T.fast_seconds_per_km - 5);

    // The server's .FIT for the tempo carries that threshold pace.
    const res = await t.app.request(`/api/workouts/${tempo.id}/fit`, { headers: { cookie: signed.cookie } });
    expect(res.status).toBe(200);
    const server = speedOf(new Uint8Array(await res.arrayBuffer()));
    expect(server.low_mps).toBeCloseTo(1000 / zones.pace.T.slow_seconds_per_km, 2);
    expect(server.high_mps).toBeCloseTo(1000 / zones.pace.T.fast_seconds_per_km, 2);

    // The phone, offline after one sync, from its own rows.
    const phone = await new Runner(world, signed.cookie, userId).device();
    await phone.sync();
    phone.net.offline = true;
    const profile = (await firstValue(profile$(phone.db)))!;
    const goal = (await firstValue(planGoal$(phone.db, tempo.id))) ?? null;
    const runs = await firstValue(fitnessRuns$(phone.db));
    expect(runs).toEqual([{ date: '2026-02-25', distance_meters: 10_000, duration_seconds: 42 * 60 }]);
    const today = todayIn(profile.time_zone, new Date(world.now()));
    const paces = pacesFor(profile, today, goal, runs)!;
    expect(paces.threshold.fast_seconds_per_km).toBeCloseTo(zones.pace.T.fast_seconds_per_km, 6);
    expect(paces.threshold.slow_seconds_per_km).toBeCloseTo(zones.pace.T.slow_seconds_per_km, 6);
    // Without the runs the phone would still show the easy-pace guess: the runs are what moved it.
    expect(pacesFor(profile, today, goal)!.threshold.fast_seconds_per_km).toBeCloseTo(before.pace.T.fast_seconds_per_km, 6);

    const row = (await phone.db.view('workouts').get(tempo.id))!;
    // encodeOnDevice reads the runner's today from the clock: the world's day, not the machine's.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(world.now());
    const file = await encodeOnDevice(
      {
        id: tempo.id,
        title: String(row.title),
        workout_type: String(row.workout_type),
        scheduled_date: String(row.scheduled_date),
        structure: row.structure as never,
        updated_at: String(row.updated_at),
      },
      profile as never,
      goal,
      runs,
    ).finally(() => vi.useRealTimers());
    expect(speedOf(file.bytes)).toEqual(server);
  });
});
