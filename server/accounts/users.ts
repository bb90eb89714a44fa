import { and, eq, gt, sql } from 'drizzle-orm';
import type { RegisterRequestSchema } from '#shared/schema/auth.ts';
import type { z } from 'zod';
import type { Database, Executor } from '../db/database.ts';
import { inviteCodes, sessions, userProfiles, users } from '../db/schema.ts';
import { hashPassword, keyedHash, randomToken, sha256, verifyPassword } from '../lib/crypto.ts';
import { AppError } from '../lib/errors.ts';

export const SESSION_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;
/** A session's expiry slides forward at most this often, so reads do not all become writes. */
const SLIDE_EVERY_MS = 3600 * 1000;

import type { UserRow } from '../db/schema.ts';
export type { UserRow };

/** The user as the API shows it: never the password hash. */
export function publicUser(user: UserRow) {
  return { id: user.id, email: user.email, name: user.name, created_at: user.created_at.toISOString() };
}

/** Creates a single-use invite code and returns it; only its hash is stored. */
export async function createInvite(
  db: Executor,
  options: { now: Date; expiresDays?: number | undefined },
): Promise<{ code: string; expires_at: string | null }> {
  // Grouped for reading aloud: 4 groups of 4 from an unambiguous alphabet (~80 bits).
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = Buffer.from(randomToken(16), 'base64url');
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  const code = `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}-${chars.slice(12, 16)}`;
  const expiresAt = options.expiresDays ? new Date(options.now.getTime() + options.expiresDays * DAY_MS) : null;
  await db.insert(inviteCodes).values({ code_hash: hashInvite(code), created_at: options.now, expires_at: expiresAt });
  return { code, expires_at: expiresAt?.toISOString() ?? null };
}

function hashInvite(code: string): string {
  return sha256(code.trim().toUpperCase());
}

/**
 * Registers an account: consumes the invite code, creates the user and an empty profile,
 * all in one transaction, so a failure leaves the code unused.
 */
export async function registerUser(db: Database, input: z.output<typeof RegisterRequestSchema>, now: Date): Promise<UserRow> {
  // The code and the e-mail are checked before the password is hashed (tens of ms of CPU), so
  // made-up codes cost the server a lookup, not a hash; and outside the transaction, so the
  // hash does not hold the invite's row lock. The transaction checks both again.
  await checkRegistration(db, input, now, false);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await checkRegistration(tx, input, now, true);
    const inserted = await tx
      .insert(users)
      .values({
        email: input.email,
        name: input.name,
        password_hash: passwordHash,
        invite_code: hashInvite(input.invite_code),
        created_at: now,
        updated_at: now,
      })
      .onConflictDoNothing({ target: users.email })
      .returning();
    const user = inserted[0];
    // A concurrent registration with the same e-mail won the race.
    if (!user) throw emailTaken();
    await tx.insert(userProfiles).values({ user_id: user.id, created_at: now, updated_at: now });
    await tx
      .update(inviteCodes)
      .set({ used_at: now, used_by: user.id })
      .where(eq(inviteCodes.code_hash, hashInvite(input.invite_code)));
    return user;
  });
}

/** Throws unless the invite code is usable and the e-mail free; `lock` holds the invite's row. */
async function checkRegistration(db: Executor, input: z.output<typeof RegisterRequestSchema>, now: Date, lock: boolean): Promise<void> {
  const byCode = db
    .select()
    .from(inviteCodes)
    .where(eq(inviteCodes.code_hash, hashInvite(input.invite_code)));
  const [invite] = lock ? await byCode.for('update') : await byCode;
  if (!invite) throw new AppError('invite_code_invalid', { message: 'That invite code does not exist. Check it for typos.' });
  if (invite.used_at) throw new AppError('invite_code_used', { message: 'That invite code has already been used.' });
  if (invite.expires_at && invite.expires_at <= now) {
    throw new AppError('invite_code_expired', { message: 'That invite code has expired. Ask for a new one.' });
  }
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, input.email));
  if (existing) throw emailTaken();
}

function emailTaken(): AppError {
  return new AppError('email_taken', { message: 'An account with that e-mail address already exists. Sign in instead.' });
}

/** The id of the account with this e-mail, or null; no password involved. */
export async function userIdByEmail(db: Executor, email: string): Promise<string | null> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row?.id ?? null;
}

// Verifying against a fixed hash when the e-mail is unknown keeps the answer time the same,
// so timing does not tell which e-mail addresses have accounts.
let dummyHash: Promise<string> | undefined;

/** The user whose e-mail and password match, or null. */
export async function authenticate(db: Executor, email: string, password: string): Promise<UserRow | null> {
  const [user] = await db.select().from(users).where(eq(users.email, email));
  if (!user) {
    dummyHash ??= hashPassword('not a real password');
    await verifyPassword(password, await dummyHash);
    return null;
  }
  return (await verifyPassword(password, user.password_hash)) ? user : null;
}

/** Starts a session; returns the token for the cookie (only its keyed hash is stored). */
export async function createSession(db: Executor, secret: string, userId: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY_MS);
  await db.insert(sessions).values({ token_hash: keyedHash(secret, token), user_id: userId, created_at: now, expires_at: expiresAt, last_seen_at: now });
  return { token, expiresAt };
}

export interface ActiveSession {
  user: UserRow;
  tokenHash: string;
  /** Set when the expiry moved forward: the cookie must be sent again. */
  renewedUntil: Date | null;
}

/** The signed-in user for a session token, sliding the 30-day expiry forward; null when unknown or expired. */
export async function resumeSession(db: Executor, secret: string, token: string, now: Date): Promise<ActiveSession | null> {
  const tokenHash = keyedHash(secret, token);
  const [row] = await db
    .select({ user: users, expires_at: sessions.expires_at })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.user_id))
    .where(and(eq(sessions.token_hash, tokenHash), gt(sessions.expires_at, now)));
  if (!row) return null;
  const fullExpiry = new Date(now.getTime() + SESSION_DAYS * DAY_MS);
  if (fullExpiry.getTime() - row.expires_at.getTime() < SLIDE_EVERY_MS) {
    return { user: row.user, tokenHash, renewedUntil: null };
  }
  await db.update(sessions).set({ expires_at: fullExpiry, last_seen_at: now }).where(eq(sessions.token_hash, tokenHash));
  return { user: row.user, tokenHash, renewedUntil: fullExpiry };
}

/** Ends one session. */
export async function endSession(db: Executor, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.token_hash, tokenHash));
}

/** Deletes expired sessions; returns how many. */
export async function purgeExpiredSessions(db: Executor, now: Date): Promise<number> {
  const result = await db
    .delete(sessions)
    .where(sql`${sessions.expires_at} <= ${now}`)
    .returning({ h: sessions.token_hash });
  return result.length;
}
