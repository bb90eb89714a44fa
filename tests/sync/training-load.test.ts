// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerWithPlan, seedRun } from '#server/coach/testing.ts';
import { call } from '#server/test/harness.ts';
import { deviceTrainingLoad } from '#client/lib/data/training-load.ts';
import { TrainingLoadResponseSchema } from '#shared/schema/load.ts';
import { Runner, World } from './world.ts';

// Issue 23: the Fitness screen works offline by computing the load from the device's rows with
// the shared engine. For the same synced rows the device's answer equals GET /api/training-load.

let world: World;
beforeAll(async () => {
  world = await World.open();
});
afterAll(() => world.close());

describe('training load on the device', () => {
  it('equals the server’s answer for the same rows: runs, the plan’s forecast, race-day form', async () => {
    const t = world.server;
    const signed = await runnerWithPlan(t);
    const userId = signed.user.id;
    // Six weeks of runs, some with laps and climbing, a ride (not counted) and one done workout.
    for (let i = 0; i < 18; i++) {
      const date = new Date(Date.UTC(2026, 0, 19 + i * 2 + (i % 3 === 0 ? 1 : 0))).toISOString().slice(0, 10);
      const meters = 6000 + (i % 5) * 1500;
      await seedRun(t, userId, {
        source: i % 2 ? 'strava' : 'fit_upload',
        local_date: date,
        distance_meters: meters,
        moving_time_seconds: meters * (0.3 + (i % 4) * 0.02),
        total_elevation_gain: i % 3 === 0 ? 40 : 0,
      });
    }
    await seedRun(t, userId, { source: 'strava', activity_type: 'Ride', local_date: '2026-02-20', distance_meters: 30_000, moving_time_seconds: 3600 });
    const runner = new Runner(world, signed.cookie, userId);
    const phone = await runner.device();
    await phone.sync();

    const query = { from: '2026-01-01', to: '2026-05-17' };
    const server = TrainingLoadResponseSchema.parse(
      (await call(t.app, 'GET', `/api/training-load?from=${query.from}&to=${query.to}`, { cookie: signed.cookie })).json,
    );
    phone.net.offline = true;
    const device = await deviceTrainingLoad(phone.db, query, new Date(world.now()));
    expect(device).toEqual(server);
    // Not a vacuous equality: fitness built, the plan forecast, the race marked.
    expect(server.runs).toHaveLength(18);
    expect(server.days.some((d) => d.forecast && d.planned > 0)).toBe(true);
    expect(server.race?.tsb).not.toBeNull();
    expect(Math.max(...server.days.map((d) => d.ctl))).toBeGreaterThan(20);
  });
});
