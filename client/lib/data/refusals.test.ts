// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { recordResults } from '../sync/apply.ts';
import { summarize, type SyncStatus } from '../sync/status.ts';
import type { RejectedEntry } from './db.ts';
import { UserDb } from './db.ts';
import { ensureMeta } from './meta.ts';
import { mutate } from './mutations.ts';
import { placeRefusals, refusalsFor } from './refusals.ts';
import { dismissRejected, rejected$ } from './rejected.ts';

// Issue 18 §2: a change the server refuses is shown as "Not saved: <reason>" beside the thing it
// concerns, and the badge counts it instead of saying "All changes synced".

const USER = '00000000-0000-4000-8000-000000000001';
const KEPT = '00000000-0000-4000-8000-0000000000aa';
const PAST = '00000000-0000-4000-8000-0000000000bb';
const WORKOUT = '00000000-0000-4000-8000-0000000000cc';
const EPOCH = '00000000-0000-4000-8000-00000000e0c4';
const NOW = Date.parse('2026-03-02T07:00:00Z');
const idle: SyncStatus = { phase: 'idle', pending: 0, error: null, lastSyncedAt: NOW };
let db: UserDb;
afterEach(() => db.close());

/** The refused changes not dismissed, as the screens' liveQuery gives them. */
function shown(): Promise<RejectedEntry[]> {
  return new Promise((resolve, reject) => {
    const sub = rejected$(db).subscribe({ next: (rows) => (sub.unsubscribe(), resolve(rows)), error: reject });
  });
}

/** Two goals and a workout move queued, then the server's answers: the second goal and the move refused. */
async function refusedWeek(): Promise<void> {
  db = new UserDb(USER, { indexedDB: new IDBFactory(), IDBKeyRange, now: () => NOW });
  await db.open();
  await ensureMeta(db);
  await mutate(db, 'goal.create', { id: KEPT, goal: { goal_type: 'mileage', target_weekly_mileage_miles: 20 } });
  await mutate(db, 'goal.create', { id: PAST, goal: { goal_type: 'race', title: 'Spring half', target_race_distance_meters: 21_097.5, target_race_date: '2026-02-01' } });
  await mutate(db, 'workout.move', { id: WORKOUT, scheduled_date: '2026-03-25' });
  const results = [
    { id: 1, status: 'applied' as const, version: 3 },
    { id: 2, status: 'rejected' as const, version: 3, error: { code: 'invalid', message: 'The race date is in the past.' } },
    { id: 3, status: 'rejected' as const, version: 3, error: { code: 'guardrail_violation', message: '' } },
  ];
  await recordResults(db, { lastMutationId: 3, serverTime: NOW, epoch: EPOCH, results }, NOW);
}

describe('refused changes beside what they concern (issue 18 §2)', () => {
  it('puts a refused move on its workout, in the registry’s words when the server sent none', async () => {
    await refusedWeek();
    const entries = await shown();
    const onWorkout = refusalsFor(entries, 'workouts', WORKOUT, USER);
    expect(onWorkout).toHaveLength(1);
    expect(onWorkout[0]!.what).toBe('The move to Wed 25 Mar');
    // No message from the server: the registry's words for its code.
    expect(onWorkout[0]!.text).toBe('Not saved: That change would break your plan’s safety rules.');
    expect(refusalsFor(entries, 'workouts', '00000000-0000-4000-8000-0000000000dd', USER)).toEqual([]);
  });

  it('shows a refused new goal on the Goals screen although its row is gone', async () => {
    await refusedWeek();
    expect(await db.view('goals').get(PAST)).toBeUndefined();
    const goals = (await db.view('goals').toArray()).map((row) => String(row.id));
    const placed = placeRefusals(await shown(), 'goals', goals, USER);
    expect(placed.byRow.size).toBe(0);
    expect(placed.elsewhere).toEqual([{ key: expect.any(String), what: 'The new goal “Spring half”', text: 'Not saved: The race date is in the past.' }]);
  });

  it('places a refused change to a listed goal on that goal', () => {
    const entry = { key: 'c:9', clientId: 'c', id: 9, name: 'goal.update', v: 1, hlc: '', args: { id: KEPT, set: { title: 'x' } }, createdAt: 0, error: { code: 'not_found', message: '' }, at: 0, dismissedAt: null };
    const placed = placeRefusals([entry], 'goals', [KEPT], USER);
    expect(placed.byRow.get(KEPT)).toEqual([{ key: 'c:9', what: 'Your change to this goal', text: 'Not saved: That was not found. It may have been deleted.' }]);
    expect(placed.elsewhere).toEqual([]);
  });

  it('the badge counts refusals until they are dismissed, instead of "All changes synced"', async () => {
    await refusedWeek();
    expect(summarize(idle, 0, (await shown()).length)).toEqual({ kind: 'refused', refused: 2, text: '2 changes not saved' });
    expect(summarize(idle, 1, 2).text).toBe('1 change waiting to sync · 2 changes not saved');
    expect(summarize({ ...idle, phase: 'offline' }, 0, 1).text).toBe('Offline · 0 changes waiting to sync · 1 change not saved');
    for (const entry of await shown()) await dismissRejected(db, entry.key);
    expect(summarize(idle, 0, (await shown()).length)).toEqual({ kind: 'synced', text: 'All changes synced' });
  });
});
