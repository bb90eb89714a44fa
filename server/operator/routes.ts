import { Hono } from 'hono';
import { z } from 'zod';
import { coachUsageReport, CoachUsageQuerySchema } from '../coach/usage-report.ts';
import { eq } from 'drizzle-orm';
import { EmailSchema } from '#shared/schema/auth.ts';
import { resetLink } from '../accounts/password.ts';
import { createInvite } from '../accounts/users.ts';
import { users } from '../db/schema.ts';
import { AuditFiltersSchema, auditQuery, listAudit, publicAuditEvent } from '../audit/audit.ts';
import { rotateEpoch } from '../sync/versions.ts';
import { requireStravaConfigured } from '../strava/status.ts';
import { manageSubscription } from '../strava/subscription.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { safeEqual } from '../lib/crypto.ts';
import { AppError } from '../lib/errors.ts';
import { isLoopback, readJson, readQuery } from '../lib/http.ts';

const InviteRequestSchema = z.object({ expires_days: z.number().int().min(1).max(365).optional() }).strict();
const SubscriptionRequestSchema = z
  .object({
    action: z.enum(['create', 'view', 'delete']),
    callback_url: z.url().max(255).optional(),
    id: z
      .string()
      .regex(/^\d{1,20}$/)
      .optional(),
  })
  .strict();

/**
 * Operator endpoints for commands like `npm run invite` while the server holds PGlite's files.
 * Loopback only, and authenticated by the admin token kept in DATA_DIR/secrets.json.
 */
export function adminRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const bearer = c.req.header('authorization')?.replace(/^Bearer /, '') ?? '';
    // 404, not 403: the admin surface does not announce itself to the network.
    if (!isLoopback(c) || !safeEqual(bearer, deps.config.adminToken)) throw AppError.notFound('That route');
    await next();
  });

  // After a restore from backup: every device pushes its pending changes, then downloads again.
  app.post('/sync/rotate-epoch', async (c) => {
    await readJson(c, z.object({}).strict());
    const epoch = await rotateEpoch(deps.db);
    deps.log.warn('sync epoch rotated', { epoch });
    return c.json({ epoch });
  });

  // `npm run audit:log`: sign-ins and failures, sign-ups, Strava links, exports, deletions; newest first.
  app.get('/audit', async (c) => {
    const rows = await listAudit(deps.db, auditQuery(readQuery(c, AuditFiltersSchema)));
    return c.json({ events: rows.map(publicAuditEvent) });
  });

  // `npm run coach:usage`: tokens and estimated cost per runner per day or month.
  app.get('/coach/usage', async (c) => c.json(await coachUsageReport(deps.db, readQuery(c, CoachUsageQuerySchema), deps.config.anthropic.prices)));

  app.post('/invites', async (c) => {
    const input = await readJson(c, InviteRequestSchema);
    const invite = await createInvite(deps.db, { now: deps.now(), expiresDays: input.expires_days });
    deps.log.info('invite created');
    return c.json(invite, 201);
  });

  // `npm run reset-link` while the server holds PGlite: a password reset link for one account.
  app.post('/reset-link', async (c) => {
    const { email } = await readJson(c, z.object({ email: EmailSchema }).strict());
    const [user] = await deps.db.select().from(users).where(eq(users.email, email));
    if (user) deps.log.info('password reset link made by the operator', { user_id: user.id });
    return c.json({ link: user ? resetLink(deps.config, user, deps.now()) : null });
  });

  // `npm run strava:subscription` while the server holds PGlite: Strava validates a new
  // subscription by calling this very server's webhook, which it can answer meanwhile.
  app.post('/strava/subscription', async (c) => {
    const input = await readJson(c, SubscriptionRequestSchema);
    requireStravaConfigured(deps.config);
    const result = await manageSubscription(deps.db, deps.config, input.action, {
      callbackUrl: input.callback_url,
      id: input.id,
      now: deps.now(),
      http: { now: deps.now },
    });
    deps.log.info('strava subscription command', { action: input.action, recorded: result.recorded });
    return c.json(result);
  });

  return app;
}
