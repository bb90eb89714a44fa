import type { OutboxEntry, ServerRecord, UserDb, ViewRow } from './db.ts';
import { RowOverlay, type RowRef } from './define.ts';
import { applyTime, definitionOf, loadRows, refsOf, writeRows } from './mutations.ts';

// The rebase (docs/SYNC.md §Device): the rows screens read are the server's last state with every
// still-pending mutation re-applied in id order. It runs inside the transaction that changes
// the server state or the outbox, so a screen never sees one without the other (G4).

/** True while a mutation must still be shown: not confirmed by a pull, not refused. */
export function isPending(entry: OutboxEntry): boolean {
  return !entry.confirmed && entry.result?.status !== 'rejected';
}

/** The row screens see for a server record with nothing pending. */
export function serverView(record: ServerRecord | undefined): ViewRow | undefined {
  return record ? { ...record.row, _hlc: { ...record.hlc } } : undefined;
}

/**
 * Pure: `base` (server state of some rows) with `pending` re-applied in order. Mutations that
 * touch rows outside `base` are skipped, so the caller must include every pending ref.
 */
export function rebaseRows(base: Map<string, ViewRow | undefined>, pending: readonly OutboxEntry[], userId: string): Map<string, ViewRow | undefined> {
  const overlay = new RowOverlay(base);
  for (const entry of [...pending].sort((a, b) => a.id - b.id)) {
    const def = definitionOf(entry.name, entry.v);
    if (!def) continue;
    const refs = def.keys(entry.args, userId);
    if (!refs.every((ref) => overlay.has(`${ref.entity}:${ref.key}`))) continue;
    def.apply(overlay.context(userId, entry.hlc, applyTime(entry.hlc)), entry.args);
  }
  return new Map(overlay.entries());
}

/**
 * Recomputes the view rows `refs` plus every row a pending mutation touches. Call inside a
 * transaction over the outbox and the entity tables.
 */
export async function rebase(db: UserDb, refs: Iterable<RowRef>): Promise<void> {
  const pending = (await db.outbox.toArray()).filter(isPending);
  const all = [...refs, ...pending.flatMap((entry) => refsOf(entry, db.userId))];
  const records = await loadRows(all, (entity) => db.server(entity));
  const base = new Map([...records].map(([ref, record]) => [ref, serverView(record)]));
  await writeRows(db, rebaseRows(base, pending, db.userId));
}
