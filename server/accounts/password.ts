import { and, eq, ne } from 'drizzle-orm';
import type { Config } from '../lib/config.ts';
import type { Database, Executor } from '../db/database.ts';
import { sessions, users, type UserRow } from '../db/schema.ts';
import { hashPassword, keyedHash, randomToken, safeEqual } from '../lib/crypto.ts';
import { AppError } from '../lib/errors.ts';
import type { EmailChannel } from '../notifications/mail.ts';

// Password reset links carry a signed token instead of one kept in a table: the MAC covers the
// account, the expiry, the e-mail and the current password hash, so nothing secret is stored,
// the link dies when it expires, once it has been used (a new password is a new hash, with a new
// salt), and when the e-mail changes. An old link therefore cannot be replayed, and a database
// leak reveals no live link.

/** How long a reset link works. */
export const RESET_LINK_MINUTES = 60;

function resetMac(secret: string, user: Pick<UserRow, 'id' | 'email' | 'password_hash'>, expiresAt: number): string {
  return keyedHash(secret, `password-reset:${user.id}.${expiresAt}.${user.email}.${user.password_hash}`);
}

/** A reset link for `user`, valid for RESET_LINK_MINUTES; the token rides in the fragment, so it never reaches a log or a Referer. */
export function resetLink(config: Pick<Config, 'sessionSecret' | 'publicUrl'>, user: UserRow, now: Date): { url: string; expires_at: string } {
  const expiresAt = Math.floor(now.getTime() / 1000) + RESET_LINK_MINUTES * 60;
  const token = `${user.id}.${expiresAt}.${resetMac(config.sessionSecret, user, expiresAt)}`;
  return { url: `${config.publicUrl}/reset-password#token=${token}`, expires_at: new Date(expiresAt * 1000).toISOString() };
}

function invalidLink(): AppError {
  return new AppError('reset_link_invalid');
}

/** The account a reset token opens, or a 400 when it is malformed, expired, used or for an old e-mail. */
export async function userForResetToken(db: Executor, secret: string, token: string, now: Date): Promise<UserRow> {
  const [id, expires, mac] = token.split('.');
  if (!id || !expires || !mac || !/^[0-9a-f-]{36}$/.test(id) || !/^\d{1,12}$/.test(expires)) throw invalidLink();
  const expiresAt = Number(expires);
  if (expiresAt * 1000 <= now.getTime()) throw invalidLink();
  const [user] = await db.select().from(users).where(eq(users.id, id));
  if (!user || !safeEqual(mac, resetMac(secret, user, expiresAt))) throw invalidLink();
  return user;
}

/**
 * Sets a new password for the account of a reset token and ends every session of it (whoever
 * knew the old password is signed out). Compare-and-set on the old hash: of two uses of one
 * link racing, one wins.
 */
export async function resetPassword(db: Database, secret: string, token: string, password: string, now: Date): Promise<UserRow> {
  const user = await userForResetToken(db, secret, token, now);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ password_hash: passwordHash, updated_at: now })
      .where(and(eq(users.id, user.id), eq(users.password_hash, user.password_hash)))
      .returning();
    if (!updated) throw invalidLink();
    await tx.delete(sessions).where(eq(sessions.user_id, user.id));
    return updated;
  });
}

/** Sets a new password and ends every session of the account but `keepTokenHash` (this device); returns how many ended. */
export async function changePassword(db: Database, userId: string, password: string, keepTokenHash: string | null, now: Date): Promise<number> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    await tx.update(users).set({ password_hash: passwordHash, updated_at: now }).where(eq(users.id, userId));
    const others = keepTokenHash ? and(eq(sessions.user_id, userId), ne(sessions.token_hash, keepTokenHash)) : eq(sessions.user_id, userId);
    const ended = await tx.delete(sessions).where(others).returning({ h: sessions.token_hash });
    return ended.length;
  });
}

/** Moves the account to a new e-mail address; a 409 when another account has it. */
export async function changeEmail(db: Executor, userId: string, email: string, now: Date): Promise<UserRow> {
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), ne(users.id, userId)));
  if (taken) throw new AppError('email_taken', { message: 'Another account already uses that e-mail address.' });
  const [updated] = await db.update(users).set({ email, updated_at: now }).where(eq(users.id, userId)).returning();
  return updated!;
}

/** E-mails a reset link; the caller does not wait for it, so the answer takes as long for unknown e-mails. */
export async function sendResetMail(channel: EmailChannel, config: Config, user: UserRow, now: Date): Promise<void> {
  const link = resetLink(config, user, now);
  const id = randomToken(12);
  const host = new URL(config.publicUrl).hostname;
  const text = [
    `Hi ${user.name},`,
    '',
    'Someone (we hope you) asked to reset your RunCoach password. Open this link to choose a new one:',
    '',
    link.url,
    '',
    `It works once, for ${RESET_LINK_MINUTES} minutes. If you did not ask, ignore this e-mail: your password stays as it is.`,
  ].join('\n');
  const html = `<p>Hi ${escapeHtml(user.name)},</p><p>Someone (we hope you) asked to reset your RunCoach password. <a href="${escapeHtml(link.url)}">Choose a new password</a>.</p><p>The link works once, for ${RESET_LINK_MINUTES} minutes. If you did not ask, ignore this e-mail: your password stays as it is.</p>`;
  await channel.send(
    {
      notificationId: id,
      messageId: `<reset-${id}@${host}>`,
      idempotencyKey: `reset-${id}`,
      from: config.email.from,
      to: user.email,
      subject: 'Reset your RunCoach password',
      text,
      html,
      headers: {},
    },
    { handOver: async () => {} },
  );
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
