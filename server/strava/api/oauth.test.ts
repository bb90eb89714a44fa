import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { startStravaStandin, type StravaStandin } from '../../test/strava-standin.ts';
import { StravaError } from './errors.ts';
import { authorizeUrl, deauthorize, exchangeCode, hasActivityRead, hasPrivateActivityRead, needsRefresh, parseGrantedScope, refreshTokens } from './oauth.ts';

const REDIRECT_URI = 'http://localhost:8787/api/strava/callback';
let standin: StravaStandin;
let config: Config['strava'];

function configFor(s: StravaStandin): Config['strava'] {
  return { clientId: s.clientId, clientSecret: s.clientSecret, oauthUrl: s.oauthUrl, apiUrl: s.apiUrl, webhookVerifyToken: 'verify', dataInAi: false };
}

/** Plays the browser: opens the authorize URL and reads the redirect back to our callback. */
async function authorize(url: string): Promise<URLSearchParams> {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  return location.searchParams;
}

async function caught(promise: Promise<unknown>): Promise<StravaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StravaError);
  return error as StravaError;
}

describe('Strava OAuth', () => {
  beforeEach(async () => {
    standin = await startStravaStandin();
    config = configFor(standin);
  });
  afterEach(() => standin.close());

  it('builds the authorize URL docs/STRAVA.md §OAuth prescribes', () => {
    const url = new URL(authorizeUrl({ config, redirectUri: REDIRECT_URI, state: 'csrf-1' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${standin.oauthUrl}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: standin.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      approval_prompt: 'auto',
      scope: 'read,activity:read_all',
      state: 'csrf-1',
    });
  });

  it('runs the whole exchange: authorize, callback, form-encoded token request, athlete id as a string', async () => {
    const callback = await authorize(authorizeUrl({ config, redirectUri: REDIRECT_URI, state: 'csrf-2' }));
    expect(standin.state.authorizeQueries[0]).toMatchObject({ scope: 'read,activity:read_all', state: 'csrf-2' });
    expect(callback.get('state')).toBe('csrf-2');
    const scopes = parseGrantedScope(callback.get('scope'));
    expect(hasActivityRead(scopes)).toBe(true);
    expect(hasPrivateActivityRead(scopes)).toBe(true);

    const connection = await exchangeCode({ config, code: callback.get('code')! });
    expect(connection.athleteId).toBe(standin.athleteId);
    expect(connection.athleteId).toBe('18014398509481985'); // beyond 2^53: a JS number would read ...984
    expect(connection.athlete).toMatchObject({ id: '18014398509481985', firstname: 'Stand' });
    expect(standin.state.accessTokens.has(connection.accessToken)).toBe(true);
    expect(standin.state.refreshTokens.has(connection.refreshToken)).toBe(true);
    expect(connection.expiresAt.getTime() - Date.now()).toBeGreaterThan(6 * 3600_000 - 60_000);

    const request = standin.state.requests.find((r) => r.route === 'token')!;
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.form).toEqual({
      client_id: standin.clientId,
      client_secret: standin.clientSecret,
      code: callback.get('code'),
      grant_type: 'authorization_code',
    });
  });

  it('reports a grant without activity access (the user unticked it)', async () => {
    await standin.close();
    standin = await startStravaStandin({ grantedScope: 'read' });
    config = configFor(standin);
    const callback = await authorize(authorizeUrl({ config, redirectUri: REDIRECT_URI, state: 's' }));
    expect(hasActivityRead(parseGrantedScope(callback.get('scope')))).toBe(false);
    expect(hasActivityRead(parseGrantedScope('read,activity:read'))).toBe(true);
    expect(hasPrivateActivityRead(parseGrantedScope('read,activity:read'))).toBe(false);
    expect(hasActivityRead(parseGrantedScope(null))).toBe(false);
  });

  it('refuses a used or unknown code as invalid_grant, leaking neither code nor secret', async () => {
    const code = standin.issueCode();
    await exchangeCode({ config, code });
    const error = await caught(exchangeCode({ config, code }));
    expect(error.kind).toBe('invalid_grant');
    expect(error.httpStatus).toBe(400);
    const logged = JSON.stringify(error.toLogFields()) + error.message;
    expect(logged).not.toContain(code);
    expect(logged).not.toContain(standin.clientSecret);
  });

  it('refuses a wrong client secret as bad_request, and refuses to run unconfigured', async () => {
    const error = await caught(exchangeCode({ config: { ...config, clientSecret: 'wrong' }, code: standin.issueCode() }));
    expect(error.kind).toBe('bad_request');
    expect((await caught(exchangeCode({ config: { ...config, clientId: undefined }, code: 'x' }))).kind).toBe('not_configured');
    expect(() => authorizeUrl({ config: { ...config, clientId: undefined }, redirectUri: REDIRECT_URI, state: 's' })).toThrow(StravaError);
    expect(standin.state.requests.filter((r) => r.route === 'token')).toHaveLength(1);
  });

  it('refreshes without rotation: the same refresh token keeps working', async () => {
    const { refreshToken } = standin.issueTokens();
    const first = await refreshTokens({ config, refreshToken });
    expect(first.refreshToken).toBe(refreshToken);
    const second = await refreshTokens({ config, refreshToken });
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(standin.state.refreshCalls).toBe(2);
    expect(standin.state.requests.at(-1)!.form).toEqual({
      client_id: standin.clientId,
      client_secret: standin.clientSecret,
      refresh_token: refreshToken,
      grant_type: 'refresh_token',
    });
  });

  it('refreshes with rotation: the new refresh token works and the old one dies at once', async () => {
    await standin.close();
    standin = await startStravaStandin({ rotateRefreshTokens: true });
    config = configFor(standin);
    const { refreshToken: original } = standin.issueTokens();
    const rotated = await refreshTokens({ config, refreshToken: original });
    expect(rotated.refreshToken).not.toBe(original);
    expect((await caught(refreshTokens({ config, refreshToken: original }))).kind).toBe('invalid_grant');
    const again = await refreshTokens({ config, refreshToken: rotated.refreshToken });
    expect(again.refreshToken).not.toBe(rotated.refreshToken);
    expect(standin.state.refreshCalls).toBe(3);
  });

  it('a refresh that hangs is a timeout, not a retry (it may have rotated)', async () => {
    const { refreshToken } = standin.issueTokens();
    standin.fault('token', 'hang');
    const error = await caught(refreshTokens({ config, refreshToken, timeoutMs: 200 }));
    expect(error.kind).toBe('timeout');
    expect(standin.state.refreshCalls).toBe(1);
  });

  it('deauthorizes with the access token; a second time counts as already revoked', async () => {
    const { accessToken, refreshToken } = standin.issueTokens();
    expect(await deauthorize({ config, accessToken })).toBe('revoked');
    const request = standin.state.requests.find((r) => r.route === 'deauthorize')!;
    expect(request.method).toBe('POST');
    expect(request.form).toEqual({ access_token: accessToken });
    expect(standin.state.refreshTokens.has(refreshToken)).toBe(false);
    expect(await deauthorize({ config, accessToken })).toBe('already_revoked');
    standin.fault('deauthorize', 500);
    expect((await caught(deauthorize({ config, accessToken: standin.issueTokens().accessToken }))).kind).toBe('server');
  });

  it('refreshes five minutes before expiry', () => {
    const expiresAt = new Date('2026-03-02T12:00:00Z');
    expect(needsRefresh(expiresAt, new Date('2026-03-02T11:54:59Z'))).toBe(false);
    expect(needsRefresh(expiresAt, new Date('2026-03-02T11:55:00Z'))).toBe(true);
    expect(needsRefresh(expiresAt, new Date('2026-03-02T13:00:00Z'))).toBe(true);
  });
});
