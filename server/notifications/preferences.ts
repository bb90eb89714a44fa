import { eq } from 'drizzle-orm';
import {
  DEFAULT_PREFERENCES,
  preferencesProblem,
  type NotificationKind,
  type PreferenceFields,
  type Preferences,
  type PreferencesUpdate,
} from '#shared/schema/notifications.ts';
import type { Executor } from '../db/database.ts';
import { notificationPreferences } from '../db/schema.ts';
import { applyFields, type WriteStamp } from '../lib/write-stamp.ts';
import { AppError } from '../lib/errors.ts';
import type { QuietHours } from '#shared/time/zone.ts';

// The runner's notification settings. A runner who never changed them has no row (reading never
// writes, so a GET makes no sync version); the first change inserts one with the defaults and
// the change in a single statement. Edits merge field by field, last writer wins (docs/SYNC.md §Conflicts).

type PreferencesRow = typeof notificationPreferences.$inferSelect;

/** The fields of a row (or the defaults without one). */
export function fieldsOf(row: PreferencesRow | null | undefined): PreferenceFields {
  if (!row) return { ...DEFAULT_PREFERENCES };
  return {
    workout_reminder: row.workout_reminder,
    weekly_journal: row.weekly_journal,
    goal_unrealistic: row.goal_unrealistic,
    strava_disconnected: row.strava_disconnected,
    coach_proposal: row.coach_proposal,
    reminder_time: row.reminder_time,
    remind_rest_days: row.remind_rest_days,
    quiet_hours_start: row.quiet_hours_start,
    quiet_hours_end: row.quiet_hours_end,
  };
}

/** The stored row, or null while the runner keeps the defaults. */
async function loadRow(db: Executor, userId: string): Promise<PreferencesRow | null> {
  const [row] = await db.select().from(notificationPreferences).where(eq(notificationPreferences.user_id, userId));
  return row ?? null;
}

/** The runner's preferences (the defaults when they never changed any). */
export async function getPreferences(db: Executor, userId: string): Promise<PreferenceFields & { updated_at: Date | null }> {
  const row = await loadRow(db, userId);
  return { ...fieldsOf(row), updated_at: row?.updated_at ?? null };
}

/** The preferences as the API answers them. */
export function publicPreferences(userId: string, prefs: PreferenceFields & { updated_at: Date | null }, channel: 'smtp' | 'resend' | null): Preferences {
  const { updated_at, ...fields } = prefs;
  return { user_id: userId, ...fields, updated_at: updated_at?.toISOString() ?? null, email_channel: channel };
}

/** Whether `kind` is switched on. */
export function kindEnabled(prefs: PreferenceFields, kind: NotificationKind): boolean {
  return prefs[kind];
}

/** The quiet hours, or null when none are set. */
export function quietHoursOf(prefs: PreferenceFields): QuietHours | null {
  return prefs.quiet_hours_start && prefs.quiet_hours_end ? { start: prefs.quiet_hours_start, end: prefs.quiet_hours_end } : null;
}

function refuseProblem(merged: PreferenceFields): void {
  const problem = preferencesProblem(merged);
  if (problem)
    throw new AppError('validation_failed', {
      message: 'The notification settings are not valid.',
      issues: [{ path: problem.path, message: problem.message }],
    });
}

/**
 * Applies a partial update (REST or the notifications.preferences.update@1 mutation), field by
 * field, last writer wins. Quiet hours must end up with both ends or neither (400 otherwise).
 */
export async function updatePreferences(
  db: Executor,
  userId: string,
  update: PreferencesUpdate,
  stamp: WriteStamp,
): Promise<PreferenceFields & { updated_at: Date | null }> {
  let row = await loadRow(db, userId);
  if (!row) {
    const { set, fieldHlc } = applyFields({}, update, stamp);
    const merged = { ...DEFAULT_PREFERENCES, ...set };
    refuseProblem(merged);
    const [inserted] = await db
      .insert(notificationPreferences)
      .values({ user_id: userId, ...merged, field_hlc: fieldHlc, created_at: stamp.now, updated_at: stamp.now })
      .onConflictDoNothing()
      .returning();
    if (inserted) return { ...fieldsOf(inserted), updated_at: inserted.updated_at };
    // Another writer inserted it meanwhile: merge into theirs.
    row = (await loadRow(db, userId))!;
  }
  const { set, fieldHlc } = applyFields(row.field_hlc, update, stamp);
  if (Object.keys(set).length === 0) return { ...fieldsOf(row), updated_at: row.updated_at };
  refuseProblem({ ...fieldsOf(row), ...set });
  const [updated] = await db
    .update(notificationPreferences)
    .set({ ...set, field_hlc: fieldHlc, updated_at: stamp.now })
    .where(eq(notificationPreferences.user_id, userId))
    .returning();
  return { ...fieldsOf(updated), updated_at: updated!.updated_at };
}
