// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { UserDb } from '../data/db.ts';
import { ensureMeta } from '../data/meta.ts';
import { mutate } from '../data/mutations.ts';
import { applyPage, recordResults } from './apply.ts';
import type { PullPage } from './wire.ts';

const USER = '00000000-0000-4000-8000-000000000001';
const GOAL = '00000000-0000-4000-8000-0000000000aa';
const EPOCH = '00000000-0000-4000-8000-00000000e0c4';
const NOW = Date.parse('2026-03-02T07:00:00Z');
let db: UserDb;
afterEach(() => db.close());

async function withPendingTitle(): Promise<void> {
  db = new UserDb(USER, { indexedDB: new IDBFactory(), IDBKeyRange, now: () => NOW });
  await db.open();
  await ensureMeta(db);
  await mutate(db, 'goal.create', { id: GOAL, goal: { goal_type: 'mileage', target_weekly_mileage_miles: 20 } });
}

const page = (v: number, hasMore: boolean, lastMutationId: number, title?: string): PullPage => ({
  cursor: { epoch: EPOCH, v },
  hasMore,
  lastMutationId,
  serverTime: NOW + 1000,
  changes:
    title === undefined
      ? []
      : [
          {
            v,
            entity: 'goals',
            id: GOAL,
            op: 'u',
            row: { id: GOAL, user_id: USER, title, deleted: false },
            hlc: { title: '2026-03-02T07:00:00.000Z-0000-0000000000000000' },
          },
        ],
});

describe('applying a pull page (G4)', () => {
  it('keeps showing a pending change until the last page of a pull, even past its version', async () => {
    await withPendingTitle();
    await recordResults(db, { lastMutationId: 1, serverTime: NOW, epoch: EPOCH, results: [{ id: 1, status: 'applied', version: 9 }] }, NOW);
    // Earlier pages: lastMutationId says 1, and even a page past version 9 may lack the row
    // (compacted into a later version by someone else's edit).
    await applyPage(db, page(5, true, 1), { clearFirst: false, nowMs: NOW });
    await applyPage(db, page(10, true, 1), { clearFirst: false, nowMs: NOW });
    expect(await db.outbox.count()).toBe(1);
    expect(await db.view('goals').get(GOAL)).toMatchObject({ title: '20 miles a week', _pending: true });
    await applyPage(db, page(12, false, 1, 'Server title'), { clearFirst: false, nowMs: NOW });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.acked.get(1)).toMatchObject({ result: { status: 'applied', version: 9 } });
    expect(await db.view('goals').get(GOAL)).toMatchObject({ title: 'Server title' });
    expect((await db.view('goals').get(GOAL))!._pending).toBeUndefined();
    expect((await db.meta.get('device'))!).toMatchObject({ cursor: { epoch: EPOCH, v: 12 }, serverOffset: 1000, lastSyncedAt: NOW });
  });

  it('a confirmation without an answer (the push reply was lost) waits for the answer, then moves to acked', async () => {
    await withPendingTitle();
    await applyPage(db, page(9, false, 1, 'Server title'), { clearFirst: false, nowMs: NOW });
    expect(await db.outbox.get(1)).toMatchObject({ confirmed: true });
    expect(await db.view('goals').get(GOAL)).toMatchObject({ title: 'Server title' });
    await recordResults(db, { lastMutationId: 1, serverTime: NOW, epoch: EPOCH, results: [{ id: 1, status: 'applied', version: 9 }] }, NOW);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.acked.count()).toBe(1);
  });

  it('a refusal is listed at once and its optimistic effect removed', async () => {
    await withPendingTitle();
    await recordResults(
      db,
      {
        lastMutationId: 1,
        serverTime: NOW,
        epoch: EPOCH,
        results: [{ id: 1, status: 'rejected', version: 9, error: { code: 'goal_exists', message: 'exists' } }],
      },
      NOW,
    );
    expect(await db.view('goals').get(GOAL)).toBeUndefined();
    expect(await db.rejected.toArray()).toEqual([
      expect.objectContaining({ id: 1, name: 'goal.create', error: { code: 'goal_exists', message: 'exists' }, dismissedAt: null }),
    ]);
  });

  it('a reset page empties the entity tables in the same transaction, keeping pending changes shown', async () => {
    await withPendingTitle();
    await db.server('goals').put({ key: 'old', row: { id: 'old' }, hlc: {} });
    await db.view('goals').put({ id: 'old', _hlc: {} });
    await applyPage(db, page(3, false, 0), { clearFirst: true, nowMs: NOW });
    expect(await db.server('goals').count()).toBe(0);
    expect((await db.view('goals').toArray()).map((row) => row.id)).toEqual([GOAL]);
  });
});
