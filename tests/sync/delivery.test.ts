// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { and, eq, gt, inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '#server/db/database.ts';
import { goals, syncClient, syncMutationResult } from '#server/db/schema.ts';
import { buildTestApp } from '#server/test/harness.ts';
import { rotateEpoch } from '#server/sync/versions.ts';
import { goals$ } from '#client/lib/data/readers.ts';
import type { PushRequest } from '#shared/sync/protocol.ts';
import { expectConverged, serverResults } from './checks.ts';
import { race, World } from './world.ts';

// docs/SYNC.md §T2, §T4, §T5, §T6 and §T8, two tabs and a database outage, device to server (numbers cite
// the spec's list).

let world: World;
beforeAll(async () => {
  world = await World.open();
});
afterAll(() => world.close());

const clientIdOf = async (db: { meta: { get(key: 'device'): Promise<{ clientId: string } | undefined> } }) => (await db.meta.get('device'))!.clientId;

describe('delivery', () => {
  it('2: a push whose answer is lost is retried and applied once, with the same answer', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    const goalId = randomUUID();
    await phone.mutate('goal.create', { id: goalId, goal: race() });
    await phone.mutate('goal.update', { id: goalId, set: { title: 'Spring half' } });
    let lost = false;
    phone.net.fate = (kind) => (kind === 'push' && !lost ? ((lost = true), 'drop-after') : 'ok');
    expect(await phone.sync()).toMatchObject({ ok: false, error: { code: 'offline' } });
    expect(phone.engine.status).toMatchObject({ phase: 'offline', pending: 2 });
    const first = await serverResults(world, await clientIdOf(phone.db));
    expect(first).toHaveLength(2);
    expect(await phone.sync()).toEqual({ ok: true });
    expect(await serverResults(world, await clientIdOf(phone.db))).toEqual(first);
    expect((await runner.api('GET', '/api/goals')).json.goals).toEqual([expect.objectContaining({ id: goalId, title: 'Spring half' })]);
    await expectConverged(world, runner);
  });

  it('4: a server killed mid-batch, restarted: the rest is applied once, in order', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    const goalId = randomUUID();
    await phone.mutate('goal.create', { id: goalId, goal: race() });
    for (let i = 1; i < 150; i++) {
      world.advance(10);
      await phone.mutate('goal.update', { id: goalId, set: { title: `title ${i}` } });
    }
    // The server gets through the first 50 of the first batch of 100, then dies without answering.
    let killed = false;
    phone.net.onSend = async (kind, body) => {
      if (kind !== 'push' || killed) return;
      const push = body as PushRequest;
      expect(push.mutations.map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      await phone.net.deliver('push', { ...push, mutations: push.mutations.slice(0, 50) });
    };
    phone.net.fate = (kind) => (kind === 'push' && !killed ? ((killed = true), 'drop-before') : 'ok');
    expect((await phone.sync()).ok).toBe(false);
    expect(await serverResults(world, await clientIdOf(phone.db))).toHaveLength(50);
    world.restart();
    // The app restarts too: a new engine over the same IndexedDB.
    phone.close();
    await phone.open();
    expect(await phone.sync()).toEqual({ ok: true });
    const stored = await serverResults(world, await clientIdOf(phone.db));
    expect(stored.map((row) => [row.mutation_id, row.status])).toEqual(Array.from({ length: 150 }, (_, i) => [i + 1, 'applied']));
    expect(stored.every((row, i) => i === 0 || row.version >= stored[i - 1]!.version)).toBe(true);
    expect((await runner.api('GET', `/api/goals/${goalId}`)).json.goal.title).toBe('title 149');
    await expectConverged(world, runner);
  });

  it('5: a poison mutation in the middle is rejected, kept with its payload and shown; the rest go on', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    const [a, b] = [randomUUID(), randomUUID()];
    await phone.mutate('goal.create', { id: a, goal: race() });
    await phone.mutate('goal.create', { id: b, goal: race('2026-01-01') }); // in the past: the server refuses it
    await phone.mutate('goal.update', { id: a, set: { target_weekly_mileage_miles: 30 } }); // not a field of a race goal
    await phone.mutate('goal.update', { id: a, set: { title: 'still applied' } });
    expect((await phone.view('goals')).map((goal) => goal.id).sort()).toEqual([a, b].sort()); // optimistic
    expect(await phone.sync()).toEqual({ ok: true });
    const acked = await phone.db.acked.orderBy('id').toArray();
    expect(acked.map((entry) => entry.result.status)).toEqual(['applied', 'rejected', 'rejected', 'applied']);
    const rejected = await phone.db.rejected.orderBy('at').toArray();
    expect(rejected).toEqual([
      expect.objectContaining({
        id: 2,
        name: 'goal.create',
        args: { id: b, goal: race('2026-01-01') },
        error: expect.objectContaining({ code: 'race_date_in_past' }),
        dismissedAt: null,
      }),
      expect.objectContaining({
        id: 3,
        name: 'goal.update',
        args: { id: a, set: { target_weekly_mileage_miles: 30 } },
        error: expect.objectContaining({ code: 'field_not_for_goal_type' }),
      }),
    ]);
    expect((await phone.view('goals')).map((goal) => [goal.id, goal.title])).toEqual([[a, 'still applied']]);
    await expectConverged(world, runner);
  });

  it("6: a gap (the server restored without some of this device's mutations) is filled by resending from `expected`", async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await phone.mutate('goal.create', { id, goal: race() });
    await phone.sync();
    const clientId = await clientIdOf(phone.db);
    // A restore from a backup taken after mutation 1: the server forgets 2 and 3.
    const db = world.handle.db;
    await db.update(syncClient).set({ last_mutation_id: 1 }).where(eq(syncClient.client_id, clientId));
    await db.delete(syncMutationResult).where(and(eq(syncMutationResult.client_id, clientId), gt(syncMutationResult.mutation_id, 1)));
    await db.delete(goals).where(inArray(goals.id, ids.slice(1)));
    await rotateEpoch(db);
    const fourth = randomUUID();
    await phone.mutate('goal.create', { id: fourth, goal: race() });
    expect(await phone.sync()).toEqual({ ok: true });
    const pushes = phone.net.sent.filter((request) => request.kind === 'push').slice(1);
    expect(pushes.map((request) => [request.status, (request.body as PushRequest).mutations.map((m) => m.id)])).toEqual([
      [409, [4]],
      [200, [2, 3, 4]],
    ]);
    expect((await runner.api('GET', '/api/goals')).json.goals.map((goal: { id: string }) => goal.id).sort()).toEqual([...ids, fourth].sort());
    await expectConverged(world, runner);
  });

  it('6: a gap this device can no longer fill makes it a new client, keeping what it still has', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await phone.mutate('goal.create', { id, goal: race() });
    await phone.sync();
    const oldClient = await clientIdOf(phone.db);
    await world.handle.db.update(syncClient).set({ last_mutation_id: 1 }).where(eq(syncClient.client_id, oldClient));
    await world.handle.db.delete(syncMutationResult).where(and(eq(syncMutationResult.client_id, oldClient), gt(syncMutationResult.mutation_id, 1)));
    await phone.db.acked.bulkDelete([2, 3]); // older than the 30 days `acked` keeps
    const fourth = randomUUID();
    await phone.mutate('goal.create', { id: fourth, goal: race() });
    expect(await phone.sync()).toEqual({ ok: true });
    const newClient = await clientIdOf(phone.db);
    expect(newClient).not.toBe(oldClient);
    expect((await serverResults(world, newClient)).map((row) => row.mutation_id)).toEqual([1]);
    expect((await runner.api('GET', `/api/goals/${fourth}`)).status).toBe(200);
    await expectConverged(world, runner);
  });

  it('8: a transaction larger than a page arrives whole, never half', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    const laptop = await runner.device({ pullLimit: 2 });
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    await phone.sync();
    // Six goals in one push: one server transaction, one version.
    for (let i = 0; i < 6; i++) await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    await phone.sync();
    await phone.mutate('goal.create', { id: randomUUID(), goal: race() });
    await phone.sync();
    const counts: number[] = [];
    const subscription = goals$(laptop.db).subscribe((rows) => counts.push(rows.length));
    await laptop.sync();
    await expectConverged(world, runner);
    subscription.unsubscribe();
    expect(laptop.net.sent.filter((request) => request.kind === 'pull').length).toBeGreaterThanOrEqual(2);
    expect(counts.at(-1)).toBe(8);
    expect(counts.every((n) => [0, 1, 7, 8].includes(n))).toBe(true);
  });

  it('two tabs of one device share the outbox; syncing at once applies each change once', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    const tab = await phone.tab();
    const goalId = randomUUID();
    await phone.mutate('goal.create', { id: goalId, goal: race() });
    const { mutate } = await import('#client/lib/data/mutations.ts');
    for (let i = 0; i < 5; i++) {
      await mutate(tab.db, 'goal.update', { id: goalId, set: { title: `tab ${i}` } });
      await phone.mutate('goal.update', { id: goalId, set: { target_time_seconds: 6000 + i } });
    }
    const outcomes = await Promise.all([phone.engine.syncOnce(), tab.engine.syncOnce(), phone.engine.syncOnce()]);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    tab.db.close();
    const stored = await serverResults(world, await clientIdOf(phone.db));
    expect(stored.map((row) => row.mutation_id)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect((await runner.api('GET', `/api/goals/${goalId}`)).json.goal).toMatchObject({ title: 'tab 4', target_time_seconds: 6004 });
    await expectConverged(world, runner);
  });

  it('a database outage answers 503: the device shows why, keeps its changes and sends them once the database is back', async () => {
    const runner = await world.runner();
    const phone = await runner.device();
    expect(await phone.sync()).toEqual({ ok: true });
    const goalId = randomUUID();
    await phone.mutate('goal.create', { id: goalId, goal: race() });
    // The same app over a database nobody answers for (nothing listens on port 1): real refusals.
    const working = world.server;
    const unreachable = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
    world.server = buildTestApp({ db: drizzle(unreachable) as unknown as Database, kind: 'postgres' });
    try {
      const outcome = await phone.sync();
      expect(outcome).toMatchObject({ ok: false, error: { code: 'server_unavailable', retry: true } });
      expect(!outcome.ok && outcome.error.message).toContain('database_unavailable');
      expect(phone.net.sent.at(-1)).toMatchObject({ kind: 'push', status: 503 });
      expect(phone.engine.status).toMatchObject({ phase: 'error', pending: 1 });
      expect((await phone.view('goals')).map((goal) => goal.id)).toEqual([goalId]);
    } finally {
      world.server = working;
      await unreachable.end();
    }
    expect(await phone.sync()).toEqual({ ok: true });
    expect(phone.engine.status).toMatchObject({ phase: 'idle', pending: 0 });
    expect((await runner.api('GET', '/api/goals')).json.goals).toEqual([expect.objectContaining({ id: goalId })]);
    await expectConverged(world, runner);
  });
});
