// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { UserDb, userDbName } from './db.ts';
import { ensureMeta } from './meta.ts';
import { mutate } from './mutations.ts';
import { firstValue } from './test-kit.ts';
import { profile$ } from './readers.ts';

// Dexie version 5 (issue 17, server migration 0014): a phone that held its profile under the old
// heart-rate names keeps every figure and its clock under the new ones, offline, before any pull;
// a change it queued in the old names still applies.

const USER = '00000000-0000-4000-8000-000000000001';
const h = (n: number) => `2026-03-02T07:00:0${n}.000Z-0000-aaaaaaaaaaaaaaaa`;

/** The stores of today's database, as version 4 declared them (version 5 changed no store). */
async function currentStores(indexedDB: IDBFactory): Promise<Record<string, string>> {
  const probe = new UserDb('probe', { name: 'probe', indexedDB, IDBKeyRange });
  await probe.open();
  const stores = Object.fromEntries(probe.tables.map((t) => [t.name, [t.schema.primKey.src, ...t.schema.indexes.map((i) => i.src)].join(',')]));
  probe.close();
  return stores;
}

describe('the profile row after the heart-rate rename', () => {
  it('renames the fields and their clocks in the view and the server copy', async () => {
    const indexedDB = new IDBFactory();
    const old = new Dexie(userDbName(USER), { indexedDB, IDBKeyRange });
    old.version(4).stores(await currentStores(indexedDB));
    await old.open();
    const row = { user_id: USER, units: 'km', max_hr: 178, resting_hr: 52, lthr: 165, birth_year: 1980, ctl_days: 42, atl_days: 7 };
    await old.table('server_user_profiles').put({ key: USER, row, hlc: { max_hr: h(1), resting_hr: h(2), units: h(3) } });
    await old.table('user_profiles').put({ ...row, _hlc: { max_hr: h(1), resting_hr: h(2), units: h(3) } });
    old.close();

    const db = new UserDb(USER, { indexedDB, IDBKeyRange, now: () => Date.parse('2026-03-02T08:00:00Z') });
    try {
      await db.open();
      const view = await db.view('user_profiles').get(USER);
      expect(view).toMatchObject({ max_heart_rate: 178, resting_heart_rate: 52, threshold_heart_rate: 165, birth_year: 1980 });
      expect(view).not.toHaveProperty('max_hr');
      expect(view!._hlc).toEqual({ max_heart_rate: h(1), resting_heart_rate: h(2), units: h(3) });
      const server = await db.server('user_profiles').get(USER);
      expect(server!.row).toMatchObject({ max_heart_rate: 178, threshold_heart_rate: 165 });
      expect(server!.hlc).toEqual({ max_heart_rate: h(1), resting_heart_rate: h(2), units: h(3) });

      // A change in the old names (as an outbox entry from before the upgrade would replay) applies under the new ones.
      await ensureMeta(db);
      await mutate(db, 'profile.update', { set: { max_hr: 180 } });
      expect(await firstValue(profile$(db))).toMatchObject({ max_heart_rate: 180, resting_heart_rate: 52 });
    } finally {
      db.close();
    }
  });
});
