import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

/**
 * Removes every queued, running or kept job whose payload names `userId` (pg-boss keeps finished
 * jobs for a while, payload included): a deleted account's id must not outlive it in the queue.
 * Meant for the account deletion's own transaction. pg-boss creates its schema when the queue
 * first starts, so a database that never ran it has nothing to remove.
 */
export async function forgetUserJobs(tx: Executor, userId: string): Promise<number> {
  const exists = await tx.execute(sql`select to_regclass('pgboss.job') is not null as present`);
  if (!(exists as unknown as { rows: { present: boolean }[] }).rows[0]?.present) return 0;
  const deleted = await tx.execute(sql`delete from pgboss.job where data->>'userId' = ${userId} or data->>'user_id' = ${userId}`);
  return (
    (deleted as unknown as { rowCount?: number | null; affectedRows?: number }).rowCount ?? (deleted as unknown as { affectedRows?: number }).affectedRows ?? 0
  );
}
