// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHlc } from '#shared/sync/hlc.ts';
import type { UserDb } from './db.ts';
import { mutate, MutationInvalidError } from './mutations.ts';
import { firstValue, openFreshUserDb } from './test-kit.ts';
import { goals$, pendingCount$ } from './readers.ts';

const USER = '00000000-0000-4000-8000-000000000001';
const GOAL = '00000000-0000-4000-8000-0000000000aa';
const race = { goal_type: 'race', target_race_distance_meters: 10000, target_race_date: '2026-09-20' } as const;
let now = Date.parse('2026-03-02T07:00:00Z');
let db: UserDb;

async function open(): Promise<UserDb> {
  db = await openFreshUserDb(USER, () => now);
  return db;
}
afterEach(() => db.close());


describe('mutate', () => {
  it('writes the row and the outbox entry together, numbering and clocking each change', async () => {
    await open();
    const writes: number[] = [];
    db.onWrite(() => writes.push(1));
    expect(await mutate(db, 'goal.create', { id: GOAL, goal: race })).toBe(1);
    now += 5;
    expect(await mutate(db, 'goal.update', { id: GOAL, set: { title: '  Fall 10K  ' } })).toBe(2);
    const outbox = await db.outbox.toArray();
    expect(outbox.map((entry) => [entry.id, entry.name, entry.v])).toEqual([[1, 'goal.create', 1], [2, 'goal.update', 1]]);
    expect(outbox[1]!.args).toEqual({ id: GOAL, set: { title: 'Fall 10K' } }); // what was applied is what is sent
    expect(outbox[0]!.hlc < outbox[1]!.hlc).toBe(true);
    expect((await db.meta.get('device'))!).toMatchObject({ nextMutationId: 3, hlc: outbox[1]!.hlc });
    expect(await firstValue(goals$(db))).toEqual([expect.objectContaining({ id: GOAL, title: 'Fall 10K', pending: true })]);
    expect(await firstValue(pendingCount$(db))).toBe(2);
    expect(writes).toHaveLength(2);
  });

  it('refuses invalid args before anything is written', async () => {
    await open();
    await expect(mutate(db, 'goal.create', { id: 'not-a-uuid', goal: race })).rejects.toBeInstanceOf(MutationInvalidError);
    await expect(mutate(db, 'goal.update', { id: GOAL, set: {} })).rejects.toThrow(/at least one field/);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.meta.get('device'))!.nextMutationId).toBe(1);
  });

  it('stamps with the server\'s time when the device knows its clock is off', async () => {
    await open();
    await db.meta.update('device', { serverOffset: -3 * 86_400_000 });
    now += 3 * 86_400_000;
    await mutate(db, 'profile.update', { set: { units: 'km' } });
    const [entry] = await db.outbox.toArray();
    expect(parseHlc(entry!.hlc)!.wallMs).toBe(now - 3 * 86_400_000);
  });
});
