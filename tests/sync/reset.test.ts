// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncUser } from '#server/db/schema.ts';
import { rotateEpoch } from '#server/sync/versions.ts';
import { SyncEngine } from '#client/lib/sync/engine.ts';
import { noLock } from '#client/lib/sync/locks.ts';
import type { PullRequest, PushRequest } from '#shared/sync/protocol.ts';
import { expectConverged } from './checks.ts';
import { Net, race, World } from './world.ts';

// docs/SYNC.md §T10 and §T11 (§G6) and the ways sync stops and says why.

let world: World;
beforeAll(async () => {
  world = await World.open();
});
afterAll(() => world.close());

describe('reset', () => {
  it('10: a cursor below the horizon with pending changes: push first, then reset, nothing lost', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    const laptop = await runner.device();
    const a = randomUUID();
    await phone.mutate('goal.create', { id: a, goal: race() });
    await phone.sync();
    await laptop.sync();
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    await phone.mutate('goal.delete', { id: a });
    await phone.sync();
    // The operator purges tombstones: cursors from before now can no longer be served.
    await world.handle.db
      .update(syncUser)
      .set({ horizon: sql`${syncUser.version}` })
      .where(eq(syncUser.user_id, runner.userId));
    const c = randomUUID();
    const d = randomUUID();
    await laptop.mutate('goal.create', { id: c, goal: race() });
    await laptop.mutate('profile.update', { set: { days_available_per_week: 5 } });
    // A change made while the sync runs, after its first push: the reset must push it too.
    let madeD = false;
    laptop.net.onSend = async (kind) => {
      if (kind === 'pull' && !madeD) {
        madeD = true;
        await laptop.mutate('goal.create', { id: d, goal: race() });
      }
    };
    const before = laptop.net.sent.length;
    expect(await laptop.sync()).toEqual({ ok: true });
    const requests = laptop.net.sent
      .slice(before)
      .map((request) =>
        request.kind === 'push'
          ? `push ${(request.body as PushRequest).mutations.map((m) => m.id).join(',')}`
          : `pull ${(request.body as PullRequest).cursor === null ? 'null' : 'cursor'}`,
      );
    expect(requests).toEqual(['push 1,2', 'pull cursor', 'push 3', 'pull null']);
    const shown = await laptop.view('goals');
    expect(shown.filter((goal) => !goal.deleted).map((goal) => goal.id)).toEqual(expect.arrayContaining([c, d]));
    expect(shown.find((goal) => goal.id === a)).toMatchObject({ deleted: true });
    expect((await laptop.view('user_profiles'))[0]).toMatchObject({ days_available_per_week: 5 });
    await expectConverged(world, runner);
  });

  it('11: a rotated epoch (restore) resets every device; they converge on the new epoch', async () => {
    const runner = await world.runner();
    const phone = await runner.device({ pullLimit: 2 });
    const laptop = await runner.device();
    for (let i = 0; i < 3; i++) await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    await phone.sync();
    await laptop.sync();
    phone.net.offline = laptop.net.offline = true;
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    await laptop.mutate('profile.update', { set: { units: 'km' } });
    const epoch = await rotateEpoch(world.handle.db);
    phone.net.offline = laptop.net.offline = false;
    await expectConverged(world, runner);
    for (const device of [phone, laptop]) {
      expect((await device.db.meta.get('device'))!.cursor!.epoch).toBe(epoch);
      expect((await device.view('goals')).length).toBe(4);
    }
  });

  it('re-downloads rows stored in an older shape (schema version) after pushing', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    await phone.sync();
    await phone.db.meta.update('device', { schemaVersion: 0 });
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    const before = phone.net.sent.length;
    expect(await phone.sync()).toEqual({ ok: true });
    const requests = phone.net.sent
      .slice(before)
      .map((request) => (request.kind === 'pull' ? `pull ${(request.body as PullRequest).cursor === null ? 'null' : 'cursor'}` : 'push'));
    expect(requests).toEqual(['push', 'pull null']);
    expect((await phone.view('goals')).length).toBe(2);
    await expectConverged(world, runner);
  });
});

describe('stopping', () => {
  it('426: a server that refuses this app version stops sync with an "update the app" error', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    const oldApp = {
      push: (body: PushRequest) => phone.net.deliver('push', { ...body, schemaVersion: 0 }),
      pull: (body: PullRequest) => phone.net.deliver('pull', { ...body, schemaVersion: 0 }),
    };
    const engine = new SyncEngine({ db: phone.db, transport: oldApp, lock: noLock });
    expect(await engine.sync()).toMatchObject({ ok: false, error: { code: 'update_required', retry: false } });
    expect(engine.status).toMatchObject({ phase: 'error', pending: 1, error: { message: expect.stringContaining('Reload the app') } });
    expect(await phone.db.outbox.count()).toBe(1);
  });

  it("403: a device id used with another runner's session stops sync; nothing reaches that runner", async () => {
    const alice = await world.runner();
    const bob = await world.runner();
    const phone = await alice.device();
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    await phone.sync();
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    const engine = new SyncEngine({ db: phone.db, transport: new Net(bob), lock: noLock });
    expect(await engine.sync()).toMatchObject({ ok: false, error: { code: 'client_id_taken', retry: false } });
    expect((await bob.api('GET', '/api/goals')).json.goals).toEqual([]);
  });

  it('an engine bound to one runner sends nothing once the session belongs to someone else', async () => {
    const alice = await world.runner();
    const bob = await world.runner();
    // A new device (the server has never seen its client id), and meanwhile another tab signed in as Bob.
    const phone = await alice.device();
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    const asBob = new Net(bob);
    const whoIsSignedIn = async () => (await bob.api('GET', '/api/auth/me')).json.user.id as string;
    const engine = new SyncEngine({ db: phone.db, transport: asBob, lock: noLock, signedInUserId: whoIsSignedIn });
    expect(await engine.sync()).toMatchObject({ ok: false, error: { code: 'signed_out', retry: false } });
    expect(asBob.sent).toEqual([]);
    expect((await bob.api('GET', '/api/goals')).json.goals).toEqual([]);
    // Back in Alice's session, it syncs; once stopped (sign-out), it never runs again.
    const asAlice = new SyncEngine({
      db: phone.db,
      transport: phone.net,
      lock: noLock,
      signedInUserId: async () => (await alice.api('GET', '/api/auth/me')).json.user.id,
    });
    expect(await asAlice.sync()).toEqual({ ok: true });
    await asAlice.stop();
    expect(await asAlice.sync()).toMatchObject({ ok: false, error: { code: 'stopped' } });
  });
});
