// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readinessCheckins } from '#server/db/schema.ts';
import { buildCoachContext } from '#server/coach/context.ts';
import { runnerWithPlan } from '#server/coach/testing.ts';
import { addDays, weekday } from '#shared/training/dates.ts';
import { poorDayReason, readinessSwap } from '#shared/training/readiness.ts';
import { expectConverged } from './checks.ts';
import { Runner, World } from './world.ts';

// Issue 23 §5: the morning check-in is a synced row (readiness.checkin@1), one per day; a poor
// day's swap is an ordinary workout.update@2; check-ins reach the coach's context and the journal.

let world: World;
beforeAll(async () => {
  world = await World.open();
});
afterAll(() => world.close());

const today = '2026-03-02';

describe('readiness check-ins', () => {
  it('two devices check in the same day offline: one row, last writer wins per field, everyone converges', async () => {
    const signed = await runnerWithPlan(world.server);
    const runner = new Runner(world, signed.cookie, signed.user.id);
    const phone = await runner.device();
    const laptop = await runner.device();
    await phone.sync();
    await laptop.sync();
    phone.net.offline = true;
    laptop.net.offline = true;
    await phone.mutate('readiness.checkin', { id: randomUUID(), date: today, set: { sleep: 2, soreness: 2, stress: 2, resting_hr: 50 } });
    world.advance(60_000);
    await laptop.mutate('readiness.checkin', { id: randomUUID(), date: today, set: { sleep: 5, soreness: 4, stress: 3 } });
    phone.net.offline = false;
    laptop.net.offline = false;
    await expectConverged(world, runner);
    const rows = await world.handle.db.select().from(readinessCheckins).where(eq(readinessCheckins.user_id, runner.userId));
    // The later check-in wins every field it sent; resting HR it left out (null) wins too.
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ date: today, sleep: 5, soreness: 4, stress: 3, resting_hr: null });
    const onPhone = (await phone.db.view('readiness_checkins').toArray()).map(({ _hlc, _pending, ...row }) => row);
    expect(onPhone).toEqual([expect.objectContaining({ id: rows[0]!.id, sleep: 5 })]);
  });

  it('a poor day swaps the tempo for an easy run as a workout.update@2 edit, and the coach and the journal see the check-in', async () => {
    const signed = await runnerWithPlan(world.server, 'Pat');
    const runner = new Runner(world, signed.cookie, signed.user.id);
    const phone = await runner.device();
    await phone.sync();
    const quality = signed.workouts.find((w) => w.scheduled_date >= today && ['tempo', 'threshold', 'intervals'].includes(w.workout_type))!;
    phone.net.offline = true;
    const checkin = { date: quality.scheduled_date, sleep: 4, soreness: 4, stress: 3, resting_hr: null };
    const reason = poorDayReason(checkin, [])!;
    expect(reason).toMatch(/11 of 15/);
    await phone.mutate('readiness.checkin', { id: randomUUID(), date: checkin.date, set: { sleep: 4, soreness: 4, stress: 3 } });
    await phone.mutate('workout.update', { id: quality.id, set: readinessSwap(quality, 'easy'), reason });
    expect(await phone.db.view('workouts').get(quality.id)).toMatchObject({ workout_type: 'easy', title: 'Easy run', _pending: true });
    phone.net.offline = false;
    await expectConverged(world, runner);

    const workout = (await runner.api('GET', `/api/workouts/${quality.id}`)).json.workout;
    expect(workout).toMatchObject({ workout_type: 'easy', title: 'Easy run' });
    const edits = (await runner.api('GET', `/api/workouts/${quality.id}/edits`)).json.edits as { edit_reason?: string; reason?: string }[];
    expect(JSON.stringify(edits)).toContain('11 of 15');

    const week = addDays(checkin.date, -((weekday(checkin.date) + 6) % 7));
    const response = await runner.api('GET', `/api/journal?week=${week}`);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    const journal = response.json;
    expect(journal.readiness).toMatchObject({ checkins: 1, average: { sleep: 4, soreness: 4, stress: 3 }, poor_days: [{ date: checkin.date }] });
    world.advance(Date.parse(`${checkin.date}T08:00:00Z`) - world.now());
    const context = await buildCoachContext(world.server.deps.db, runner.userId, {
      now: new Date(world.now()),
      dataInAi: false,
      current: 'Should I run today?',
    });
    expect(context.system).toContain('Morning check-ins');
    expect(context.system).toMatch(/sleep 4, soreness 4, stress 3 \(11\/15\)/);
  });
});
