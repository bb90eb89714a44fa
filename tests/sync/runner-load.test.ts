// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerWithPlan, seedRun } from '#server/coach/testing.ts';
import { call } from '#server/test/harness.ts';
import { deviceTrainingLoad } from '#client/lib/data/training-load.ts';
import { TrainingLoadResponseSchema } from '#shared/schema/load.ts';
import { Runner, World } from './world.ts';

// Issue 23 §1–2: the runner's heart rate and time constants reach the phone by sync, and the
// phone's training load, offline, uses them exactly as GET /api/training-load does.

let world: World;
beforeAll(async () => {
  world = await World.open();
});
afterAll(() => world.close());

describe('training load with the runner’s own numbers, on the device', () => {
  it('equals the server’s answer: heart-rate scoring, a 60-day fitness constant reading a year back', async () => {
    const t = world.server;
    const signed = await runnerWithPlan(t);
    const userId = signed.user.id;
    const put = await call(t.app, 'PUT', '/api/profile', {
      cookie: signed.cookie,
      body: { max_heart_rate: 182, resting_heart_rate: 48, birth_year: 1984, ctl_days: 60, atl_days: 10 },
    });
    expect(put.status).toBe(200);
    // Runs over the last year: road runs with heart rate, trail runs (scored by heart rate), one with no distance.
    for (let i = 0; i < 40; i++) {
      const date = new Date(Date.UTC(2025, 2, 10 + i * 9)).toISOString().slice(0, 10);
      const meters = i % 7 === 0 ? 0 : 7000 + (i % 4) * 1000;
      await seedRun(t, userId, {
        source: 'fit_upload',
        activity_type: i % 3 === 0 ? 'TrailRun' : 'Run',
        local_date: date,
        distance_meters: meters,
        moving_time_seconds: 2400 + (i % 5) * 300,
        average_heartrate: 135 + (i % 6) * 5,
      });
    }
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
    // Not vacuous: the runner's numbers were used, and both ways of scoring appear.
    expect(server.constants).toEqual({ ctl_days: 60, atl_days: 10 });
    expect(server.heart_rate).toMatchObject({ max_heart_rate: 182, resting_heart_rate: 48, source: 'karvonen' });
    expect(new Set(server.runs.map((r) => r.method))).toEqual(new Set(['rtss', 'hrtss']));
    expect(server.days[0]!.ctl).toBeGreaterThan(0);
  });
});
