import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { syncMeta } from '../db/schema.ts';

/** The version of the current transaction for the user (taken once, then reused; docs/SYNC.md §"The version and the trigger"). */
export async function takeVersion(tx: Executor, userId: string): Promise<number> {
  const result = await tx.execute(sql`select rc_sync_version(${userId}::uuid) as v`);
  return Number(rowsOf<{ v: string | number }>(result)[0]!.v);
}

/** The server's sync epoch; it changes only when an operator rotates it after a restore. */
export async function currentEpoch(db: Executor): Promise<string> {
  const [row] = await db.select().from(syncMeta).where(eq(syncMeta.id, 1));
  if (!row) throw new Error('sync_meta has no row: migrations did not run');
  return row.epoch;
}

/** Rotates the epoch (after a restore from backup): every device resets on its next pull. */
export async function rotateEpoch(db: Executor): Promise<string> {
  const [row] = await db
    .update(syncMeta)
    .set({ epoch: sql`gen_random_uuid()` })
    .where(eq(syncMeta.id, 1))
    .returning();
  return row!.epoch;
}

/** The rows of a raw `execute` result; node-postgres and PGlite both answer `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
