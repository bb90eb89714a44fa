// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userDbName } from '../data/db.ts';
import { mutate } from '../data/mutations.ts';
import { closeUserStore, openUserStore } from '../data/store.ts';
import { session } from './session.svelte.ts';
import { userStore } from './user-store.svelte.ts';

// Sign-out and account deletion on the phone (issue 18 §12): the runner's database goes, unless it
// holds changes the server has not got (the runner was warned and chose to keep them here).

const USER = { id: '00000000-0000-4000-8000-000000000012', name: 'Ines', email: 'ines@example.com' };
const GOAL = '00000000-0000-4000-8000-0000000000a1';

/** The browser's localStorage, which Node 20 lacks: a plain in-memory one. */
class MemoryStorage {
  private items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** The runner signed in on this phone, their store open and holding a synced profile row. */
async function signedIn() {
  Object.assign(globalThis, { localStorage: new MemoryStorage() });
  localStorage.setItem('runcoach.lastUser', JSON.stringify(USER));
  session.user = USER as typeof session.user;
  const db = await openUserStore(USER.id);
  await db.view('user_profiles').put({ user_id: USER.id, injury_notes: 'Achilles sore' } as never);
  userStore.db = db;
  return db;
}

beforeEach(() => {
  userStore.notice = null;
});
afterEach(async () => {
  await closeUserStore();
  await Dexie.delete(userDbName(USER.id));
});

describe('leaving this phone', () => {
  it("sign-out deletes the runner's database and says so", async () => {
    await signedIn();
    expect(await Dexie.exists(userDbName(USER.id))).toBe(true);
    await userStore.signOut();
    expect(await Dexie.exists(userDbName(USER.id))).toBe(false);
    expect(session.user).toBeNull();
    expect(userStore.db).toBeNull();
    expect(localStorage.getItem('runcoach.lastUser')).toBeNull();
    expect(userStore.notice).toBe("This phone's copy of your data was removed.");
  });

  it('sign-out keeps changes the server has not got, and says how many', async () => {
    const db = await signedIn();
    await mutate(db, 'goal.create', {
      id: GOAL,
      goal: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2027-03-07' },
    });
    await userStore.signOut();
    expect(await Dexie.exists(userDbName(USER.id))).toBe(true);
    expect(userStore.notice).toBe('1 change that has not reached the server yet stays on this phone and is sent when you sign in here again.');
  });

  it('after account deletion nothing of the runner stays, unsent changes included', async () => {
    const db = await signedIn();
    await mutate(db, 'goal.create', {
      id: GOAL,
      goal: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2027-03-07' },
    });
    await userStore.forget();
    expect(await Dexie.exists(userDbName(USER.id))).toBe(false);
    expect(userStore.notice).toBe("This phone's copy of your data was removed.");
  });
});
