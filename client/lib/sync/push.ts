import { MAX_PUSH_BYTES, type Mutation } from '#shared/sync/protocol.ts';
import type { OutboxEntry, UserDb } from '../data/db.ts';
import { newClientId, readMeta } from '../data/meta.ts';

// Building push batches, and the way out of a gap the device cannot fill.

// Room for the envelope around the mutations.
const ENVELOPE_BYTES = 1024;

function wire(entry: Mutation): Mutation {
  return { id: entry.id, name: entry.name, v: entry.v, hlc: entry.hlc, args: entry.args };
}

/**
 * The next mutations to push: consecutive ids from `from` (after a 409, looked up in `acked`
 * too) or from the first entry without an answer, at most `limit` and within the byte limit.
 * Null when `from` is a mutation this device no longer has.
 */
export async function nextBatch(db: UserDb, from: number | null, limit: number): Promise<Mutation[] | null> {
  const outbox = await db.outbox.orderBy('id').toArray();
  const start = from ?? outbox.find((entry) => !entry.result)?.id;
  if (start === undefined) return [];
  const byId = new Map(outbox.map((entry) => [entry.id, entry]));
  const batch: Mutation[] = [];
  let bytes = ENVELOPE_BYTES;
  for (let id = start; batch.length < limit; id++) {
    const entry = byId.get(id) ?? (from === null ? undefined : await db.acked.get(id));
    if (!entry) break;
    const mutation = wire(entry);
    const size = JSON.stringify(mutation).length + 1;
    if (batch.length > 0 && bytes + size > MAX_PUSH_BYTES) break;
    bytes += size;
    batch.push(mutation);
  }
  return batch.length === 0 && from !== null ? null : batch;
}

/**
 * The server expects a mutation this device has forgotten (it was restored from a backup older
 * than the 30 days `acked` keeps). Numbering can never continue, so the device becomes a new
 * client: everything the restored server lacks (acked from `expected` on, and the outbox) is
 * queued again under a fresh client id, renumbered from 1 in the same order.
 */
export async function rekeyClient(db: UserDb, expected: number): Promise<void> {
  await db.transaction('rw', [db.meta, db.outbox, db.acked], async () => {
    const meta = await readMeta(db);
    const lost = await db.acked.where('id').aboveOrEqual(expected).sortBy('id');
    const queued = [...lost, ...(await db.outbox.toArray())].sort((a, b) => a.id - b.id);
    await db.acked.clear();
    await db.outbox.clear();
    const renumbered: OutboxEntry[] = queued.map((entry, i) => ({ ...wire(entry), id: i + 1, createdAt: entry.createdAt }));
    await db.outbox.bulkAdd(renumbered);
    await db.meta.put({ ...meta, clientId: newClientId(), nextMutationId: renumbered.length + 1 });
  });
}
