import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { UserDb } from './db.ts';
import { ensureMeta } from './meta.ts';

// For the data layer's tests: a runner's database on a fresh fake-indexeddb, and the first
// value a liveQuery gives.

/** A new, empty database for `userId`, its meta row written, on its own fake IndexedDB. */
export async function openFreshUserDb(userId: string, now: () => number): Promise<UserDb> {
  const db = new UserDb(userId, { indexedDB: new IDBFactory(), IDBKeyRange, now });
  await db.open();
  await ensureMeta(db);
  return db;
}

/** The first value an observable (a Dexie liveQuery) emits. */
export function firstValue<T>(observable: { subscribe(next: (value: T) => void): { unsubscribe(): void } }): Promise<T> {
  return new Promise<T>((resolve) => {
    const subscription = observable.subscribe((value) => {
      resolve(value);
      queueMicrotask(() => subscription.unsubscribe());
    });
  });
}
