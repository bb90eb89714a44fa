import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { users } from '../db/schema.ts';
import { keyedHash, safeEqual } from '../lib/crypto.ts';

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
