// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goal$ } from '#client/lib/data/readers.ts';
import { parseHlc } from '#shared/sync/hlc.ts';
import { expectConverged } from './checks.ts';
import { race, World, type Device, type Runner } from './world.ts';

// docs/SYNC.md §T1, §T9, §T13 and §G4, device to server to device (numbers cite the spec's list).

let world: World;
beforeAll(async () => {
  world = await World.open();
});
afterAll(() => world.close());

const converge = (runner: Runner) => expectConverged(world, runner);

async function twoDevicesWithGoal() {
  const runner = await world.runner();
  const phone = await runner.device();
  const laptop = await runner.device();
  const goalId = randomUUID();
  await phone.mutate('goal.create', { id: goalId, goal: race() });
  await phone.sync();
  await laptop.sync();
  return { runner, phone, laptop, goalId };
}

async function goalOn(device: Device, id: string) {
  return device.db.view('goals').get(id);
}

describe('conflicts', () => {
  it('syncs a goal from one device to another, with the server row and clocks', async () => {
    const { runner, laptop, goalId } = await twoDevicesWithGoal();
    expect(await goalOn(laptop, goalId)).toMatchObject({ id: goalId, target_time_seconds: 6300, deleted: false, user_id: runner.userId });
    await converge(runner);
  });

  for (const order of ['phone first', 'laptop first'] as const) {
    it(`1: offline edits of the same goal, different and same fields, converge per field (${order})`, async () => {
      const { runner, phone, laptop, goalId } = await twoDevicesWithGoal();
      phone.net.offline = laptop.net.offline = true;
      await phone.mutate('goal.update', { id: goalId, set: { title: 'phone title', target_time_seconds: 6000 } });
      world.advance(1000);
      await laptop.mutate('goal.update', { id: goalId, set: { title: 'laptop title', target_race_date: '2026-10-04' } });
      expect(await goalOn(phone, goalId)).toMatchObject({ title: 'phone title', target_time_seconds: 6000, _pending: true });
      expect(await goalOn(laptop, goalId)).toMatchObject({ title: 'laptop title', target_race_date: '2026-10-04' });
      phone.net.offline = laptop.net.offline = false;
      const [first, second] = order === 'phone first' ? [phone, laptop] : [laptop, phone];
      await first.sync();
      await second.sync();
      await converge(runner);
      const expected = { title: 'laptop title', target_time_seconds: 6000, target_race_date: '2026-10-04' };
      for (const device of [phone, laptop]) expect(await goalOn(device, goalId), order).toMatchObject(expected);
      expect((await runner.api('GET', `/api/goals/${goalId}`)).json.goal).toMatchObject(expected);
      // Both edits were applied (per field); neither is refused.
      for (const device of [phone, laptop]) expect((await device.db.acked.toArray()).every((entry) => entry.result.status === 'applied')).toBe(true);
    });

    it(`9: a goal deleted on one device and edited offline on another is deleted everywhere (${order})`, async () => {
      const { runner, phone, laptop, goalId } = await twoDevicesWithGoal();
      phone.net.offline = laptop.net.offline = true;
      await phone.mutate('goal.delete', { id: goalId });
      world.advance(1000);
      await laptop.mutate('goal.update', { id: goalId, set: { title: 'edited offline' } });
      phone.net.offline = laptop.net.offline = false;
      const [first, second] = order === 'phone first' ? [phone, laptop] : [laptop, phone];
      await first.sync();
      await second.sync();
      await converge(runner);
      for (const device of [phone, laptop]) {
        expect(await goalOn(device, goalId)).toMatchObject({ deleted: true });
        expect(await new Promise((resolve) => goal$(device.db, goalId).subscribe(resolve))).toBeUndefined();
      }
      expect((await runner.api('GET', `/api/goals/${goalId}`)).status).toBe(404);
      // G1: an edit that arrives after the delete is refused, visibly, with its payload.
      const rejected = await laptop.db.rejected.toArray();
      if (order === 'phone first') {
        expect(rejected).toEqual([
          expect.objectContaining({
            name: 'goal.update',
            args: { id: goalId, set: { title: 'edited offline' } },
            error: expect.objectContaining({ code: 'not_found' }),
          }),
        ]);
      } else {
        expect(rejected).toEqual([]);
      }
    });
  }

  it('13: a device clock 3 days ahead is re-stamped and leaves no lasting drift', async () => {
    const runner = await world.runner();
    const fast = await runner.device({ skewMs: 3 * 86_400_000 });
    const honest = await runner.device();
    const goalId = randomUUID();
    await fast.mutate('goal.create', { id: goalId, goal: race() });
    await fast.mutate('goal.update', { id: goalId, set: { title: 'from the fast clock' } });
    await fast.sync();
    // The fast device now knows its offset and its clock is back on the server's time.
    const meta = (await fast.db.meta.get('device'))!;
    expect(Math.abs(meta.serverOffset + 3 * 86_400_000)).toBeLessThan(1000);
    expect(parseHlc(meta.hlc!)!.wallMs - world.now()).toBeLessThan(5 * 60_000);
    world.advance(60_000);
    await honest.sync();
    await honest.mutate('goal.update', { id: goalId, set: { title: 'a minute later' } });
    await honest.sync();
    await fast.sync();
    expect(await goalOn(fast, goalId)).toMatchObject({ title: 'a minute later' });
    // A later edit from the fast device wins again: it is neither stuck ahead nor behind.
    world.advance(60_000);
    await fast.mutate('goal.update', { id: goalId, set: { title: 'fast, later' } });
    const stamped = (await fast.db.outbox.toArray())[0]!.hlc;
    expect(Math.abs(parseHlc(stamped)!.wallMs - world.now())).toBeLessThan(1000);
    await converge(runner);
    expect(await goalOn(honest, goalId)).toMatchObject({ title: 'fast, later' });
  });

  it('G4: no flicker when a later change moves the edited row to a later page (the change log is compacted)', async () => {
    const runner = await world.runner();
    const phone = await runner.device({ pullLimit: 1 });
    const laptop = await runner.device();
    const goalId = randomUUID();
    await laptop.mutate('goal.create', { id: goalId, goal: race() });
    await laptop.sync();
    await phone.sync();
    await phone.mutate('goal.update', { id: goalId, set: { title: 'mine' } });
    // After the phone's push lands and before its pull: another goal, then an edit of the same goal.
    let interleaved = false;
    phone.net.onSend = async (kind) => {
      if (kind !== 'pull' || interleaved) return;
      interleaved = true;
      await laptop.mutate('goal.create', { id: randomUUID(), goal: race() });
      await laptop.sync();
      await laptop.mutate('goal.update', { id: goalId, set: { status: 'completed' } });
      await laptop.sync();
    };
    const seen: (string | undefined)[] = [];
    const subscription = goal$(phone.db, goalId).subscribe((goal) => seen.push(goal?.title));
    await phone.sync();
    subscription.unsubscribe();
    expect(await goalOn(phone, goalId)).toMatchObject({ title: 'mine', status: 'completed' });
    expect(seen.every((title) => title === 'mine')).toBe(true);
    await converge(runner);
  });

  it('G4: a pending edit stays visible until the pull that covers it, across many pages', async () => {
    const runner = await world.runner();
    const phone = await runner.device({ pullLimit: 1 });
    const laptop = await runner.device();
    const goalId = randomUUID();
    await laptop.mutate('goal.create', { id: goalId, goal: race() });
    await laptop.sync();
    await phone.sync();
    // Changes the phone has not seen, each its own version, so its next pull takes pages.
    for (let i = 0; i < 4; i++) {
      await laptop.mutate('goal.create', { id: randomUUID(), goal: race() });
      await laptop.sync();
    }
    await phone.mutate('goal.update', { id: goalId, set: { title: 'mine' } });
    const seen: (string | undefined)[] = [];
    const subscription = goal$(phone.db, goalId).subscribe((goal) => seen.push(goal?.title));
    await phone.sync();
    await converge(runner);
    subscription.unsubscribe();
    expect(phone.net.sent.filter((request) => request.kind === 'pull').length).toBeGreaterThan(3);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((title) => title === 'mine')).toBe(true);
  });
});
