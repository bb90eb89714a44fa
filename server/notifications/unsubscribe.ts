import { eq } from 'drizzle-orm';
import { NotificationKindSchema, type NotificationKind } from '#shared/schema/notifications.ts';
import type { Executor } from '../db/database.ts';
import { userProfiles } from '../db/schema.ts';
import { serverStamp } from '../lib/write-stamp.ts';
import { keyedHash, safeEqual } from '../lib/crypto.ts';
import { updatePreferences } from './preferences.ts';

// One-click unsubscribe (RFC 8058) without signing in: the link carries
// `<user id>.<kind>.<HMAC of both>` under the session secret. Nothing is stored; the token only
// ever switches one kind off for one runner, so it never expires (old e-mails keep working).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function mac(secret: string, userId: string, kind: NotificationKind): string {
  return keyedHash(secret, `notifications.unsubscribe:${userId}:${kind}`).slice(0, 32);
}

/** The signed token for one runner and kind. */
export function unsubscribeToken(secret: string, userId: string, kind: NotificationKind): string {
  return `${userId}.${kind}.${mac(secret, userId, kind)}`;
}

/** The unsubscribe URL put in the e-mail body and the List-Unsubscribe header. */
export function unsubscribeUrl(publicUrl: string, secret: string, userId: string, kind: NotificationKind): string {
  return `${publicUrl}/api/notifications/unsubscribe?token=${unsubscribeToken(secret, userId, kind)}`;
}

/** The runner and kind a token names, or null for a malformed or forged one. */
export function readUnsubscribeToken(secret: string, token: string): { userId: string; kind: NotificationKind } | null {
  const [userId, kind, signature, ...rest] = token.split('.');
  if (rest.length > 0 || !userId || !UUID.test(userId) || !signature) return null;
  const parsed = NotificationKindSchema.safeParse(kind);
  if (!parsed.success) return null;
  return safeEqual(signature, mac(secret, userId, parsed.data)) ? { userId, kind: parsed.data } : null;
}

/** Switches `kind` on or off for the runner; false when the account no longer exists. */
export async function setKind(db: Executor, userId: string, kind: NotificationKind, on: boolean, now: Date): Promise<boolean> {
  const [profile] = await db.select({ zone: userProfiles.time_zone }).from(userProfiles).where(eq(userProfiles.user_id, userId));
  if (!profile) return false;
  await updatePreferences(db, userId, { [kind]: on }, serverStamp(now, profile.zone));
  return true;
}
