import { z } from 'zod';
import type { Config } from '../../lib/config.ts';
import { StravaError } from './errors.ts';
import { readJson, stravaRequest, type StravaHttpOptions } from './http.ts';

// OAuth as docs/STRAVA.md §OAuth. Every call takes the Strava part of the config (`deps.config.strava`)
// and optional transport options; nothing here keeps state.

/** The Strava settings these functions need; `Config['strava']` fits. */
export type StravaConfig = Pick<Config['strava'], 'clientId' | 'clientSecret' | 'oauthUrl'>;

/** What we ask for: public data plus all activities, private ones included. */
export const STRAVA_SCOPE = 'read,activity:read_all';

/** Refresh this long before expiry so no call is made with a token about to die (docs/STRAVA.md §OAuth: ~5 min). */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** A fresh token pair; `expiresAt` is when the access token (6 h) stops working. */
export interface StravaTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

/** The athlete as the first exchange returns them; `id` is a string (a 64-bit id). */
export type StravaAthlete = { id: string } & Record<string, unknown>;

/** The first exchange also names the athlete: their id is the webhook `owner_id`. */
export interface StravaConnection extends StravaTokens {
  athleteId: string;
  athlete: StravaAthlete;
}

const NumericId = z.string().regex(/^\d{1,20}$/);
const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_at: z.number().int().positive(),
  athlete: z.looseObject({ id: NumericId }).optional(),
});

function credentials(config: StravaConfig): { client_id: string; client_secret: string } {
  if (!config.clientId || !config.clientSecret) throw new StravaError('not_configured', { operation: 'oauth' });
  return { client_id: config.clientId, client_secret: config.clientSecret };
}

/** The URL to send the browser to; `state` is the one-time CSRF value bound to the session. */
export function authorizeUrl({ config, redirectUri, state }: { config: StravaConfig; redirectUri: string; state: string }): string {
  if (!config.clientId) throw new StravaError('not_configured', { operation: 'GET /oauth/authorize' });
  const query = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    approval_prompt: 'auto',
    scope: STRAVA_SCOPE,
    state,
  });
  return `${config.oauthUrl}/authorize?${query.toString()}`;
}

async function tokenRequest(options: StravaHttpOptions & { config: StravaConfig }, form: Record<string, string>, operation: string) {
  const response = await stravaRequest(options, {
    method: 'POST',
    url: `${options.config.oauthUrl}/token`,
    operation,
    form: { ...credentials(options.config), ...form },
    tokenEndpoint: true,
  });
  const parsed = TokenResponseSchema.safeParse(readJson(response, operation));
  if (!parsed.success) throw new StravaError('invalid_response', { httpStatus: response.status, operation });
  const body = parsed.data;
  return {
    tokens: { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt: new Date(body.expires_at * 1000) },
    athlete: body.athlete,
  };
}

/** Trades the callback's `code` for tokens and the athlete (POST {oauthUrl}/token, authorization_code). */
export async function exchangeCode(options: StravaHttpOptions & { config: StravaConfig; code: string }): Promise<StravaConnection> {
  const operation = 'POST /oauth/token (authorization_code)';
  const { tokens, athlete } = await tokenRequest(options, { code: options.code, grant_type: 'authorization_code' }, operation);
  // Only this exchange names the athlete, and without the id webhook events cannot be matched.
  if (!athlete) throw new StravaError('invalid_response', { operation });
  return { ...tokens, athleteId: athlete.id, athlete };
}

/**
 * Gets a new token pair (grant_type=refresh_token). Strava may rotate the refresh token and the
 * old one dies at once: store the returned pair atomically, one refresh per athlete at a time,
 * and never blindly retry a refresh that timed out (it may have rotated).
 */
export async function refreshTokens(options: StravaHttpOptions & { config: StravaConfig; refreshToken: string }): Promise<StravaTokens> {
  const operation = 'POST /oauth/token (refresh_token)';
  const { tokens } = await tokenRequest(options, { refresh_token: options.refreshToken, grant_type: 'refresh_token' }, operation);
  return tokens;
}

/** Whether an access token expiring at `expiresAt` should be refreshed before use at `now`. */
export function needsRefresh(expiresAt: Date, now: Date, marginMs = REFRESH_MARGIN_MS): boolean {
  return expiresAt.getTime() - marginMs <= now.getTime();
}

/**
 * Revokes our access at Strava (POST {oauthUrl}/deauthorize). A token Strava already refuses
 * (401: the user revoked us first) counts as done, so a disconnect never gets stuck on it.
 */
export async function deauthorize(
  options: StravaHttpOptions & { config: Pick<StravaConfig, 'oauthUrl'>; accessToken: string },
): Promise<'revoked' | 'already_revoked'> {
  try {
    await stravaRequest(options, {
      method: 'POST',
      url: `${options.config.oauthUrl}/deauthorize`,
      operation: 'POST /oauth/deauthorize',
      form: { access_token: options.accessToken },
    });
    return 'revoked';
  } catch (error) {
    if (error instanceof StravaError && error.kind === 'unauthorized') return 'already_revoked';
    throw error;
  }
}

/** The scopes the user actually granted, from the callback's `scope` parameter ("read,activity:read_all"). */
export function parseGrantedScope(scope: string | null | undefined): Set<string> {
  return new Set((scope ?? '').split(/[\s,]+/).filter((s) => s.length > 0));
}

/** Whether the grant lets us read activities; without it Strava sends no activity webhooks. */
export function hasActivityRead(scopes: Set<string>): boolean {
  return scopes.has('activity:read') || scopes.has('activity:read_all');
}

/** Whether private activities are readable too (the user may untick this). */
export function hasPrivateActivityRead(scopes: Set<string>): boolean {
  return scopes.has('activity:read_all');
}
