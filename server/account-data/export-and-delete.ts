import { eq, inArray } from 'drizzle-orm';
import { SYNCED_ENTITIES } from '#shared/sync/protocol.ts';
import type { Database, Executor } from '../db/database.ts';
import { changeLog, notifications, syncClient, syncMutationResult, syncUser, users } from '../db/schema.ts';
import { forgetUserJobs } from '../jobs/forget.ts';
import { allRows } from '../sync/rows.ts';
import { publicUser } from '../accounts/users.ts';
import { recordAudit, type AuditEvent } from '../audit/audit.ts';

/** JSON-ready: dates as ISO strings, the sync clocks left out (they mean nothing to a person). */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([key]) => key !== 'field_hlc')
      .map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  );
}

/** Everything RunCoach holds about the runner, as one JSON document (no secrets, no tokens). */
export async function exportUserData(db: Executor, userId: string, now: Date) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  const data: Record<string, unknown[]> = {};
  for (const entity of SYNCED_ENTITIES) data[entity] = (await allRows(db, userId, entity)).map(plain);
  data.notifications = (await db.select().from(notifications).where(eq(notifications.user_id, userId))).map((row) => plain(row));
  return { exported_at: now.toISOString(), format: 'runcoach-export/1', user: user ? publicUser(user) : null, data };
}

/**
 * Deletes the account and everything in it. Owned rows go with the user (ON DELETE CASCADE);
 * the sync bookkeeping has no foreign key (the change-log trigger writes it during the cascade),
 * so it is removed after, in the same transaction, and so are queued jobs that name the runner. The audit event is written in it too: the
 * account is gone only if the record that it was deleted exists.
 */
export async function deleteAccount(db: Database, userId: string, audit: Omit<AuditEvent, 'kind' | 'user_id'>): Promise<void> {
  await db.transaction(async (tx) => {
    const clients = await tx.select({ id: syncClient.client_id }).from(syncClient).where(eq(syncClient.user_id, userId));
    await tx.delete(users).where(eq(users.id, userId));
    if (clients.length)
      await tx.delete(syncMutationResult).where(
        inArray(
          syncMutationResult.client_id,
          clients.map((c) => c.id),
        ),
      );
    await tx.delete(syncClient).where(eq(syncClient.user_id, userId));
    await tx.delete(changeLog).where(eq(changeLog.user_id, userId));
    await tx.delete(syncUser).where(eq(syncUser.user_id, userId));
    await forgetUserJobs(tx, userId);
    await recordAudit(tx, { ...audit, kind: 'account_deleted', user_id: userId });
  });
}
