import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { EmailChangeSchema, PasswordChangeSchema, PasswordResetRequestSchema, PasswordResetSchema } from '#shared/schema/auth.ts';
import { auditSource, recordAuditAfter } from '../audit/audit.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { users } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { clientAddress, readJson } from '../lib/http.ts';
import { createChannel } from '../notifications/channel.ts';
import { changeEmail, changePassword, resetPassword, sendResetMail } from './password.ts';
import { setSessionCookie } from './session.ts';
import { clearAttempts, refundAttempt, THROTTLE_RULES } from './throttle-store.ts';
import { setKnownDevice, takeAttempts, tooManyAttempts } from './throttle.ts';
import { authenticate, createSession, publicUser } from './users.ts';

/** The one answer to a reset request, known e-mail or not: no account enumeration. */
export const RESET_REQUESTED = 'If an account uses that e-mail address, a link to reset its password is on its way. Check your inbox.';

/** Password reset (by e-mail link), change of password and of e-mail; mounted under /api/auth. */
export function passwordRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/password/reset-request', async (c) => {
    const { email } = await readJson(c, PasswordResetRequestSchema);
    const channel = createChannel(deps.config);
    // Said before any lookup, so it tells nothing about which e-mails have accounts.
    if (!channel) throw new AppError('password_reset_unavailable');
    const address = clientAddress(c, deps.config.trustProxy);
    // Counted for every e-mail, known or not (never refunded): limits mail bombing one inbox
    // and probing from one address, and answers alike for unknown addresses.
    const attempt = await takeAttempts(deps, [
      [THROTTLE_RULES.resetRequestAddress, address],
      [THROTTLE_RULES.resetRequestEmail, email],
    ]);
    if (!('tickets' in attempt)) throw tooManyAttempts('reset requests', attempt.retryAfterSeconds);
    const [user] = await deps.db.select().from(users).where(eq(users.email, email));
    if (user) {
      const now = deps.now();
      // Not awaited: a slow mail server would otherwise tell known e-mails from unknown ones.
      sendResetMail(channel, deps.config, user, now).then(
        () => deps.log.info('password reset link sent', { user_id: user.id }),
        (error: unknown) => deps.log.warn('password reset e-mail failed', { user_id: user.id, error: String(error) }),
      );
    }
    return c.json({ message: RESET_REQUESTED }, 202);
  });

  app.post('/password/reset', async (c) => {
    const input = await readJson(c, PasswordResetSchema);
    const address = clientAddress(c, deps.config.trustProxy);
    const attempt = await takeAttempts(deps, [[THROTTLE_RULES.signInAddress, address]]);
    if (!('tickets' in attempt)) throw tooManyAttempts('attempts', attempt.retryAfterSeconds);
    const user = await resetPassword(deps.db, deps.config.sessionSecret, input.token, input.password, deps.now());
    for (const ticket of attempt.tickets) await refundAttempt(deps.db, ticket);
    // Every old session ended with the old password; this browser starts a new one.
    const session = await createSession(deps.db, deps.config.sessionSecret, user.id, deps.now());
    setSessionCookie(c, deps, session.token);
    setKnownDevice(c, deps, user.id);
    deps.log.info('password reset', { user_id: user.id });
    await recordAuditAfter(deps, { at: deps.now(), kind: 'sign_in', user_id: user.id, ...auditSource(c, deps.config.trustProxy) });
    return c.json({ user: publicUser(user) });
  });

  app.post('/password', async (c) => {
    const user = requireUser(c);
    const input = await readJson(c, PasswordChangeSchema);
    await checkPassword(deps, user.id, user.email, input.current_password, 'That is not your current password; it was not changed.');
    const ended = await changePassword(deps.db, user.id, input.new_password, c.get('sessionTokenHash'), deps.now());
    deps.log.info('password changed', { user_id: user.id, sessions_ended: ended });
    return c.json({ sessions_ended: ended });
  });

  app.post('/email', async (c) => {
    const user = requireUser(c);
    const input = await readJson(c, EmailChangeSchema);
    await checkPassword(deps, user.id, user.email, input.password, 'That password is not right; your e-mail was not changed.');
    const updated = await changeEmail(deps.db, user.id, input.email, deps.now());
    deps.log.info('e-mail changed', { user_id: user.id });
    return c.json({ user: publicUser(updated) });
  });

  return app;
}

/** Checks the signed-in runner's password, counted like account deletion's (5 wrong per 15 min). */
async function checkPassword(deps: AppDeps, userId: string, email: string, password: string, wrong: string): Promise<void> {
  const attempt = await takeAttempts(deps, [[THROTTLE_RULES.accountPassword, userId]]);
  if (!('tickets' in attempt)) throw tooManyAttempts('wrong passwords', attempt.retryAfterSeconds);
  if (!(await authenticate(deps.db, email, password))) throw new AppError('password_mismatch', { message: wrong });
  await clearAttempts(deps.db, THROTTLE_RULES.accountPassword, userId);
}
