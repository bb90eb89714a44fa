import { and, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { coachReplyClaims } from '../db/schema.ts';

// The one-reply-per-message guard, in the database so several server instances share it
// (it was a Set in process memory: a retry on another instance got a second reply).

/** Longer than any reply takes (the Claude client's own deadlines end a call well before). */
export const REPLY_LEASE_MS = 5 * 60 * 1000;

/** Claims the reply to `messageId`; false while another request (any instance) holds an unexpired claim. */
export async function claimReply(db: Executor, userId: string, messageId: string, now: Date): Promise<boolean> {
  const until = new Date(now.getTime() + REPLY_LEASE_MS);
  // One statement: concurrent claims queue on the row and only one finds it free or expired.
  const rows = await db
    .insert(coachReplyClaims)
    .values({ message_id: messageId, user_id: userId, claimed_until: until })
    .onConflictDoUpdate({
      target: coachReplyClaims.message_id,
      set: { claimed_until: until, user_id: userId },
      setWhere: sql`${coachReplyClaims.claimed_until} <= ${now} and ${coachReplyClaims.user_id} = ${userId}`,
    })
    .returning({ id: coachReplyClaims.message_id });
  return rows.length === 1;
}

/** Ends the claim (the reply is stored, or failed and may be asked again). */
export async function releaseReply(db: Executor, messageId: string): Promise<void> {
  await db.delete(coachReplyClaims).where(eq(coachReplyClaims.message_id, messageId));
}

/** Claims a crashed instance left behind, long expired (the hourly purge). */
export async function purgeStaleClaims(db: Executor, now: Date): Promise<number> {
  const rows = await db.delete(coachReplyClaims).where(and(lt(coachReplyClaims.claimed_until, now))).returning({ id: coachReplyClaims.message_id });
  return rows.length;
}
