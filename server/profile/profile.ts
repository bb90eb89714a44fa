import { eq } from 'drizzle-orm';
import { profileConflictError, type ProfileUpdate } from '#shared/schema/profile.ts';
import type { Executor } from '../db/database.ts';
import { userProfiles } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { applyFields, type WriteStamp } from '../lib/write-stamp.ts';

type ProfileRow = typeof userProfiles.$inferSelect;

/** The profile as the API shows it. */
export function publicProfile(row: ProfileRow) {
  return {
    user_id: row.user_id,
    current_weekly_mileage_miles: row.current_weekly_mileage_miles,
    days_available_per_week: row.days_available_per_week,
    easy_pace_per_mile_seconds: row.easy_pace_per_mile_seconds,
    injury_notes: row.injury_notes,
    units: row.units,
    target_type: row.target_type,
    time_zone: row.time_zone,
    max_hr: row.max_hr,
    resting_hr: row.resting_hr,
    lthr: row.lthr,
    birth_year: row.birth_year,
    ctl_days: row.ctl_days,
    atl_days: row.atl_days,
    updated_at: row.updated_at.toISOString(),
  };
}

/** The signed-in user's profile. */
export async function getProfile(db: Executor, userId: string): Promise<ProfileRow> {
  const [row] = await db.select().from(userProfiles).where(eq(userProfiles.user_id, userId));
  if (!row) throw AppError.notFound('The profile');
  return row;
}

/**
 * Applies a partial update to the user's own profile, field by field, last writer wins. The
 * profile it would leave is checked as a whole first (resting below max, …): a 400 naming the
 * field, and nothing of the update is applied.
 */
export async function updateProfileFields(db: Executor, userId: string, update: ProfileUpdate, stamp: WriteStamp): Promise<ProfileRow> {
  const current = await getProfile(db, userId);
  const { set, fieldHlc } = applyFields(current.field_hlc, update, stamp);
  if (Object.keys(set).length === 0) return current;
  const conflict = profileConflictError({ ...current, ...set }, Object.keys(set), stamp.today);
  if (conflict) throw AppError.validation(conflict, 'Your heart-rate details do not fit together.');
  const [row] = await db
    .update(userProfiles)
    .set({ ...set, field_hlc: fieldHlc, updated_at: stamp.now })
    .where(eq(userProfiles.user_id, userId))
    .returning();
  return row!;
}
