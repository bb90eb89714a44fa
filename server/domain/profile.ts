import { eq } from 'drizzle-orm';
import type { ProfileUpdate } from '#shared/schema/profile.ts';
import type { Executor } from '../db/database.ts';
import { userProfiles } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';

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
    updated_at: row.updated_at.toISOString(),
  };
}

/** The signed-in user's profile. */
export async function getProfile(db: Executor, userId: string): Promise<ProfileRow> {
  const [row] = await db.select().from(userProfiles).where(eq(userProfiles.user_id, userId));
  if (!row) throw AppError.notFound('The profile');
  return row;
}

/** Applies a partial update to the user's own profile. */
export async function updateProfile(db: Executor, userId: string, update: ProfileUpdate, now: Date): Promise<ProfileRow> {
  const [row] = await db
    .update(userProfiles)
    .set({ ...update, updated_at: now })
    .where(eq(userProfiles.user_id, userId))
    .returning();
  if (!row) throw AppError.notFound('The profile');
  return row;
}
