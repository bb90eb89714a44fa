import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, lt, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { chatMessages } from '../db/schema.ts';
import { AppError, idTaken } from '../lib/errors.ts';

// The coach chat as stored: user messages are inserted once by their client-made id (SYNC.md:
// "insert once by client-made id"); the assistant's reply to a message has an id derived from
// it, so however often a reply is attempted, at most one is ever stored.

/** A chat_messages row. */
export type ChatRow = typeof chatMessages.$inferSelect;

/** The message as the API shows it. */
export function publicMessage(row: ChatRow) {
  return { id: row.id, role: row.role, content: row.content, metadata: row.metadata, created_at: row.created_at.toISOString() };
}

/** The id of the reply to a user message: derived, so a reply can only be stored once. */
export function replyId(userMessageId: string): string {
  const hex = createHash('sha256').update(`reply:${userMessageId}`).digest('hex');
  // Shaped as a version-4 UUID with the RFC 4122 variant, so it passes the same validators.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A timestamp after every message the user already has, computed in the insert itself: a
 * conversation's order must not hang on two messages sharing a clock tick (a fast reply, a fake
 * clock in tests).
 */
function nextMessageTime(userId: string, now: Date) {
  return sql<Date>`greatest(${now.toISOString()}::timestamptz, (select max(${chatMessages.created_at}) + interval '1 millisecond' from ${chatMessages} where ${chatMessages.user_id} = ${userId}))`;
}

/**
 * Stores the runner's message once under `id`. Returns the stored row and whether it is new;
 * an id used by someone else, or for other words, is a 409 (the same one: issue 15, I3).
 */
export async function insertUserMessage(db: Executor, userId: string, id: string, content: string, now: Date, metadata: Record<string, unknown> = {}) {
  const createdAt = nextMessageTime(userId, now);
  const [inserted] = await db
    .insert(chatMessages)
    .values({ id, user_id: userId, role: 'user', content, metadata, created_at: createdAt })
    .onConflictDoNothing({ target: chatMessages.id })
    .returning();
  if (inserted) return { row: inserted, created: true };
  const [existing] = await db.select().from(chatMessages).where(eq(chatMessages.id, id));
  if (!existing || existing.user_id !== userId || existing.role !== 'user' || existing.content !== content) throw idTaken();
  return { row: existing, created: false };
}

/**
 * Checks a client-made id before anything is spent on it: an id used by someone else, or for
 * other words, is a 409 (one answer for both, so it confirms nothing about another runner's
 * messages). Returns the reply already stored for it, if any.
 */
export async function checkClientMessage(db: Executor, userId: string, id: string, content: string): Promise<ChatRow | null> {
  const rows = await db.select().from(chatMessages).where(inArray(chatMessages.id, [id, replyId(id)]));
  const message = rows.find((r) => r.id === id);
  if (message && (message.user_id !== userId || message.role !== 'user' || message.content !== content)) throw idTaken();
  return rows.find((r) => r.id === replyId(id) && r.user_id === userId) ?? null;
}

/** The stored reply to one of the user's messages, if any. */
export async function findReply(db: Executor, userId: string, userMessageId: string): Promise<ChatRow | null> {
  const [row] = await db.select().from(chatMessages).where(and(eq(chatMessages.id, replyId(userMessageId)), eq(chatMessages.user_id, userId)));
  return row ?? null;
}

/** Stores the coach's reply to a message once; a second attempt returns the first one stored. */
export async function storeReply(db: Executor, userId: string, userMessageId: string, content: string, metadata: Record<string, unknown>, now: Date): Promise<ChatRow> {
  const id = replyId(userMessageId);
  const createdAt = nextMessageTime(userId, now);
  const [row] = await db
    .insert(chatMessages)
    .values({ id, user_id: userId, role: 'assistant', content, metadata: { ...metadata, reply_to: userMessageId }, created_at: createdAt })
    .onConflictDoNothing({ target: chatMessages.id })
    .returning();
  if (row) return row;
  const existing = await findReply(db, userId, userMessageId);
  // Only a message someone sent under this reply's id can hold it: refuse, never a 500.
  if (!existing) throw idTaken();
  return existing;
}

/** The user's last `limit` messages, oldest first, leaving out `excludeId` (the message being answered). */
export async function recentMessages(db: Executor, userId: string, limit: number, excludeId?: string): Promise<ChatRow[]> {
  const rows = await db
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.user_id, userId), excludeId ? ne(chatMessages.id, excludeId) : undefined))
    .orderBy(desc(chatMessages.created_at), desc(chatMessages.id))
    .limit(limit);
  return rows.reverse();
}

/** One page of history, newest page first, messages oldest first within it. */
export async function listMessages(db: Executor, userId: string, options: { before?: string | undefined; limit: number }) {
  let cursor: ChatRow | undefined;
  if (options.before) {
    [cursor] = await db.select().from(chatMessages).where(and(eq(chatMessages.id, options.before), eq(chatMessages.user_id, userId)));
    if (!cursor) throw AppError.notFound('The message');
  }
  const older = cursor
    ? or(lt(chatMessages.created_at, cursor.created_at), and(eq(chatMessages.created_at, cursor.created_at), lt(chatMessages.id, cursor.id)))
    : undefined;
  const rows = await db
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.user_id, userId), older))
    .orderBy(desc(chatMessages.created_at), desc(chatMessages.id))
    .limit(options.limit + 1);
  const hasMore = rows.length > options.limit;
  const page = rows.slice(0, options.limit).reverse();
  return { messages: page.map(publicMessage), has_more: hasMore, next_before: hasMore ? (page[0]?.id ?? null) : null };
}
