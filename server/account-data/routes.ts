import { Hono } from 'hono';
import { z } from 'zod';
import { authenticate } from '../accounts/users.ts';
import { deleteAccount, exportUserData } from './export-and-delete.ts';
import { auditSource, recordAuditAfter } from '../audit/audit.ts';
import { clearAttempts, THROTTLE_RULES } from '../accounts/throttle-store.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { readJson } from '../lib/http.ts';
import { clearSessionCookie } from '../accounts/session.ts';
import { clearKnownDevice, takeAttempts, tooManyAttempts } from '../accounts/throttle.ts';
import { revokeAndPurgeStrava } from '../strava/connect.ts';

/** GET /api/export: the runner's data to take away. */
export function exportRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const user = requireUser(c);
    const body = await exportUserData(deps.db, user.id, deps.now());
    deps.log.info('data exported', { user_id: user.id });
    await recordAuditAfter(deps, { at: deps.now(), kind: 'data_exported', user_id: user.id, ...auditSource(c, deps.config.trustProxy) });
    c.header('Content-Disposition', `attachment; filename="runcoach-export-${body.exported_at.slice(0, 10)}.json"`);
    c.header('Cache-Control', 'private, no-store');
    return c.json(body);
  });
  return app;
}

/** DELETE /api/account `{password}`: removes the account and everything in it, Strava access included. */
export function accountRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.delete('/', async (c) => {
    const user = requireUser(c);
    const { password } = await readJson(c, z.object({ password: z.string().min(1, 'is required').max(1024) }).strict());
    // The password again: a session left open on a shared device must not be enough to erase a
    // history, nor to guess the password without limit. Counted per account before the check.
    const attempt = await takeAttempts(deps, [[THROTTLE_RULES.accountPassword, user.id]]);
    if (!('tickets' in attempt)) throw tooManyAttempts('wrong passwords', attempt.retryAfterSeconds);
    if (!(await authenticate(deps.db, user.email, password))) {
      throw new AppError('password_mismatch', { message: 'That password is not right; your account was not deleted.' });
    }
    const strava = await revokeAndPurgeStrava(deps, user.id);
    await deleteAccount(deps.db, user.id, { at: deps.now(), detail: { strava: strava.revoked }, ...auditSource(c, deps.config.trustProxy) });
    deps.log.info('account deleted', { user_id: user.id });
    await clearAttempts(deps.db, THROTTLE_RULES.accountPassword, user.id);
    clearSessionCookie(c, deps);
    clearKnownDevice(c, deps);
    return c.body(null, 204);
  });
  return app;
}
