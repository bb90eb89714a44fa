import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { addDays } from '#shared/training/dates.ts';
import { getActivity, listActivities } from '../domain/activities.ts';
import { auditSource, recordAuditAfter } from '../domain/audit.ts';
import { userToday } from '../domain/matching.ts';
import { requestSync } from '../domain/strava-backfill.ts';
import { createOauthState, consumeOauthState } from '../domain/strava-oauth.ts';
import { rateLimitWatcher } from '../domain/strava-pause.ts';
import { purgeUserStravaData } from '../domain/strava-purge.ts';
import { requireStravaConfigured, stravaStatus } from '../domain/strava-status.ts';
import { accessTokenFor, loadTokens, saveConnection, userForAthlete, type StravaCallContext } from '../domain/strava-tokens.ts';
import { eventInbox } from '../jobs/inbox.ts';
import { queueBackfill } from '../jobs/strava.ts';
import {
  authorizeUrl,
  deauthorize,
  exchangeCode,
  hasActivityRead,
  isStravaError,
  parseGrantedScope,
  parseStravaEvent,
  webhookChallenge,
} from '../integrations/strava/index.ts';
import type { AppDeps, AppEnv } from '../lib/context.ts';
import { AppError } from '../lib/errors.ts';
import { readQuery } from '../lib/http.ts';
import { requireUser } from '../lib/session.ts';
import { routeId } from './ids.ts';

// Strava (STRAVA.md): OAuth connect/callback/disconnect and status for the Settings screen, and
// the webhook Strava calls (no session, no Origin: the same-origin check lets it through).
// HTTP handlers never wait on Strava where a deadline applies: the webhook only stores and queues,
// and a job confirms with Strava before a delete or deauthorization changes anything.

/** Where the callback sends the browser: the Settings screen with the outcome. */
type Outcome = 'connected' | 'denied' | 'missing_scope' | 'error';

/** Strava calls made while a person waits: a shorter deadline than jobs use. */
const INTERACTIVE_TIMEOUT_MS = 8_000;

function logFields(error: unknown): Record<string, unknown> {
  return isStravaError(error) ? error.toLogFields() : { error: error instanceof Error ? error.name : 'unknown' };
}

/** Token access for a request (disconnect), with the rate-limit headers collected. */
function interactiveCall(deps: AppDeps) {
  const watcher = rateLimitWatcher(deps.now);
  const http = { timeoutMs: INTERACTIVE_TIMEOUT_MS, now: deps.now, onRateLimit: watcher.onRateLimit };
  const call: StravaCallContext = { db: deps.db, dbKind: deps.dbKind, config: deps.config, now: deps.now, http, uncertainRefreshWaitMs: 10 * 60_000 };
  return { call, http, settle: () => watcher.settle(deps.db) };
}

/** OAuth, status and webhook routes under /api/strava. */
export function stravaRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const redirectUri = `${deps.config.publicUrl}/api/strava/callback`;
  const inbox = eventInbox(deps);
  const settings = (c: Context, outcome: Outcome, reason?: string) =>
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
    const query = c.req.query();
    // The state is used up first, whatever else the callback says: it is good for one answer only.
    const stateOk = await consumeOauthState(deps.db, deps.config.sessionSecret, query.state ?? '', user.id, c.get('sessionTokenHash') ?? '', deps.now());
    if (!stateOk) {
      deps.log.warn('strava callback refused: unknown, used, expired or foreign state', { user: user.id });
      return settings(c, 'error', 'state');
    }
    if (query.error) return settings(c, query.error === 'access_denied' ? 'denied' : 'error');
    if (!query.code) return settings(c, 'error', 'no_code');
    const scopes = parseGrantedScope(query.scope);
    // Without activity:read Strava sends no activity webhooks and we can read nothing: say so.
    if (!hasActivityRead(scopes)) return settings(c, 'missing_scope');
    const { http, settle } = interactiveCall(deps);
    let connection;
    try {
      connection = await exchangeCode({ ...http, config: deps.config.strava, code: query.code });
    } catch (error) {
      deps.log.warn('strava code exchange failed', { user: user.id, ...logFields(error) });
      return settings(c, 'error', 'exchange');
    } finally {
      await settle();
    }
    const owner = await userForAthlete(deps.db, connection.athleteId);
    if (owner && owner !== user.id) {
      deps.log.warn('strava athlete already linked to another account', { user: user.id });
      return settings(c, 'error', 'athlete_linked');
    }
    const now = deps.now();
    const generation = await deps.db.transaction((tx) => saveConnection(tx, deps.config.tokenEncryptionKey, user.id, connection, [...scopes].join(','), now));
    // Without a queue in this process the stored progress row is picked up when one starts.
    if (deps.jobs) await queueBackfill(deps.jobs, { userId: user.id, generation, page: 1 });
    deps.log.info('strava connected', { user: user.id });
    await recordAuditAfter(deps, { at: now, kind: 'strava_connected', user_id: user.id, detail: { scope: [...scopes].join(',') }, ...auditSource(c, deps.config.trustProxy) });
    return settings(c, 'connected');
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
    await recordAuditAfter(deps, { at: deps.now(), kind: 'strava_disconnected', user_id: user.id, detail: { by: 'runner', revoked, activities }, ...auditSource(c, deps.config.trustProxy) });
    return c.json({ disconnected: true, revoked, activities_deleted: activities });
  });

  app.get('/webhook', (c) => {
    requireStravaConfigured(deps.config);
    const answer = webhookChallenge(new URL(c.req.url).searchParams, deps.config.strava.webhookVerifyToken);
    if (!answer) throw new AppError(403, 'verify_token_mismatch', 'The verify token does not match this server.');
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

const RangeSchema = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() }).strict();

/** The runner's activities from every source (GET /api/activities, /api/activities/:id), each with its match. */
export function activityRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const user = requireUser(c);
    const range = readQuery(c, RangeSchema);
    const to = range.to ?? (await userToday(deps.db, user.id, deps.now()));
    const from = range.from ?? addDays(to, -90);
    if (from > to) throw new AppError(400, 'validation_failed', '`from` must not be after `to`.', [{ path: 'from', message: 'is after to' }]);
    return c.json({ activities: await listActivities(deps.db, user.id, from, to) });
  });

  app.get('/:id', async (c) => {
    const user = requireUser(c);
    return c.json({ activity: await getActivity(deps.db, user.id, routeId(c.req.param('id'), 'The activity')) });
  });

  return app;
}

/**
 * Revokes the runner's Strava access (best effort) and purges their Strava data: for
 * Settings → disconnect and for account deletion. External call first, never inside a transaction.
 */
export async function revokeAndPurgeStrava(deps: AppDeps, userId: string) {
  let revoked: 'revoked' | 'already_revoked' | 'failed' | 'not_connected' = 'not_connected';
  if (deps.config.strava.clientId && (await loadTokens(deps.db, userId))) {
    const { call, http, settle } = interactiveCall(deps);
    try {
      revoked = await deauthorize({ ...http, config: deps.config.strava, accessToken: await accessTokenFor(call, userId) });
    } catch (error) {
      // Purge anyway: the runner asked us to forget their Strava data, whatever Strava says.
      revoked = 'failed';
      deps.log.warn('strava revoke failed', { user: userId, ...logFields(error) });
    } finally {
      await settle();
    }
  }
  const purged = await deps.db.transaction((tx) => purgeUserStravaData(tx, userId, deps.now()));
  deps.log.info('strava disconnected', { user: userId, revoked, activities: purged.activities });
  return { revoked, activities: purged.activities };
}
