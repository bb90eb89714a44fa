import { and, desc, eq, gte, lte } from 'drizzle-orm';
import type { ReadinessFields } from '#shared/schema/readiness.ts';
import type { Executor } from '../db/database.ts';
import { readinessCheckins } from '../db/schema.ts';
import { AppError, idTaken } from '../lib/errors.ts';
import { applyFields, type WriteStamp } from '../lib/write-stamp.ts';

export type ReadinessCheckinRow = typeof readinessCheckins.$inferSelect;

/**
 * Records the day's check-in. One row per runner and day: a second check-in that day (another
 * device, offline) updates the first per field, last writer wins, and keeps the first one's id.
 */
export async function checkIn(db: Executor, userId: string, id: string, date: string, fields: ReadinessFields, stamp: WriteStamp): Promise<void> {
  const update = { sleep: fields.sleep, soreness: fields.soreness, stress: fields.stress, resting_hr: fields.resting_hr ?? null, note: fields.note ?? null };
  const [sameDay] = await db
    .select()
    .from(readinessCheckins)
    .where(and(eq(readinessCheckins.user_id, userId), eq(readinessCheckins.date, date)));
  if (!sameDay) {
    const [taken] = await db.select({ user_id: readinessCheckins.user_id }).from(readinessCheckins).where(eq(readinessCheckins.id, id));
    if (taken) throw idTaken();
    const { fieldHlc } = applyFields({}, update, stamp);
    await db.insert(readinessCheckins).values({ id, user_id: userId, date, ...update, field_hlc: fieldHlc, created_at: stamp.now, updated_at: stamp.now });
    return;
  }
  const { set, fieldHlc } = applyFields(sameDay.field_hlc as Record<string, string>, update, stamp);
  if (Object.keys(set).length === 0) return;
  await db
    .update(readinessCheckins)
    .set({ ...set, field_hlc: fieldHlc, updated_at: stamp.now })
    .where(eq(readinessCheckins.id, sameDay.id));
}

/** The runner's check-ins from `from` to `to` (both included), newest first. */
export async function listCheckins(db: Executor, userId: string, from: string, to: string): Promise<ReadinessCheckinRow[]> {
  if (from > to) throw new AppError('invalid_range', { message: 'from is after to' });
  return db
    .select()
    .from(readinessCheckins)
    .where(and(eq(readinessCheckins.user_id, userId), gte(readinessCheckins.date, from), lte(readinessCheckins.date, to)))
    .orderBy(desc(readinessCheckins.date));
}
