import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stravaConnections, stravaEvents, stravaTokens } from '../db/schema.ts';
import { hasActivityRead, hasPrivateActivityRead, parseGrantedScope } from './api/index.ts';
import type { Config } from '../lib/config.ts';
import { AppError } from '../lib/errors.ts';

/** The plain-language note the Settings screen shows beside the Strava connection. */
export const STRAVA_POLICY_NOTE =
  'RunCoach reads your runs from Strava only to check them off against your plan. ' +
  "Strava's rules say its data must not be used by AI, so nothing from Strava is ever sent to the coach: " +
  'it sees only what you log yourself or upload from your watch. ' +
  'We keep the details of a Strava activity for at most 7 days; after that only the fact that you did the workout ' +
  'and a link to the run on Strava remain. Activities you delete on Strava disappear here too, ' +
  'and disconnecting Strava deletes everything we got from it.';

/** What the operator must do to turn Strava on, for the 503 and the status screen. */
export const STRAVA_NOT_CONFIGURED =
  'Strava is not set up on this server. Create an API application at https://www.strava.com/settings/api, ' +
  'set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET in the environment (with the app\'s "Authorization Callback Domain" ' +
  'set to the host of PUBLIC_URL), restart the server, then run `npm run strava:subscription -- create` for webhooks.';

/** Whether the server has Strava credentials. */
export function stravaConfigured(config: Config): boolean {
  return Boolean(config.strava.clientId && config.strava.clientSecret);
}

/** Throws the 503 `strava_not_configured` unless the server has Strava credentials. */
export function requireStravaConfigured(config: Config): void {
  if (!stravaConfigured(config)) throw new AppError('strava_not_configured', { message: STRAVA_NOT_CONFIGURED });
}

/** The runner's Strava connection as the Settings screen shows it. */
export async function stravaStatus(db: Executor, config: Config, userId: string) {
  const configured = stravaConfigured(config);
  const [tokens] = await db
    .select({ strava_athlete_id: stravaTokens.strava_athlete_id, scope: stravaTokens.scope, created_at: stravaTokens.created_at })
    .from(stravaTokens)
    .where(eq(stravaTokens.user_id, userId));
  const [state] = await db.select().from(stravaConnections).where(eq(stravaConnections.user_id, userId));
  const [failed] = await db
    .select({ error: stravaEvents.error, at: stravaEvents.processed_at })
    .from(stravaEvents)
    .where(and(eq(stravaEvents.user_id, userId), eq(stravaEvents.status, 'failed'), isNotNull(stravaEvents.processed_at)))
    .orderBy(desc(stravaEvents.processed_at))
    .limit(1);
  const scopes = parseGrantedScope(tokens?.scope);
  const lastError =
    state?.last_error && (!failed?.at || (state.last_error_at && state.last_error_at >= failed.at))
      ? { code: state.last_error, at: state.last_error_at?.toISOString() ?? null }
      : failed?.error
        ? { code: failed.error, at: failed.at?.toISOString() ?? null }
        : null;
  return {
    configured,
    ...(configured ? {} : { configure: STRAVA_NOT_CONFIGURED }),
    connected: Boolean(tokens),
    strava_athlete_id: tokens?.strava_athlete_id ?? null,
    connected_at: tokens?.created_at.toISOString() ?? null,
    scopes: [...scopes],
    activity_read: hasActivityRead(scopes),
    private_activities: hasPrivateActivityRead(scopes),
    needs_reconnect: state?.needs_reconnect ?? false,
    backfill: state
      ? {
          status: state.backfill_status,
          pages_done: state.backfill_next_page - 1,
          activities: state.backfill_activities,
          started_at: state.backfill_started_at?.toISOString() ?? null,
          /** A catch-up ("sync now") fetches runs after this; null for the whole history. */
          since: state.backfill_after?.toISOString() ?? null,
          finished_at: state.backfill_finished_at?.toISOString() ?? null,
        }
      : null,
    last_error: lastError,
    policy: STRAVA_POLICY_NOTE,
  };
}
