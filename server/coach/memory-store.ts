import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { userMemorySummaries } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { applyFields, type WriteStamp } from '../lib/write-stamp.ts';

// What the coach remembers about a runner: weekly training summaries, injury notes and
// preferences. The runner can read, correct and delete every one of them; a deletion is a
// tombstone (`deleted`) so offline devices learn of it and the weekly job never writes it again.

/** A user_memory_summaries row. */
export type MemoryRow = typeof userMemorySummaries.$inferSelect;
/** training_week, injury or preference. */
export type MemoryKind = MemoryRow['summary_type'];

/** The memory as the API shows it. */
export function publicMemory(row: MemoryRow) {
  return {
    id: row.id,
    summary_type: row.summary_type,
    source_date_range_start: row.source_date_range_start,
    source_date_range_end: row.source_date_range_end,
    content: row.content,
    data: row.data,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** A memory's id derived from what it is about, so re-running the weekly job writes nothing twice. */
export function memoryId(userId: string, kind: MemoryKind, weekStart: string, index = 0): string {
  const hex = createHash('sha256').update(`memory:${userId}:${kind}:${weekStart}:${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The user's memories that are not deleted, newest first. */
export async function listMemories(db: Executor, userId: string): Promise<MemoryRow[]> {
  return db
    .select()
    .from(userMemorySummaries)
    .where(and(eq(userMemorySummaries.user_id, userId), eq(userMemorySummaries.deleted, false)))
    .orderBy(desc(userMemorySummaries.created_at), desc(userMemorySummaries.id));
}

async function getMemory(db: Executor, userId: string, id: string, includeDeleted = false): Promise<MemoryRow> {
  const [row] = await db
    .select()
    .from(userMemorySummaries)
    .where(and(eq(userMemorySummaries.id, id), eq(userMemorySummaries.user_id, userId)));
  if (!row || (row.deleted && !includeDeleted)) throw AppError.notFound('The memory');
  return row;
}

/**
 * The runner corrects a memory (per-field last writer wins, like every synced row). Sync passes
 * `includeDeleted`: an offline edit of a memory deleted elsewhere lands, and it stays deleted.
 */
export async function updateMemory(
  db: Executor,
  userId: string,
  id: string,
  update: { content: string },
  stamp: WriteStamp,
  options: { includeDeleted?: boolean } = {},
): Promise<MemoryRow> {
  const row = await getMemory(db, userId, id, options.includeDeleted);
  const { set, fieldHlc } = applyFields(row.field_hlc, update, stamp);
  if (Object.keys(set).length === 0) return row;
  const [updated] = await db
    .update(userMemorySummaries)
    // A corrected memory is the runner's words: the weekly job must not overwrite it.
    .set({ ...set, data: { ...(row.data as Record<string, unknown>), edited_by_user: true }, field_hlc: fieldHlc, updated_at: stamp.now })
    .where(and(eq(userMemorySummaries.id, id), eq(userMemorySummaries.user_id, userId)))
    .returning();
  return updated!;
}

/** Forgets a memory (a tombstone); idempotent, since two devices may both delete it. */
export async function deleteMemory(db: Executor, userId: string, id: string, stamp: WriteStamp): Promise<void> {
  const row = await getMemory(db, userId, id, true);
  const { set, fieldHlc } = applyFields(row.field_hlc, { deleted: true }, stamp);
  if (Object.keys(set).length === 0) return;
  await db
    .update(userMemorySummaries)
    .set({ deleted: true, field_hlc: fieldHlc, updated_at: stamp.now })
    .where(and(eq(userMemorySummaries.id, id), eq(userMemorySummaries.user_id, userId)));
}

/** Writes a memory once under its derived id; an existing one (even deleted) is left alone. Returns whether it was new. */
export async function insertMemoryOnce(
  db: Executor,
  userId: string,
  memory: {
    id: string;
    summary_type: MemoryKind;
    source_date_range_start: string | null;
    source_date_range_end: string | null;
    content: string;
    data: Record<string, unknown>;
  },
  now: Date,
): Promise<boolean> {
  const rows = await db
    .insert(userMemorySummaries)
    .values({ ...memory, user_id: userId, created_at: now, updated_at: now })
    .onConflictDoNothing({ target: userMemorySummaries.id })
    .returning({ id: userMemorySummaries.id });
  return rows.length > 0;
}
