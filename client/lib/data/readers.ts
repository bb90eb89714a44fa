import { liveQuery, type Observable } from 'dexie';
import type { UserDb, ViewRow } from './db.ts';
import type { GoalRow } from './goals.ts';
import type { ProfileRow } from './profile.ts';

// liveQuery readers: screens subscribe to these (a Dexie Observable is a Svelte store, so
// `$goals` works in a component) and re-render when the rows or the outbox change.

/** A row as screens get it: `pending` while a local change has not reached the server. */
export type Shown<T> = T & { pending: boolean };

function shown<T>(row: ViewRow): Shown<T> {
  const { _hlc: _clocks, _pending, ...fields } = row;
  return { ...(fields as T), pending: _pending === true };
}

/** The runner's goals (deleted ones left out), newest first. */
export function goals$(db: UserDb): Observable<Shown<GoalRow>[]> {
  return liveQuery(async () => {
    const rows = await db.view('goals').orderBy('created_at').reverse().toArray();
    return rows.filter((row) => row.deleted !== true).map((row) => shown<GoalRow>(row));
  });
}

/** One goal, or undefined when it does not exist or was deleted. */
export function goal$(db: UserDb, id: string): Observable<Shown<GoalRow> | undefined> {
  return liveQuery(async () => {
    const row = await db.view('goals').get(id);
    return row && row.deleted !== true ? shown<GoalRow>(row) : undefined;
  });
}

/** The runner's profile, or undefined before the first sync. */
export function profile$(db: UserDb): Observable<Shown<ProfileRow> | undefined> {
  return liveQuery(async () => {
    const row = await db.view('user_profiles').get(db.userId);
    return row ? shown<ProfileRow>(row) : undefined;
  });
}

/** How many changes have not reached the server yet (no answer, no confirmation). */
export function pendingCount$(db: UserDb): Observable<number> {
  return liveQuery(() => db.outbox.filter((entry) => !entry.result && !entry.confirmed).count());
}
