import { errorLogFields } from '../lib/errors.ts';
import type { AppDeps } from '../context.ts';
import { recordAuditAfter, type AuditSource } from '../audit/audit.ts';
import { consumeOauthState } from './oauth-state.ts';
import { rateLimitWatcher } from './pause.ts';
import { purgeUserStravaData } from './purge.ts';
import { accessTokenFor, loadTokens, saveConnection, userForAthlete, type StravaCallContext } from './tokens.ts';
import { queueBackfill } from './jobs.ts';
import { deauthorize, exchangeCode, hasActivityRead, parseGrantedScope } from './api/index.ts';

// Connecting and disconnecting Strava while the runner waits (docs/STRAVA.md §OAuth): the callback's
// checks in the order that keeps a forged or replayed answer from linking anything, and the
// revoke-then-purge that Settings and account deletion share.

/** Where the callback sends the browser: the Settings screen with the outcome. */
export type ConnectOutcome = { outcome: 'connected' | 'denied' | 'missing_scope' | 'error'; reason?: string };

/** Strava calls made while a person waits: a shorter deadline than jobs use. */
const INTERACTIVE_TIMEOUT_MS = 8_000;

/** Token access for a request, with the rate-limit headers collected. */
function interactiveCall(deps: AppDeps) {
  const watcher = rateLimitWatcher(deps.now);
  const http = { timeoutMs: INTERACTIVE_TIMEOUT_MS, now: deps.now, onRateLimit: watcher.onRateLimit };
  const call: StravaCallContext = { db: deps.db, dbKind: deps.dbKind, config: deps.config, now: deps.now, http, uncertainRefreshWaitMs: 10 * 60_000 };
  return { call, http, settle: () => watcher.settle(deps.db) };
}

/**
 * Strava's answer to the connect redirect: state first (good for one answer only, bound to the
 * session that asked), then the runner's choice and scope, the code exchange, and the link.
 */
export async function completeConnection(
  deps: AppDeps,
  who: { userId: string; sessionTokenHash: string },
  query: Record<string, string>,
  source: AuditSource,
): Promise<ConnectOutcome> {
  const userId = who.userId;
  // The state is used up first, whatever else the callback says.
  const stateOk = await consumeOauthState(deps.db, deps.config.sessionSecret, query.state ?? '', userId, who.sessionTokenHash, deps.now());
  if (!stateOk) {
    deps.log.warn('strava callback refused: unknown, used, expired or foreign state', { user: userId });
    return { outcome: 'error', reason: 'state' };
  }
  if (query.error) return { outcome: query.error === 'access_denied' ? 'denied' : 'error' };
  if (!query.code) return { outcome: 'error', reason: 'no_code' };
  const scopes = parseGrantedScope(query.scope);
  // Without activity:read Strava sends no activity webhooks and we can read nothing: say so.
  if (!hasActivityRead(scopes)) return { outcome: 'missing_scope' };
  const { http, settle } = interactiveCall(deps);
  let connection;
  try {
    connection = await exchangeCode({ ...http, config: deps.config.strava, code: query.code });
  } catch (error) {
    deps.log.warn('strava code exchange failed', { user: userId, ...errorLogFields(error) });
    return { outcome: 'error', reason: 'exchange' };
  } finally {
    await settle();
  }
  const owner = await userForAthlete(deps.db, connection.athleteId);
  if (owner && owner !== userId) {
    deps.log.warn('strava athlete already linked to another account', { user: userId });
    return { outcome: 'error', reason: 'athlete_linked' };
  }
  const now = deps.now();
  const generation = await deps.db.transaction((tx) => saveConnection(tx, deps.config.tokenEncryptionKey, userId, connection, [...scopes].join(','), now));
  // Without a queue in this process the stored progress row is picked up when one starts.
  if (deps.jobs) await queueBackfill(deps.jobs, { userId, generation, page: 1 });
  deps.log.info('strava connected', { user: userId });
  await recordAuditAfter(deps, { at: now, kind: 'strava_connected', user_id: userId, detail: { scope: [...scopes].join(',') }, ...source });
  return { outcome: 'connected' };
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
      deps.log.warn('strava revoke failed', { user: userId, ...errorLogFields(error) });
    } finally {
      await settle();
    }
  }
  const purged = await deps.db.transaction((tx) => purgeUserStravaData(tx, userId, deps.now()));
  deps.log.info('strava disconnected', { user: userId, revoked, activities: purged.activities });
  return { revoked, activities: purged.activities };
}
