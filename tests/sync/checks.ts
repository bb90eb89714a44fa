import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { syncMutationResult } from '#server/db/schema.ts';
import { ENTITY_KEYS } from '#client/lib/data/db.ts';
import { refsOf } from '#client/lib/data/mutations.ts';
import { isPending, rebaseRows, serverView } from '#client/lib/data/rebase.ts';
import { SYNCED_ENTITIES } from '#shared/sync/protocol.ts';
import type { Device, Runner, World } from './world.ts';

// Invariants the sync tests assert, shared by the scripted tests and the randomized run.

/** The answers the server stored for a device, in id order. */
export async function serverResults(world: World, clientId: string) {
  return world.handle.db.select().from(syncMutationResult).where(eq(syncMutationResult.client_id, clientId)).orderBy(asc(syncMutationResult.mutation_id));
}

/** Syncs every device until everyone is idle (two full rounds, all online). */
export async function quiesce(runner: Runner): Promise<void> {
  for (let round = 0; round < 2; round++) {
    for (const device of runner.devices) {
      const outcome = await device.sync();
      if (!outcome.ok) throw new Error(`sync failed while quiescing: ${outcome.error.code} ${outcome.error.message}`);
    }
  }
}

/**
 * G1–G3 for one device after quiescence: nothing left in the outbox; every mutation it ever
 * made has exactly one result, the same as the server stored; refusals are listed with their
 * payload; its server state digests like the server's; its screens show exactly that state.
 */
export async function expectSettled(world: World, device: Device, serverDigest: unknown): Promise<void> {
  const meta = (await device.db.meta.get('device'))!;
  expect(await device.db.outbox.count()).toBe(0);
  const acked = await device.db.acked.orderBy('id').toArray();
  expect(acked.map((entry) => entry.id)).toEqual(Array.from({ length: meta.nextMutationId - 1 }, (_, i) => i + 1));
  const stored = await serverResults(world, meta.clientId);
  expect(stored.map((row) => [row.mutation_id, row.status, row.version])).toEqual(acked.map((entry) => [entry.id, entry.result.status, entry.result.version]));
  const refused = acked.filter((entry) => entry.result.status === 'rejected');
  const listed = (await device.db.rejected.toArray()).filter((entry) => entry.clientId === meta.clientId);
  expect(listed.map((entry) => [entry.id, entry.name, entry.args]).sort()).toEqual(refused.map((entry) => [entry.id, entry.name, entry.args]).sort());
  expect(await device.digest()).toEqual(serverDigest);
  expect(await device.view('goals')).toEqual(await device.serverRows('goals'));
  expect(await device.view('user_profiles')).toEqual(await device.serverRows('user_profiles'));
}

/** Quiesces and checks every device of the runner against the server. */
export async function expectConverged(world: World, runner: Runner): Promise<void> {
  await quiesce(runner);
  const digest = await runner.serverDigest();
  for (const device of runner.devices) await expectSettled(world, device, digest);
}

/**
 * The rows screens read equal a rebase computed from scratch: all server rows with every
 * pending mutation re-applied. Checked after every step, it catches an incremental rebase that
 * forgot a row (the flicker G4 forbids, or a change shown after it was refused).
 */
export async function expectViewIsRebase(device: Device): Promise<void> {
  const db = device.db;
  const base = new Map<string, (Record<string, unknown> & { _hlc: Record<string, string> }) | undefined>();
  for (const entity of SYNCED_ENTITIES) for (const record of await db.server(entity).toArray()) base.set(`${entity}:${record.key}`, serverView(record));
  const pending = (await db.outbox.toArray()).filter(isPending);
  for (const entry of pending)
    for (const ref of refsOf(entry, db.userId)) if (!base.has(`${ref.entity}:${ref.key}`)) base.set(`${ref.entity}:${ref.key}`, undefined);
  const expected = [...rebaseRows(base, pending, db.userId)].filter(([, row]) => row !== undefined).map(([ref, row]) => [ref, row]);
  const actual: [string, unknown][] = [];
  for (const entity of SYNCED_ENTITIES) for (const row of await db.view(entity).toArray()) actual.push([`${entity}:${String(row[ENTITY_KEYS[entity]])}`, row]);
  const sort = (rows: [string, unknown][]) => rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  expect(sort(actual)).toEqual(sort(expected as [string, unknown][]));
}
