import { Hono } from 'hono';
import { LoginRequestSchema, RegisterRequestSchema } from '#shared/schema/auth.ts';
import { authenticate, createSession, endSession, publicUser, registerUser } from '../domain/accounts.ts';
import { auditSource, recordAuditAfter, recordFailedSignIn } from '../domain/audit.ts';
import { getProfile, publicProfile } from '../domain/profile.ts';
import type { AppDeps, AppEnv } from '../lib/context.ts';
import { AppError } from '../lib/errors.ts';
import { clientAddress, readJson } from '../lib/http.ts';
import { clearSessionCookie, requireUser, setSessionCookie } from '../lib/session.ts';
import { FailureThrottle } from '../lib/throttle.ts';

const WINDOW_MS = 15 * 60 * 1000;

/** Registration, sign-in, sign-out and "who am I". */
export function authRoutes(deps: AppDeps): Hono<AppEnv> {
  const now = () => deps.now().getTime();
  // Per e-mail: stops guessing one account's password. Per IP: stops spraying many accounts.
  const byEmail = new FailureThrottle(5, WINDOW_MS, now);
  const byAddress = new FailureThrottle(20, WINDOW_MS, now);
  const app = new Hono<AppEnv>();

  app.post('/register', async (c) => {
    const input = await readJson(c, RegisterRequestSchema);
    const user = await registerUser(deps.db, input, deps.now());
    const session = await createSession(deps.db, deps.config.sessionSecret, user.id, deps.now());
    setSessionCookie(c, deps, session.token);
    deps.log.info('account registered', { user_id: user.id });
    await recordAuditAfter(deps, { at: deps.now(), kind: 'sign_up', user_id: user.id, ...auditSource(c, deps.config.trustProxy) });
    return c.json({ user: publicUser(user) }, 201);
  });

  app.post('/login', async (c) => {
    const input = await readJson(c, LoginRequestSchema);
    const address = clientAddress(c, deps.config.trustProxy);
    const wait = Math.max(byEmail.retryAfterSeconds(input.email), byAddress.retryAfterSeconds(address));
    const failed = (reason: 'throttled' | 'invalid_credentials') =>
      recordFailedSignIn(deps, { at: deps.now(), email: input.email, reason, ...auditSource(c, deps.config.trustProxy) });
    if (wait > 0) {
      await failed('throttled');
      throw new AppError(429, 'too_many_attempts', `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} min.`, undefined, { retry_after_seconds: wait }, { 'Retry-After': String(wait) });
    }
    const user = await authenticate(deps.db, input.email, input.password);
    if (!user) {
      byEmail.fail(input.email);
      byAddress.fail(address);
      deps.log.warn('sign-in failed', { address });
      await failed('invalid_credentials');
      throw new AppError(401, 'invalid_credentials', 'That e-mail and password do not match an account.');
    }
    byEmail.reset(input.email);
    const session = await createSession(deps.db, deps.config.sessionSecret, user.id, deps.now());
    setSessionCookie(c, deps, session.token);
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

  return app;
}
