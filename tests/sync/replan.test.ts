// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerWithPlan, seedRun } from '#server/coach/testing.ts';
import { call } from '#server/test/harness.ts';
import { deviceReplanPreview } from '#client/lib/data/replan.ts';
import { addDays } from '#shared/training/dates.ts';
import { Runner, World } from './world.ts';

// Issue 23: the illness re-plan is previewed on the phone (offline too) by the shared adaptPlan
// over the phone's own rows. For the same synced rows it is the re-plan the server previews and
// then makes (POST /api/plans/:id/adapt), so the what-if the runner accepts is the server's plan.

let world: World;
beforeAll(async () => {
  world = await World.open();
});
afterAll(() => world.close());

/** A workout's fields as a preview carries them, without its id (a new workout's id is random on either side). */
const shape = (w: Record<string, unknown>) =>
  JSON.stringify(['scheduled_date', 'workout_type', 'title', 'structure', 'estimated_distance_meters', 'estimated_duration_minutes'].map((f) => w[f]));

describe('the illness re-plan on the phone', () => {
  it('is the re-plan the server previews for the same rows: reasons, removed workouts, every new workout', async () => {
    await illnessReplanMatches();
  });

  it("is the server's re-plan too for a runner with a recent race and their own days (issue 17's profile)", async () => {
    await illnessReplanMatches(async (cookie, today) => {
      const res = await call(world.server.app, 'PUT', '/api/profile', {
        cookie,
        body: {
          available_days: ['mon', 'wed', 'thu', 'sat', 'sun'],
          long_run_day: 'sat',
          recent_race_distance_meters: 10_000,
          recent_race_time_seconds: 44 * 60,
          recent_race_date: addDays(today, -10),
        },
      });
      expect(res.status).toBe(200);
    });
  });
});

/** Previews an illness re-plan on the server and, offline, on the phone, and expects the same plan. */
async function illnessReplanMatches(profileChange?: (cookie: string, today: string) => Promise<void>): Promise<void> {
  {
    const t = world.server;
    const signed = await runnerWithPlan(t);
    const userId = signed.user.id;
    // Three weeks into the plan: runs done so far, from two sources, and one workout logged done by hand.
    world.advance(21 * 86_400_000);
    const today = new Date(world.now()).toISOString().slice(0, 10);
    if (profileChange) await profileChange(signed.cookie, today);
    const past = signed.workouts.filter((w) => w.scheduled_date < today);
    expect(past.length).toBeGreaterThan(2);
    for (const w of past.slice(0, -1))
      await seedRun(t, userId, {
        source: w.scheduled_date.endsWith('1') ? 'strava' : 'fit_upload',
        local_date: w.scheduled_date,
        distance_meters: w.estimated_distance_meters ?? 5000,
      });
    const runner = new Runner(world, signed.cookie, userId);
    const phone = await runner.device();
    await phone.sync();
    await phone.mutate('workout.complete', { id: past.at(-1)!.id, completion_id: crypto.randomUUID(), distance_meters: 6000 });
    await phone.sync();

    const report = { kind: 'illness' as const, date: addDays(today, -1), days: 6 };
    const server = (await call(t.app, 'POST', `/api/plans/${signed.plan.id}/adapt`, { cookie: signed.cookie, body: { report, preview: true } })).json as {
      changed: boolean;
      reasons: string[];
      preview: { workouts: Record<string, unknown>[]; removed_workout_ids: string[] };
    };
    phone.net.offline = true;
    const device = await deviceReplanPreview(phone.db, report, new Date(world.now()));
    if ('blocker' in device) throw new Error(device.blocker);

    expect(server.changed).toBe(true);
    expect(device.changed).toBe(true);
    expect(device.reasons).toEqual(server.reasons);
    expect(
      device.edits
        .filter((e) => e.set.deleted === true)
        .map((e) => e.workout_id)
        .sort(),
    ).toEqual([...server.preview.removed_workout_ids].sort());
    const kept = device.edits.filter((e) => e.set.deleted !== true);
    expect(kept.map((e) => shape(e.set)).sort()).toEqual(server.preview.workouts.map(shape).sort());
    // Not vacuous: the re-plan removed the sick days' workouts and made new ones.
    expect(server.preview.removed_workout_ids.length).toBeGreaterThan(0);
    expect(device.whatIf?.words).toMatch(/race-day form/);
  }
}
