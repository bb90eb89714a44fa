import Dexie from 'dexie';
import { UserDb, userDbName, type UserDbOptions } from './db.ts';
import { ensureMeta } from './meta.ts';

// The signed-in runner's store for the app. Exactly one is open at a time, so a sign-out
// closes it (and stops its sync) before anyone else's session can exist (docs/SYNC.md §Device).

let current: UserDb | null = null;
const closers = new Set<() => Promise<void> | void>();

/** Opens (creating if needed) the database of `userId`; closes another runner's first. */
export async function openUserStore(userId: string, options: UserDbOptions = {}): Promise<UserDb> {
  if (current?.userId === userId) return current;
  await closeUserStore();
  const db = new UserDb(userId, options);
  await db.open();
  await ensureMeta(db);
  current = db;
  return db;
}

/** The open store; throws when nobody is signed in (a screen rendered too early is a bug). */
export function currentStore(): UserDb {
  if (!current) throw new Error('no user store is open');
  return current;
}

/** Runs `closer` (e.g. stopping the sync engine) before the store closes. */
export function onStoreClose(closer: () => Promise<void> | void): () => void {
  closers.add(closer);
  return () => closers.delete(closer);
}

/** Stops everything bound to the open store and closes it; the data stays for next sign-in. */
export async function closeUserStore(): Promise<void> {
  const db = current;
  current = null;
  const pending = [...closers];
  closers.clear();
  for (const closer of pending) await closer();
  db?.close();
}

/**
 * Deletes `userId`'s database from this device (after sign-out or account deletion): a shared
 * or handed-on phone must not keep a runner's profile, injury notes, plan or chat.
 */
export async function eraseUserStore(userId: string): Promise<void> {
  if (current?.userId === userId) await closeUserStore();
  await Dexie.delete(userDbName(userId));
}
