// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatMessages, stravaActivities } from '#server/db/schema.ts';
import { nodeIdFor } from '#shared/sync/hlc.ts';
import { SYNCED_ENTITIES, type PullRequest, type PushRequest } from '#shared/sync/protocol.ts';
import { localTick } from '#client/lib/data/clock.ts';
import type { DeviceMeta, ServerRecord, ViewRow } from '#client/lib/data/db.ts';
import { toVersion2Clocks, toVersion2Row, VERSION_2_STORES, writeVersion2Database } from '#client/lib/data/test-kit-v2.ts';
import { expectConverged } from './checks.ts';
import { Device, World } from './world.ts';

// Issue 16, "done when": a device holding unsynced changes under the old schema upgrades and
// syncs them. A phone synced by the old build (Dexie 2, rows and mutations under the old names)
// queues changes offline, the app updates, and the next sync delivers every one of them to the
// real server (migrated to the seed's names) and the phone converges with it.

let world: World;
beforeAll(async () => {
  world = await World.open();
});
afterAll(() => world.close());

describe("a phone updated from the build before the seed's names", () => {
  it('keeps the changes it queued offline under the old names, pushes them, and converges', async () => {
    const runner = await world.runner();
    expect(
      (
        await runner.api('PUT', '/api/profile', {
          current_weekly_mileage_miles: 25,
          days_available_per_week: 5,
          easy_pace_per_mile_seconds: 600,
          time_zone: 'UTC',
        })
      ).status,
    ).toBe(200);
    const goal = (await runner.api('POST', '/api/goals', { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' })).json
      .goal as { id: string };
    const generated = await runner.api('POST', '/api/plans/generate', { goal_id: goal.id });
    expect(generated.status).toBe(201);
    const workouts = generated.json.workouts as { id: string; workout_type: string; scheduled_date: string }[];
    const [edited, done] = workouts.filter((w) => w.workout_type !== 'rest' && w.workout_type !== 'race');

    // The phone as the old build left it: synced, with history of every kind.
    const phone = await runner.device();
    const earlier = randomUUID();
    await phone.mutate('chat.send', { id: earlier, content: 'Can I run on Sunday instead?' });
    await phone.mutate('workout.update', { id: edited!.id, set: { title: 'Steady run' }, reason: 'renamed' });
    await phone.mutate('workout.complete', { id: done!.id, completion_id: randomUUID(), rpe: 5 });
    expect(await phone.sync()).toEqual({ ok: true });
    const snapshot: Record<string, unknown[]> = {};
    for (const table of phone.db.tables) snapshot[table.name] = await table.toArray();
    phone.close();
    runner.devices.splice(0);

    const contents: Record<string, unknown[]> = { meta: [], outbox: [], acked: [], rejected: [] };
    for (const entity of SYNCED_ENTITIES) {
      contents[`server_${entity}`] = (snapshot[`server_${entity}`] as ServerRecord[]).map((r) => ({
        key: r.key,
        row: toVersion2Row(entity, r.row),
        hlc: toVersion2Clocks(entity, r.hlc),
      }));
      contents[entity] = (snapshot[entity] as ViewRow[]).map(({ _hlc, ...row }) => ({ ...toVersion2Row(entity, row), _hlc: toVersion2Clocks(entity, _hlc) }));
    }
    contents.acked = snapshot.acked!;

    // Offline, the old build queues three changes under the names it knew, applied on its screens.
    const meta = { ...(snapshot.meta![0] as DeviceMeta), schemaVersion: 2 };
    const node = nodeIdFor(meta.clientId);
    let hlc = meta.hlc;
    const stamp = () => (hlc = localTick(hlc, world.now(), node));
    const upload = randomUUID();
    const offline = randomUUID();
    const queued = [
      { name: 'workout.update', args: { id: edited!.id, set: { type: 'tempo', title: 'Tempo, changed on the train' } } },
      {
        name: 'activity.upload',
        args: {
          id: upload,
          activity: {
            source: 'fit_upload',
            external_id: 'fit-garmin-9-9',
            sport_type: 'Run',
            start_time: '2026-03-01T07:00:00.000Z',
            local_date: '2026-03-01',
            distance_meters: 5000,
            moving_time_seconds: 1650,
            elapsed_time_seconds: 1700,
            laps: [],
          },
        },
      },
      { name: 'chat.send', args: { id: offline, content: 'Written without a connection' } },
    ].map((change, i) => ({ id: meta.nextMutationId + i, v: 1, hlc: stamp(), createdAt: world.now(), ...change }));
    contents.outbox = queued;
    const workoutRows = contents.workouts as ViewRow[];
    const row = workoutRows.find((w) => w.id === edited!.id)!;
    Object.assign(row, {
      type: 'tempo',
      title: 'Tempo, changed on the train',
      edited_by_user: true,
      _pending: true,
      _hlc: { ...row._hlc, type: queued[0]!.hlc, title: queued[0]!.hlc },
    });
    contents.meta = [{ ...meta, nextMutationId: meta.nextMutationId + queued.length, hlc }];
    const factory = new IDBFactory();
    const name = `runcoach-${runner.userId}-old-build`;
    await writeVersion2Database({ name, stores: VERSION_2_STORES, contents }, factory);

    // The app updates: this build opens the database (Dexie 3 upgrades it) and the runner, still
    // offline, sees the change under the new names.
    const updated = new Device(runner, factory, name, {});
    await updated.open();
    runner.devices.push(updated);
    expect(await updated.db.view('workouts').get(edited!.id)).toMatchObject({ workout_type: 'tempo', title: 'Tempo, changed on the train', _pending: true });

    const before = updated.net.sent.length;
    expect(await updated.sync()).toEqual({ ok: true });
    const requests = updated.net.sent
      .slice(before)
      .map((r) =>
        r.kind === 'push'
          ? `push ${(r.body as PushRequest).mutations.map((m) => `${m.name}@${m.v}`).join(' ')}`
          : `pull ${(r.body as PullRequest).cursor === null ? 'from scratch' : 'cursor'}`,
      );
    expect(requests).toEqual(['push workout.update@2 activity.upload@2 chat.send@1', 'pull from scratch']);
    expect((await updated.db.acked.bulkGet(queued.map((q) => q.id))).map((entry) => entry?.result.status)).toEqual(['applied', 'applied', 'applied']);

    // The server has every change, under the seed's names.
    const onServer = (await runner.api('GET', `/api/workouts/${edited!.id}`)).json.workout;
    expect(onServer).toMatchObject({ workout_type: 'tempo', title: 'Tempo, changed on the train' });
    const [run] = await world.handle.db.select().from(stravaActivities).where(eq(stravaActivities.id, upload));
    expect(run).toMatchObject({ activity_type: 'Run', source: 'fit_upload' });
    // The message written offline continues the conversation it was written in.
    const messages = await world.handle.db.select().from(chatMessages).where(eq(chatMessages.user_id, runner.userId));
    expect(messages.map((m) => m.id).sort()).toEqual([earlier, offline].sort());
    expect(new Set(messages.map((m) => m.conversation_id)).size).toBe(1);

    // And the phone holds exactly the server's rows (the digest), its screens showing them.
    await expectConverged(world, runner);
    expect(await updated.db.view('chat_messages').get(offline)).toMatchObject({ conversation_id: messages[0]!.conversation_id });
  });
});
