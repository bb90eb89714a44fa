import { liveQuery, type Observable } from 'dexie';
import type { RejectedEntry, UserDb } from './db.ts';

// Changes the server refused (G1): kept with their payload so the runner sees what did not
// happen and why, until they dismiss it.

/** The refused changes not yet dismissed, newest first. */
export function rejected$(db: UserDb): Observable<RejectedEntry[]> {
  return liveQuery(async () => (await db.rejected.orderBy('at').reverse().toArray()).filter((entry) => entry.dismissedAt === null));
}

/** Hides a refused change from the list (it stays in `acked` for 30 days). */
export async function dismissRejected(db: UserDb, key: string): Promise<void> {
  await db.rejected.update(key, { dismissedAt: db.now() });
}
