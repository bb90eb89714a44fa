import { Hono } from 'hono';
import { LoginRequestSchema, RegisterRequestSchema } from '#shared/schema/auth.ts';
import { authenticate, createSession, endSession, publicUser, registerUser } from './users.ts';
import { auditSource, recordAuditAfter, recordFailedSignIn } from '../audit/audit.ts';
import { clearAttempts, refundAttempt, THROTTLE_RULES, type ThrottleRule } from './throttle-store.ts';
import { getProfile, publicProfile } from '../profile/profile.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { clientAddress, readJson } from '../lib/http.ts';
import { passwordRoutes } from './password-routes.ts';
import { clearSessionCookie, setSessionCookie } from './session.ts';
import { knownDeviceFor, setKnownDevice, takeAttempts, tooManyAttempts } from './throttle.ts';

/** Registration, sign-in, sign-out, "who am I", and password reset and change. */
export function authRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/register', async (c) => {
    const input = await readJson(c, RegisterRequestSchema);
    const address = clientAddress(c, deps.config.trustProxy);
    // Counted first and handed back on success: made-up invite codes and taken e-mails from one
    // address run out, so sign-up is neither a free CPU burner nor an e-mail oracle.
    const attempt = await takeAttempts(deps, [[THROTTLE_RULES.signUpAddress, address]]);
    if (!('tickets' in attempt)) {
      deps.log.warn('sign-up throttled', { address });
      throw tooManyAttempts('sign-up attempts', attempt.retryAfterSeconds);
    }
    const user = await registerUser(deps.db, input, deps.now());
    for (const ticket of attempt.tickets) await refundAttempt(deps.db, ticket);
    const session = await createSession(deps.db, deps.config.sessionSecret, user.id, deps.now());
    // Session first: scripts read the first Set-Cookie as the session.
    setSessionCookie(c, deps, session.token);
    setKnownDevice(c, deps, user.id);
    deps.log.info('account registered', { user_id: user.id });
    await recordAuditAfter(deps, { at: deps.now(), kind: 'sign_up', user_id: user.id, ...auditSource(c, deps.config.trustProxy) });
    return c.json({ user: publicUser(user) }, 201);
  });

  app.post('/login', async (c) => {
    const input = await readJson(c, LoginRequestSchema);
    const address = clientAddress(c, deps.config.trustProxy);
    const failed = (reason: 'throttled' | 'invalid_credentials') =>
      recordFailedSignIn(deps, { at: deps.now(), email: input.email, reason, ...auditSource(c, deps.config.trustProxy) });
    // Per address: stops spraying many accounts. Per account: a device that signed in to it
    // before has its own budget, everyone else shares the e-mail's (throttle.ts says why).
    const device = await knownDeviceFor(c, deps, input.email);
    const own: [ThrottleRule, string] = device ? [THROTTLE_RULES.signInDevice, device.deviceId] : [THROTTLE_RULES.signInEmail, input.email];
    const attempt = await takeAttempts(deps, [[THROTTLE_RULES.signInAddress, address], own]);
    if (!('tickets' in attempt)) {
      await failed('throttled');
      throw tooManyAttempts('sign-in attempts', attempt.retryAfterSeconds);
    }
    const user = await authenticate(deps.db, input.email, input.password);
    if (!user) {
      deps.log.warn('sign-in failed', { address });
      await failed('invalid_credentials');
      throw new AppError('invalid_credentials', { message: 'That e-mail and password do not match an account.' });
    }
    // The address counts only failures; the account's (or device's) budget starts afresh.
    await refundAttempt(deps.db, attempt.tickets[0]!);
    await clearAttempts(deps.db, ...own);
    const session = await createSession(deps.db, deps.config.sessionSecret, user.id, deps.now());
    setSessionCookie(c, deps, session.token);
    setKnownDevice(c, deps, user.id, device);
    deps.log.info('signed in', { user_id: user.id });
    await recordAuditAfter(deps, { at: deps.now(), kind: 'sign_in', user_id: user.id, ...auditSource(c, deps.config.trustProxy) });
    return c.json({ user: publicUser(user) });
  });

  app.post('/logout', async (c) => {
    const tokenHash = c.get('sessionTokenHash');
    if (tokenHash) await endSession(deps.db, tokenHash);
    clearSessionCookie(c, deps);
    const user = c.get('user');
    if (user) await recordAuditAfter(deps, { at: deps.now(), kind: 'sign_out', user_id: user.id, ...auditSource(c, deps.config.trustProxy) });
    return c.body(null, 204);
  });

  app.get('/me', async (c) => {
    const user = requireUser(c);
    const profile = await getProfile(deps.db, user.id);
    return c.json({ user: publicUser(user), profile: publicProfile(profile) });
  });

  app.route('/', passwordRoutes(deps));

  return app;
}
