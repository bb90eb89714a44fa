// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PUSH_BYTES } from '#shared/sync/protocol.ts';
import { UserDb } from '../data/db.ts';
import { ensureMeta } from '../data/meta.ts';
import { nextBatch, rekeyClient } from './push.ts';

const USER = '00000000-0000-4000-8000-000000000001';
let db: UserDb;
afterEach(() => db.close());

async function withOutbox(count: number, argBytes = 10): Promise<void> {
  db = new UserDb(USER, { indexedDB: new IDBFactory(), IDBKeyRange, now: () => 0 });
  await db.open();
  await ensureMeta(db);
  const hlc = '2026-03-02T07:00:00.000Z-0000-0000000000000001';
  await db.outbox.bulkAdd(
    Array.from({ length: count }, (_, i) => ({ id: i + 1, name: 'goal.delete', v: 1, hlc, args: { pad: 'x'.repeat(argBytes) }, createdAt: 0 })),
  );
  await db.meta.update('device', { nextMutationId: count + 1 });
}

describe('push batches', () => {
  it('start at the first unanswered mutation and stop at the count limit', async () => {
    await withOutbox(5);
    await db.outbox.update(1, { result: { id: 1, status: 'applied', version: 1 } });
    expect((await nextBatch(db, null, 3))!.map((m) => m.id)).toEqual([2, 3, 4]);
  });

  it('stay under the byte limit', async () => {
    await withOutbox(6, 150_000);
    const batch = (await nextBatch(db, null, 100))!;
    expect(batch.length).toBe(3);
    expect(JSON.stringify(batch).length).toBeLessThan(MAX_PUSH_BYTES);
  });

  it('after a 409 resend from `expected`, out of acked if need be; null when it is gone', async () => {
    await withOutbox(3);
    const [first] = await db.outbox.bulkGet([1]);
    await db.outbox.delete(1);
    await db.acked.put({ ...first!, result: { id: 1, status: 'applied', version: 1 }, ackedAt: 0 });
    expect((await nextBatch(db, 1, 100))!.map((m) => m.id)).toEqual([1, 2, 3]);
    await db.acked.clear();
    expect(await nextBatch(db, 1, 100)).toBeNull();
  });

  it('a device that cannot fill a gap becomes a new client with its queue renumbered', async () => {
    await withOutbox(3);
    const before = (await db.meta.get('device'))!.clientId;
    await db.outbox.delete(1);
    await rekeyClient(db, 1);
    expect((await db.outbox.toArray()).map((entry) => entry.id)).toEqual([1, 2]);
    expect((await db.meta.get('device'))!).toMatchObject({ nextMutationId: 3 });
    expect((await db.meta.get('device'))!.clientId).not.toBe(before);
  });
});
