import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { buildCalendar } from '#shared/calendar/ics.ts';
import { describeStructure } from '#shared/calendar/describe.ts';
import type { WorkoutStructure } from '#shared/schema/workout.ts';
import { runnerPaces } from '#shared/training/timeline.ts';
import type { Executor } from '../db/database.ts';
import { trainingPlans, userProfiles, users, workouts } from '../db/schema.ts';
import { keyedHash, safeEqual } from '../lib/crypto.ts';
import { engineProfile } from './training-context.ts';
import { localDate } from './stamp.ts';

// The feed token is `<user id>.<HMAC of the id and a version>`: nothing secret is stored, and
// bumping the version (rotate in Settings) kills every old URL at once.

function mac(secret: string, userId: string, version: number): string {
  return keyedHash(secret, `calendar:${userId}:${version}`).slice(0, 32);
}

/** The runner's calendar feed URL. */
export function calendarUrl(publicUrl: string, secret: string, userId: string, version: number): string {
  return `${publicUrl}/api/calendar.ics?token=${userId}.${mac(secret, userId, version)}`;
}

/** The user a feed token belongs to, or null for a forged, malformed or rotated one. */
export async function calendarOwner(db: Executor, secret: string, token: string): Promise<string | null> {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return null;
  const [user] = await db.select({ version: users.calendar_token_version }).from(users).where(eq(users.id, match[1]!));
  return user && safeEqual(match[2]!, mac(secret, match[1]!, user.version)) ? match[1]! : null;
}

/** Makes a new feed URL; the old one stops working. */
export async function rotateCalendarToken(db: Executor, userId: string): Promise<number> {
  const [row] = await db
    .update(users)
    .set({ calendar_token_version: sql`${users.calendar_token_version} + 1` })
    .where(eq(users.id, userId))
    .returning({ version: users.calendar_token_version });
  return row!.version;
}

/** The runner's plan as an iCalendar feed: one all-day event per workout of an active plan. */
export async function calendarFeed(db: Executor, userId: string, options: { now: Date; publicUrl: string }): Promise<string> {
  const [profile] = await db.select().from(userProfiles).where(eq(userProfiles.user_id, userId));
  const rows = await db
    .select({ workout: workouts })
    .from(workouts)
    .leftJoin(trainingPlans, eq(trainingPlans.id, workouts.training_plan_id))
    .where(and(eq(workouts.user_id, userId), eq(workouts.deleted, false), or(isNull(workouts.training_plan_id), eq(trainingPlans.status, 'active'))))
    .orderBy(asc(workouts.scheduled_date));
  const unit = profile?.units ?? 'mi';
  const paces = profile && profile.easy_pace_per_mile_seconds !== null
    ? runnerPaces(engineProfile(profile), null, localDate(options.now, profile.time_zone)).paces
    : null;
  return buildCalendar({
    calendarName: 'RunCoach training plan',
    productId: '-//RunCoach//Training plan//EN',
    domain: new URL(options.publicUrl).hostname,
    now: options.now,
    workouts: rows.map(({ workout }) => ({
      id: workout.id,
      scheduled_date: workout.scheduled_date,
      title: workout.title,
      updated_at: workout.updated_at,
      description: [
        ...(paces ? describeStructure(workout.structure as WorkoutStructure, paces, unit) : []),
        ...(workout.reason ? ['', `Why: ${workout.reason}`] : []),
        '',
        `${options.publicUrl}/workouts/${workout.id}`,
      ].join('\n'),
    })),
  });
}
