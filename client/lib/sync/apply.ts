import { nodeIdFor } from '#shared/sync/hlc.ts';
import { SCHEMA_VERSION, SYNCED_ENTITIES, type MutationError, type PushResponse, type SyncedEntity } from '#shared/sync/protocol.ts';
import { localReceive, maxHlc } from '../data/clock.ts';
import { allEntityTables, type AckedEntry, type OutboxEntry, type UserDb } from '../data/db.ts';
import type { RowRef } from '../data/define.ts';
import { readMeta } from '../data/meta.ts';
import { refsOf } from '../data/mutations.ts';
import { rebase } from '../data/rebase.ts';
import type { PullPage } from './wire.ts';

// The two writes sync makes to the device, each ONE Dexie transaction (docs/SYNC.md §Device):
// applying a pull page (rows, confirmations, cursor, rebase) and recording push answers.

const ENTITIES = new Set<string>(SYNCED_ENTITIES);

/**
 * Applies one pull page: the rows, then the mutations it confirms (G4: a mutation stops being
 * re-applied only when the last page of a snapshot reports lastMutationId ≥ its id), the
 * rebase, the cursor and the clocks. With `clearFirst` (a reset), the entity tables are
 * emptied in the same transaction.
 */
export async function applyPage(db: UserDb, page: PullPage, options: { clearFirst: boolean; nowMs: number }): Promise<void> {
  await db.transaction('rw', [db.meta, db.outbox, db.acked, ...allEntityTables(db)], async () => {
    const meta = await readMeta(db);
    if (options.clearFirst) {
      for (const entity of SYNCED_ENTITIES) {
        await db.view(entity).clear();
        await db.server(entity).clear();
      }
    }
    const refs: RowRef[] = [];
    for (const change of page.changes) {
      if (!ENTITIES.has(change.entity)) continue;
      const entity = change.entity as SyncedEntity;
      refs.push({ entity, key: change.id });
      if (change.op === 'u') await db.server(entity).put({ key: change.id, row: change.row, hlc: change.hlc });
      else await db.server(entity).delete(change.id);
    }
    // Only a last page means every row of its snapshot has arrived. An earlier page covering a
    // mutation's version is not enough: the change log is compacted, so a row the mutation
    // changed moves to a later page as soon as anyone changes it again.
    const confirmable = page.hasMore ? [] : await db.outbox.where('id').belowOrEqual(page.lastMutationId).toArray();
    for (const entry of confirmable) {
      if (entry.confirmed) continue;
      refs.push(...refsOf(entry, db.userId));
      if (entry.result) await moveToAcked(db, entry, options.nowMs);
      else await db.outbox.put({ ...entry, confirmed: true }); // answer lost: the next push asks again
    }
    await rebase(db, refs);
    const serverOffset = page.serverTime - options.nowMs;
    const remote = maxHlc(page.changes.flatMap((change) => (change.op === 'u' ? Object.values(change.hlc) : [])));
    await db.meta.put({
      ...meta,
      cursor: page.cursor,
      serverOffset,
      hlc: remote ? localReceive(meta.hlc, remote, options.nowMs + serverOffset, nodeIdFor(meta.clientId)) : meta.hlc,
      schemaVersion: SCHEMA_VERSION,
      lastSyncedAt: page.hasMore ? meta.lastSyncedAt : options.nowMs,
    });
  });
}

/**
 * Records a push answer: each result is kept on its outbox entry until a pull confirms it
 * (or, if a pull already did, the entry moves to `acked`). A refusal goes to `rejected` at once
 * and its optimistic effect is rebased away: the server will never apply it.
 */
export async function recordResults(db: UserDb, response: PushResponse, nowMs: number): Promise<void> {
  await db.transaction('rw', [db.meta, db.outbox, db.acked, db.rejected, ...allEntityTables(db)], async () => {
    const refused: RowRef[] = [];
    for (const result of response.results) {
      const entry: OutboxEntry | AckedEntry | undefined = (await db.outbox.get(result.id)) ?? (await db.acked.get(result.id));
      if (!entry) continue;
      if (result.status === 'rejected') {
        await keepRejected(db, entry, result.error, nowMs);
        refused.push(...refsOf(entry, db.userId));
      }
      if ('ackedAt' in entry)
        await db.acked.put({ ...entry, result }); // resent after a server restore
      else if (entry.confirmed) await moveToAcked(db, { ...entry, result }, nowMs);
      else await db.outbox.put({ ...entry, result });
    }
    if (refused.length > 0) await rebase(db, refused);
    const meta = await readMeta(db);
    await db.meta.put({ ...meta, serverOffset: response.serverTime - nowMs });
  });
}

async function moveToAcked(db: UserDb, entry: OutboxEntry, nowMs: number): Promise<void> {
  const { result, confirmed: _confirmed, ...mutation } = entry;
  if (!result) throw new Error(`mutation ${entry.id} has no result to acknowledge`);
  await db.outbox.delete(entry.id);
  await db.acked.put({ ...mutation, result, ackedAt: nowMs });
}

async function keepRejected(db: UserDb, entry: OutboxEntry | AckedEntry, error: MutationError, nowMs: number): Promise<void> {
  // Put once: a later copy of the same answer must not bring back a dismissed entry.
  const { clientId } = await readMeta(db);
  const key = `${clientId}:${entry.id}`;
  if (await db.rejected.get(key)) return;
  const { id, name, v, hlc, args, createdAt } = entry;
  await db.rejected.put({ key, clientId, id, name, v, hlc, args, createdAt, error, at: nowMs, dismissedAt: null });
}

const KEEP_MS = 30 * 86_400_000;

/** Forgets acknowledged mutations and dismissed refusals older than 30 days. */
export async function purgeOld(db: UserDb, nowMs: number): Promise<void> {
  await db.transaction('rw', [db.acked, db.rejected], async () => {
    await db.acked
      .where('ackedAt')
      .below(nowMs - KEEP_MS)
      .delete();
    await db.rejected.filter((entry) => entry.dismissedAt !== null && entry.dismissedAt < nowMs - KEEP_MS).delete();
  });
}
