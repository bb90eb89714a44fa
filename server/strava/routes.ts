import { Hono, type Context } from 'hono';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { auditSource, recordAuditAfter } from '../audit/audit.ts';
import { authorizeUrl, parseStravaEvent, webhookChallenge } from './api/index.ts';
import { requestSync } from './backfill.ts';
import { completeConnection, revokeAndPurgeStrava, type ConnectOutcome } from './connect.ts';
import { eventInbox } from './inbox.ts';
import { queueBackfill } from './jobs.ts';
import { createOauthState } from './oauth-state.ts';
import { requireStravaConfigured, stravaStatus } from './status.ts';

// Strava (docs/STRAVA.md): OAuth connect/callback/disconnect and status for the Settings screen, and
// the webhook Strava calls (no session, no Origin: the same-origin check lets it through).
// HTTP handlers never wait on Strava where a deadline applies: the webhook only stores and queues,
// and a job confirms with Strava before a delete or deauthorization changes anything.

/** OAuth, status and webhook routes under /api/strava. */
export function stravaRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const redirectUri = `${deps.config.publicUrl}/api/strava/callback`;
  const inbox = eventInbox(deps);
  const settings = (c: Context, outcome: ConnectOutcome['outcome'], reason?: string) =>
    c.redirect(`/settings?strava=${outcome}${reason ? `&reason=${encodeURIComponent(reason)}` : ''}`, 302);

  app.get('/status', async (c) => {
    const user = requireUser(c);
    return c.json(await stravaStatus(deps.db, deps.config, user.id));
  });

  app.get('/connect', async (c) => {
    const user = requireUser(c);
    requireStravaConfigured(deps.config);
    const state = await createOauthState(deps.db, deps.config.sessionSecret, user.id, c.get('sessionTokenHash') ?? '', deps.now());
    return c.redirect(authorizeUrl({ config: deps.config.strava, redirectUri, state }), 302);
  });

  app.get('/callback', async (c) => {
    requireStravaConfigured(deps.config);
    const user = c.get('user');
    if (!user) return settings(c, 'error', 'signed_out');
    const { outcome, reason } = await completeConnection(
      deps,
      { userId: user.id, sessionTokenHash: c.get('sessionTokenHash') ?? '' },
      c.req.query(),
      auditSource(c, deps.config.trustProxy),
    );
    return settings(c, outcome, reason);
  });

  /** Sync now: a catch-up import of the runs since the last one, with the progress the status shows. */
  app.post('/sync', async (c) => {
    const user = requireUser(c);
    requireStravaConfigured(deps.config);
    const job = await requestSync(deps.db, user.id, deps.now());
    // Without a queue in this process the stored progress row is picked up when one starts.
    if (job && deps.jobs) await queueBackfill(deps.jobs, job);
    return c.json({ started: job !== null, status: await stravaStatus(deps.db, deps.config, user.id) }, 202);
  });

  app.post('/disconnect', async (c) => {
    const user = requireUser(c);
    requireStravaConfigured(deps.config);
    const { revoked, activities } = await revokeAndPurgeStrava(deps, user.id);
    await recordAuditAfter(deps, {
      at: deps.now(),
      kind: 'strava_disconnected',
      user_id: user.id,
      detail: { by: 'runner', revoked, activities },
      ...auditSource(c, deps.config.trustProxy),
    });
    return c.json({ disconnected: true, revoked, activities_deleted: activities });
  });

  app.get('/webhook', (c) => {
    requireStravaConfigured(deps.config);
    const answer = webhookChallenge(new URL(c.req.url).searchParams, deps.config.strava.webhookVerifyToken);
    if (!answer) throw new AppError('verify_token_mismatch', { message: 'The verify token does not match this server.' });
    return c.json(answer);
  });

  app.post('/webhook', async (c) => {
    requireStravaConfigured(deps.config);
    // As text: ids are 64-bit and JSON.parse would round them.
    const event = parseStravaEvent(await c.req.text());
    if (!event) {
      // Strava retries anything but a 200; a body that is not one of its events is answered and dropped.
      deps.log.warn('strava webhook: not an event, ignored');
      return c.json({ ok: true });
    }
    // Stored durably before the 200; the work itself is the job's.
    const outcome = await inbox.receive(event);
    if (outcome.kind === 'ignored') {
      // Strava retries anything but a 200, and a refusal would tell a forger which guess was wrong.
      const fields = { reason: outcome.reason, subscription: event.subscription_id, owner: event.owner_id, aspect: event.aspect_type };
      if (outcome.reason === 'too_many_events') deps.log.warn('strava webhook event ignored', fields);
      else deps.log.info('strava webhook event ignored', fields);
    }
    return c.json({ ok: true });
  });

  return app;
}
