import { eq } from 'drizzle-orm';
import { profileConflictError, withDerivedDays, type ProfileUpdate } from '#shared/schema/profile.ts';
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
    available_days: row.available_days,
    long_run_day: row.long_run_day,
    max_heart_rate: row.max_heart_rate,
    resting_heart_rate: row.resting_heart_rate,
    threshold_heart_rate: row.threshold_heart_rate,
    birth_year: row.birth_year,
    ctl_days: row.ctl_days,
    atl_days: row.atl_days,
    recent_race_distance_meters: row.recent_race_distance_meters,
    recent_race_time_seconds: row.recent_race_time_seconds,
    recent_race_date: row.recent_race_date,
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
 * Applies a partial update to the user's own profile, field by field, last writer wins. The count
 * of days follows the named days (withDerivedDays). The profile it would leave is checked as a
 * whole first (resting below max, the long-run day among the days, a whole recent race, …): a
 * 400 naming the field, and nothing of the update is applied.
 */
export async function updateProfileFields(db: Executor, userId: string, update: ProfileUpdate, stamp: WriteStamp): Promise<ProfileRow> {
  const current = await getProfile(db, userId);
  const { set, fieldHlc } = applyFields(current.field_hlc, withDerivedDays(current, update), stamp);
  if (Object.keys(set).length === 0) return current;
  const conflict = profileConflictError({ ...current, ...set }, Object.keys(set), stamp.today);
  if (conflict) throw AppError.validation(conflict, 'Some of your profile details do not fit together.');
  const [row] = await db
    .update(userProfiles)
    .set({ ...set, field_hlc: fieldHlc, updated_at: stamp.now })
    .where(eq(userProfiles.user_id, userId))
    .returning();
  return row!;
}
