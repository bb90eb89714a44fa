import { sql } from 'drizzle-orm';
import { MAX_MUTATIONS_PER_PUSH } from '#shared/sync/protocol.ts';
import type { Executor } from '../db/database.ts';
import { rowsOf } from './versions.ts';

// Stored mutation results (docs/SYNC.md §Push: "stored answers, so a retried push gets the same
// answer") are needed only while their device may send the mutation again, and a device resends
// only what it has no answer for: its last push, at most MAX_MUTATIONS_PER_PUSH mutations. So
// each client's last MAX_MUTATIONS_PER_PUSH results are always kept, and an older one goes once
// it is RESULT_RETENTION_DAYS old or below its runner's cursor horizon (a cursor there must be
// reset anyway). Issue 15, L4: they used to be kept forever, refused arguments and all.

/** How long a result outside its client's last push is kept. */
export const RESULT_RETENTION_DAYS = 7;

/** Deletes the stored mutation results no device can still ask for; returns how many. */
export async function pruneMutationResults(db: Executor, now: Date): Promise<number> {
  const before = new Date(now.getTime() - RESULT_RETENTION_DAYS * 86_400_000).toISOString();
  const result = await db.execute(sql`
    with gone as (
      delete from sync_mutation_result r
      using sync_client c left join sync_user u on u.user_id = c.user_id
      where r.client_id = c.client_id
        and r.mutation_id <= c.last_mutation_id - ${MAX_MUTATIONS_PER_PUSH}
        and (r.created_at < ${before}::timestamptz or r.version < coalesce(u.horizon, 0))
      returning 1
    )
    select count(*)::int as n from gone`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}
