import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';
import { rotateEpoch } from './versions.ts';
import { eq } from 'drizzle-orm';
import { syncUser } from '../db/schema.ts';

// docs/SYNC.md §Tests, the ones that need no concurrency (numbers cite the spec's list).

const t = useTestApp();

const race = (date = '2026-09-20') => ({ goal_type: 'race', target_race_distance_meters: 21097.5, target_race_date: date, target_time_seconds: 6300 });
const wall = () => t.clock.now().getTime();

async function runner() {
  const { cookie } = await signUp(t);
  return { cookie, device: () => new TestDevice(t.app, cookie, wall) };
}

async function runnerWithUser() {
  const { cookie, user } = await signUp(t);
  return { cookie, user, device: () => new TestDevice(t.app, cookie, wall) };
}

describe('push and pull', () => {
  it('applies a mutation and delivers the row, its clocks and lastMutationId on the next pull', async () => {
    const { device } = await runner();
    const phone = device();
    const goalId = randomUUID();
    const pushed = await phone.push([phone.mutation('goal.create', { id: goalId, goal: race() })]);
    expect(pushed.status).toBe(200);
    expect(pushed.json).toMatchObject({ lastMutationId: 1, results: [{ id: 1, status: 'applied' }] });
    const laptop = device();
    const { changes, last } = await laptop.pullAll();
    expect(changes).toContainEqual(
      expect.objectContaining({ entity: 'goals', id: goalId, op: 'u', row: expect.objectContaining({ target_time_seconds: 6300 }) }),
    );
    expect(changes.find((c) => c.id === goalId).hlc.target_time_seconds).toMatch(/Z-0000-/);
    expect(last.json.lastMutationId).toBe(0); // the laptop's own, not the phone's
    expect((await phone.pull()).json.lastMutationId).toBe(1);
  });

  it('2: a retried push after a lost response applies once and gives the same answer', async () => {
    const { device, cookie } = await runner();
    const phone = device();
    const goalId = randomUUID();
    const batch = [phone.mutation('goal.create', { id: goalId, goal: race() }), phone.mutation('goal.update', { id: goalId, set: { title: 'A' } })];
    const first = await phone.push(batch);
    const retry = await phone.push(batch);
    expect(retry.json.results).toEqual(first.json.results);
    expect((await call(t.app, 'GET', '/api/goals', { cookie })).json.goals).toHaveLength(1);
  });

  it('5: a poison mutation in the middle is rejected with its payload kept; the rest apply', async () => {
    const { device, cookie } = await runner();
    const phone = device();
    const [a, b] = [randomUUID(), randomUUID()];
    const res = await phone.push([
      phone.mutation('goal.create', { id: a, goal: race() }),
      phone.mutation('goal.create', { id: randomUUID(), goal: { ...race(), target_race_distance_meters: -1 } }),
      phone.mutation('goal.update', { id: randomUUID(), set: { title: 'no such goal' } }),
      phone.mutation('workout.teleport', { id: a }),
      phone.mutation('goal.create', { id: b, goal: race() }),
    ]);
    expect(res.status).toBe(200);
    expect(res.json.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'rejected', 'rejected', 'rejected', 'applied']);
    expect(res.json.results[1].error).toMatchObject({
      code: 'validation_failed',
      issues: [expect.objectContaining({ path: 'goal.target_race_distance_meters' })],
    });
    expect(res.json.results[2].error.code).toBe('not_found');
    expect(res.json.results[3].error.code).toBe('unknown_mutation');
    const ids = (await call(t.app, 'GET', '/api/goals', { cookie })).json.goals.map((g: { id: string }) => g.id).sort();
    expect(ids).toEqual([a, b].sort());
    // The stored answer is the same on a retry.
    expect(
      (await phone.push([{ id: 2, name: 'goal.create', v: 1, hlc: '2026-03-02T07:00:00.000Z-0000-0000000000000001', args: {} }])).json.results[0].error.code,
    ).toBe('validation_failed');
  });

  it('5: a refusal inside a batch of creates undoes the batch and rejects only the refused one', async () => {
    const { device, cookie } = await runner();
    const phone = device();
    const [existing, a, c] = [randomUUID(), randomUUID(), randomUUID()];
    await phone.push([phone.mutation('goal.create', { id: existing, goal: race() })]);
    // Run together, the three creates insert `a` before the duplicate is found: that write must not survive.
    const res = await phone.push([
      phone.mutation('goal.create', { id: a, goal: race() }),
      phone.mutation('goal.create', { id: existing, goal: race() }),
      phone.mutation('goal.create', { id: randomUUID(), goal: race('2020-01-01') }),
      phone.mutation('goal.create', { id: c, goal: race() }),
    ]);
    expect(res.json.results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status)).toEqual([
      'applied',
      'id_taken',
      'race_date_in_past',
      'applied',
    ]);
    expect(new Set(res.json.results.map((r: { version: number }) => r.version)).size).toBe(1);
    const ids = (await call(t.app, 'GET', '/api/goals', { cookie })).json.goals.map((g: { id: string }) => g.id).sort();
    expect(ids).toEqual([existing, a, c].sort());
  });

  it('6: a gap answers 409 with the expected id and applies nothing', async () => {
    const { device, cookie } = await runner();
    const phone = device();
    await phone.push([phone.mutation('goal.create', { id: randomUUID(), goal: race() })]);
    phone.mutation('goal.create', { id: randomUUID(), goal: race() }); // id 2 is lost
    const res = await phone.push([phone.mutation('goal.create', { id: randomUUID(), goal: race() })]);
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'out_of_order', expected: 2 });
    expect((await call(t.app, 'GET', '/api/goals', { cookie })).json.goals).toHaveLength(1);
  });

  it('8: a page never splits one transaction', async () => {
    const { device } = await runner();
    const phone = device();
    const ids = Array.from({ length: 6 }, () => randomUUID());
    await phone.push(ids.map((id) => phone.mutation('goal.create', { id, goal: race() })));
    const laptop = device();
    const first = await laptop.pull(2);
    const goalIds = first.json.changes.filter((c: { entity: string }) => c.entity === 'goals').map((c: { id: string }) => c.id);
    expect(goalIds.sort()).toEqual([...ids].sort());
  });

  it("12: a client id used with another runner's session is refused with 403 and nothing applies", async () => {
    const a = await runner();
    const b = await runner();
    const phone = a.device();
    await phone.push([phone.mutation('goal.create', { id: randomUUID(), goal: race() })]);
    phone.cookie = b.cookie;
    const res = await phone.push([phone.mutation('goal.create', { id: randomUUID(), goal: race() })]);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('client_id_taken');
    expect((await phone.pull()).status).toBe(403);
    expect((await call(t.app, 'GET', '/api/goals', { cookie: b.cookie })).json.goals).toEqual([]);
  });

  it("13: a clock 3 days ahead is re-stamped to the server's, so later edits from others still win", async () => {
    const { device, cookie } = await runner();
    const fast = device();
    fast.skewMs = 3 * 86_400_000;
    const goalId = randomUUID();
    await fast.push([
      fast.mutation('goal.create', { id: goalId, goal: race() }),
      fast.mutation('goal.update', { id: goalId, set: { title: 'from the fast clock' } }),
    ]);
    t.clock.advance(60_000);
    const honest = device();
    await honest.push([honest.mutation('goal.update', { id: goalId, set: { title: 'a minute later' } })]);
    expect((await call(t.app, 'GET', `/api/goals/${goalId}`, { cookie })).json.goal.title).toBe('a minute later');
  });

  it('1: two devices edit the same goal offline; the later clock wins per field, in both arrival orders', async () => {
    for (const order of ['phone first', 'laptop first']) {
      const { device, cookie } = await runner();
      const phone = device();
      const laptop = device();
      const goalId = randomUUID();
      await phone.push([phone.mutation('goal.create', { id: goalId, goal: race() })]);
      const early = phone.mutation('goal.update', { id: goalId, set: { title: 'phone title', target_time_seconds: 6000 } });
      t.clock.advance(1000);
      const late = laptop.mutation('goal.update', { id: goalId, set: { title: 'laptop title' } });
      if (order === 'phone first') {
        await phone.push([early]);
        await laptop.push([late]);
      } else {
        await laptop.push([late]);
        await phone.push([early]);
      }
      const goal = (await call(t.app, 'GET', `/api/goals/${goalId}`, { cookie })).json.goal;
      expect(goal, order).toMatchObject({ title: 'laptop title', target_time_seconds: 6000 });
    }
  });

  it('11: a rotated epoch resets devices, which then converge', async () => {
    const { device } = await runner();
    const phone = device();
    await phone.push([phone.mutation('goal.create', { id: randomUUID(), goal: race() })]);
    await phone.pullAll();
    await rotateEpoch(t.deps.db);
    const res = await phone.pull();
    expect(res.json).toMatchObject({ reset: true, reason: 'epoch_changed' });
    phone.cursor = null;
    const { changes } = await phone.pullAll();
    expect(changes.filter((c) => c.entity === 'goals')).toHaveLength(1);
  });

  it('resets a cursor that is ahead of the server', async () => {
    const { device } = await runner();
    const phone = device();
    const { last } = await phone.pullAll();
    phone.cursor = { epoch: last.json.cursor.epoch, v: 10_000 };
    expect((await phone.pull()).json).toMatchObject({ reset: true, reason: 'cursor_ahead' });
  });

  it('refuses old clients with 426, other protocols with 426, and oversize pushes with 413', async () => {
    const { device } = await runner();
    const phone = device();
    const old = await phone.push([phone.mutation('goal.delete', { id: randomUUID() })], { schemaVersion: 0 });
    expect(old.status).toBe(426);
    expect(old.json.error).toMatchObject({ code: 'client_too_old', minSchemaVersion: 3 });
    expect((await phone.pull(500, { protocol: 2 })).status).toBe(426);
    const many = Array.from({ length: 101 }, (_, i) => ({
      id: i + 1,
      name: 'goal.delete',
      v: 1,
      hlc: '2026-03-02T07:00:00.000Z-0000-0000000000000001',
      args: { id: randomUUID() },
    }));
    expect((await phone.push(many)).status).toBe(413);
    const big = await phone.push([phone.mutation('goal.update', { id: randomUUID(), set: { title: 'x'.repeat(600 * 1024) } })]);
    expect(big.status).toBe(413);
  });

  it('gives a digest per entity that changes when data does', async () => {
    const { device, cookie } = await runner();
    const before = (await call(t.app, 'GET', '/api/sync/digest', { cookie })).json.entities;
    expect(before.goals).toEqual({ count: 0, hash: expect.any(String) });
    const phone = device();
    await phone.push([phone.mutation('goal.create', { id: randomUUID(), goal: race() })]);
    const after = (await call(t.app, 'GET', '/api/sync/digest', { cookie })).json.entities;
    expect(after.goals.count).toBe(1);
    expect(after.goals.hash).not.toBe(before.goals.hash);
    expect(after.user_profiles).toEqual(before.user_profiles);
  });
});

describe('re-stamping', () => {
  it('keeps two writes of a fast clock in one push in their order', async () => {
    const { device, cookie } = await runner();
    const fast = device();
    fast.skewMs = 3 * 86_400_000;
    const goalId = randomUUID();
    // A second apart on the device: both counters are 0, and both re-stamp to the server's now.
    const create = fast.mutation('goal.create', { id: goalId, goal: race() });
    const first = fast.mutation('goal.update', { id: goalId, set: { title: 'first' } });
    t.clock.advance(1000);
    const second = fast.mutation('goal.update', { id: goalId, set: { title: 'second' } });
    t.clock.advance(-1000);
    await fast.push([create, first, second]);
    expect((await call(t.app, 'GET', `/api/goals/${goalId}`, { cookie })).json.goal.title).toBe('second');
  });
});

describe('horizon', () => {
  it('lets a first download finish in pages after old tombstones were purged', async () => {
    const { device, user } = await runnerWithUser();
    const phone = device();
    // Eight pushes, eight versions below the horizon: more than one page of 3.
    for (let i = 0; i < 8; i++) await phone.push([phone.mutation('goal.create', { id: randomUUID(), goal: race() })]);
    const [{ v }] = (await t.deps.db.select({ v: syncUser.version }).from(syncUser).where(eq(syncUser.user_id, user.id))) as [{ v: number }];
    await t.deps.db.update(syncUser).set({ horizon: v }).where(eq(syncUser.user_id, user.id));
    await phone.push(Array.from({ length: 4 }, () => phone.mutation('goal.create', { id: randomUUID(), goal: race() })));
    const fresh = device();
    const { changes, last } = await fresh.pullAll(3);
    expect(last.json.reset).toBeUndefined();
    expect(changes.filter((c) => c.entity === 'goals')).toHaveLength(12);
  });
});
