import { and, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { coachReplyClaims } from '../db/schema.ts';

// The one-reply-per-message guard, in the database so several server instances share it
// (it was a Set in process memory: a retry on another instance got a second reply).

/**
 * How long a claim holds without renewal. Short, so the reply a crashed instance was writing can
 * be asked for again soon; the instance writing it renews it every RENEW_EVERY_MS meanwhile.
 */
export const REPLY_LEASE_MS = 20_000;
export const RENEW_EVERY_MS = 5_000;

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

/** Keeps the claim alive while the reply is written; the returned function stops renewing. */
export function renewWhileReplying(db: Executor, messageId: string, now: () => Date, onError: (error: unknown) => void): () => void {
  const timer = setInterval(() => {
    const until = new Date(now().getTime() + REPLY_LEASE_MS);
    db.update(coachReplyClaims)
      .set({ claimed_until: until })
      .where(eq(coachReplyClaims.message_id, messageId))
      .then(() => undefined, onError);
  }, RENEW_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Ends the claim (the reply is stored, or failed and may be asked again). */
export async function releaseReply(db: Executor, messageId: string): Promise<void> {
  await db.delete(coachReplyClaims).where(eq(coachReplyClaims.message_id, messageId));
}

/** Claims a crashed instance left behind, long expired (the hourly purge). */
export async function purgeStaleClaims(db: Executor, now: Date): Promise<number> {
  const rows = await db
    .delete(coachReplyClaims)
    .where(and(lt(coachReplyClaims.claimed_until, now)))
    .returning({ id: coachReplyClaims.message_id });
  return rows.length;
}
