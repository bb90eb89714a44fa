import { liveQuery, type Observable } from 'dexie';
import type { ReadinessRow } from '#shared/schema/readiness.ts';
import { addDays } from '#shared/training/dates.ts';
import { readinessWeek, type ReadinessWeek } from '#shared/training/readiness.ts';
import { MUTATION_ARGS } from '#shared/sync/mutation-args.ts';
import type { UserDb, ViewRow } from './db.ts';
import { defineMutation, setFields } from './define.ts';

// The morning check-in (issue 23 §5): readiness.checkin@1 as server/domain/readiness.ts applies
// it (one row per day, per-field last-writer-wins), and the readers Today and the Journal use.

export const readinessCheckin = defineMutation({
  name: 'readiness.checkin',
  v: 1,
  args: MUTATION_ARGS['readiness.checkin@1'],
  keys: (args) => [{ entity: 'readiness_checkins', key: args.id }],
  apply(ctx, { id, date, set }) {
    const existing = ctx.get('readiness_checkins', id);
    const base: ViewRow = existing ?? { id, user_id: ctx.userId, date, created_at: ctx.now, _hlc: {} };
    const fields = { sleep: set.sleep, soreness: set.soreness, stress: set.stress, resting_hr: set.resting_hr ?? null, note: set.note ?? null };
    const next = setFields(base, fields, ctx.hlc);
    if (next) ctx.put('readiness_checkins', { ...next, updated_at: ctx.now });
  },
});

/** The runner's check-ins, newest first (several for one day only until a pull settles them: the newest wins). */
export function checkins$(db: UserDb): Observable<ReadinessRow[]> {
  return liveQuery(async () => {
    const rows = await db.view('readiness_checkins').orderBy('date').reverse().toArray();
    return rows.map(({ _hlc: _clocks, _pending, ...row }) => row as unknown as ReadinessRow);
  });
}

/**
 * The week from Monday `week` as the journal sums it (the server's readinessWeek over the same
 * rows), from this phone's check-ins: the journal shows them offline, and a check-in made a
 * moment ago before it has synced.
 */
export function weekCheckins$(db: UserDb, week: string): Observable<ReadinessWeek> {
  return liveQuery(async () => {
    const rows = await db.view('readiness_checkins').toArray();
    return readinessWeek(rows.map(({ _hlc: _clocks, _pending, ...row }) => row as unknown as ReadinessRow), week, addDays(week, 6));
  });
}
