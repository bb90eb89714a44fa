import { createHash, randomUUID } from 'node:crypto';
import { and, count, desc, eq, inArray, lt, max, min, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { chatMessages } from '../db/schema.ts';
import { AppError, idTaken } from '../lib/errors.ts';

// The coach chat as stored: user messages are inserted once by their client-made id (docs/SYNC.md §Conflicts:
// "insert once by client-made id"); the assistant's reply to a message has an id derived from
// it, so however often a reply is attempted, at most one is ever stored.

/** A chat_messages row. */
export type ChatRow = typeof chatMessages.$inferSelect;

/** The message as the API shows it. */
export function publicMessage(row: ChatRow) {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    role: row.role,
    content: row.content,
    context_snapshot: row.context_snapshot,
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
  };
}

/**
 * The conversation a new message belongs to: the one the runner named, else the one their last
 * message is in, else a new one. Ids are the runner's own: a thread is only ever read together
 * with the runner's user_id, so naming another runner's id reads nothing of theirs.
 */
export async function conversationFor(db: Executor, userId: string, requested: string | undefined): Promise<string> {
  if (requested) return requested;
  const [last] = await db
    .select({ id: chatMessages.conversation_id })
    .from(chatMessages)
    .where(eq(chatMessages.user_id, userId))
    .orderBy(desc(chatMessages.created_at), desc(chatMessages.id))
    .limit(1);
  return last?.id ?? randomUUID();
}

/** The runner's conversations, latest activity first, each titled by its first message. */
export async function listConversations(db: Executor, userId: string) {
  const rows = await db
    .select({ id: chatMessages.conversation_id, messages: count(), started_at: min(chatMessages.created_at), last_message_at: max(chatMessages.created_at) })
    .from(chatMessages)
    .where(eq(chatMessages.user_id, userId))
    .groupBy(chatMessages.conversation_id)
    .orderBy(desc(max(chatMessages.created_at)));
  const firsts = rows.length
    ? await db
        .selectDistinctOn([chatMessages.conversation_id], { id: chatMessages.conversation_id, content: chatMessages.content })
        .from(chatMessages)
        .where(and(eq(chatMessages.user_id, userId), eq(chatMessages.role, 'user')))
        .orderBy(chatMessages.conversation_id, chatMessages.created_at)
    : [];
  const titles = new Map(firsts.map((f) => [f.id, f.content.length > 60 ? `${f.content.slice(0, 59)}…` : f.content]));
  return rows.map((r) => ({
    id: r.id,
    title: titles.get(r.id) ?? 'Conversation',
    messages: r.messages,
    started_at: new Date(r.started_at!).toISOString(),
    last_message_at: new Date(r.last_message_at!).toISOString(),
  }));
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
export async function insertUserMessage(
  db: Executor,
  userId: string,
  id: string,
  content: string,
  now: Date,
  conversationId: string,
  metadata: Record<string, unknown> = {},
) {
  const createdAt = nextMessageTime(userId, now);
  const [inserted] = await db
    .insert(chatMessages)
    .values({ id, user_id: userId, conversation_id: conversationId, role: 'user', content, metadata, created_at: createdAt })
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
  const rows = await db
    .select()
    .from(chatMessages)
    .where(inArray(chatMessages.id, [id, replyId(id)]));
  const message = rows.find((r) => r.id === id);
  if (message && (message.user_id !== userId || message.role !== 'user' || message.content !== content)) throw idTaken();
  return rows.find((r) => r.id === replyId(id) && r.user_id === userId) ?? null;
}

/** The stored reply to one of the user's messages, if any. */
export async function findReply(db: Executor, userId: string, userMessageId: string): Promise<ChatRow | null> {
  const [row] = await db
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.id, replyId(userMessageId)), eq(chatMessages.user_id, userId)));
  return row ?? null;
}

/** Stores the coach's reply to a message once, in the message's conversation; a second attempt returns the first one stored. */
export async function storeReply(
  db: Executor,
  userId: string,
  userMessageId: string,
  reply: { content: string; metadata: Record<string, unknown>; contextSnapshot: unknown },
  now: Date,
): Promise<ChatRow> {
  const id = replyId(userMessageId);
  const createdAt = nextMessageTime(userId, now);
  const conversation = db
    .select({ id: chatMessages.conversation_id })
    .from(chatMessages)
    .where(and(eq(chatMessages.id, userMessageId), eq(chatMessages.user_id, userId)));
  const [row] = await db
    .insert(chatMessages)
    .values({
      id,
      user_id: userId,
      conversation_id: sql`coalesce((${conversation}), gen_random_uuid())`,
      role: 'assistant',
      content: reply.content,
      context_snapshot: reply.contextSnapshot,
      metadata: { ...reply.metadata, reply_to: userMessageId },
      created_at: createdAt,
    })
    .onConflictDoNothing({ target: chatMessages.id })
    .returning();
  if (row) return row;
  const existing = await findReply(db, userId, userMessageId);
  // Only a message someone sent under this reply's id can hold it: refuse, never a 500.
  if (!existing) throw idTaken();
  return existing;
}

/** The user's last `limit` messages (of one conversation, if named), oldest first, leaving out `excludeId` (the message being answered). */
export async function recentMessages(
  db: Executor,
  userId: string,
  limit: number,
  options: { excludeId?: string | undefined; conversationId?: string | undefined } = {},
): Promise<ChatRow[]> {
  const rows = await db
    .select()
    .from(chatMessages)
    .where(
      and(
        eq(chatMessages.user_id, userId),
        options.excludeId ? ne(chatMessages.id, options.excludeId) : undefined,
        options.conversationId ? eq(chatMessages.conversation_id, options.conversationId) : undefined,
      ),
    )
    .orderBy(desc(chatMessages.created_at), desc(chatMessages.id))
    .limit(limit);
  return rows.reverse();
}

/** One page of history, newest page first, messages oldest first within it. */
export async function listMessages(
  db: Executor,
  userId: string,
  options: { before?: string | undefined; conversation_id?: string | undefined; limit: number },
) {
  let cursor: ChatRow | undefined;
  if (options.before) {
    [cursor] = await db
      .select()
      .from(chatMessages)
      .where(and(eq(chatMessages.id, options.before), eq(chatMessages.user_id, userId)));
    if (!cursor) throw AppError.notFound('The message');
  }
  const older = cursor
    ? or(lt(chatMessages.created_at, cursor.created_at), and(eq(chatMessages.created_at, cursor.created_at), lt(chatMessages.id, cursor.id)))
    : undefined;
  const rows = await db
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.user_id, userId), options.conversation_id ? eq(chatMessages.conversation_id, options.conversation_id) : undefined, older))
    .orderBy(desc(chatMessages.created_at), desc(chatMessages.id))
    .limit(options.limit + 1);
  const hasMore = rows.length > options.limit;
  const page = rows.slice(0, options.limit).reverse();
  return { messages: page.map(publicMessage), has_more: hasMore, next_before: hasMore ? (page[0]?.id ?? null) : null };
}
