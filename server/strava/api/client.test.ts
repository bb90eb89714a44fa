import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStravaFixture, startStravaStandin, type StravaStandin } from '../../test/strava-standin.ts';
import { createStravaClient, iterateAthleteActivities, type StravaClientOptions } from './client.ts';
import { StravaError } from './errors.ts';
import type { RateLimitState } from './rate-limit.ts';

const DETAILED = readStravaFixture('activity_detailed_run.json');
let standin: StravaStandin;
let accessToken: string;
let seen: RateLimitState[];
let clock: Date;

function client(options: Partial<StravaClientOptions> = {}) {
  return createStravaClient({ apiUrl: standin.apiUrl, timeoutMs: 2000, onRateLimit: (s) => seen.push(s), now: () => clock, ...options });
}

async function caught(promise: Promise<unknown>): Promise<StravaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StravaError);
  return error as StravaError;
}

describe('Strava API client', () => {
  beforeEach(async () => {
    standin = await startStravaStandin({ activityCount: 450 });
    accessToken = standin.issueTokens().accessToken;
    seen = [];
    clock = new Date('2026-03-02T07:07:30Z');
  });
  afterEach(() => standin.close());

  it('names the athlete a token belongs to, and says 401 once the athlete revoked us', async () => {
    expect((await client().getAthlete(accessToken)).id).toBe(standin.athleteId);
    standin.revokeAccess();
    await expect(client().getAthlete(accessToken)).rejects.toMatchObject({ kind: 'unauthorized', httpStatus: 401, operation: 'GET /athlete' });
  });

  it('fetches an activity with the bearer token; ids stay strings', async () => {
    standin.putActivity('1946417534', DETAILED);
    const activity = await client().getActivity(accessToken, '1946417534');
    expect(activity.id).toBe('1946417534');
    // The stand-in serves it as its athlete's (2^54 + 1): exact, as a string.
    expect((activity.athlete as { id: string }).id).toBe(standin.athleteId);
    expect(activity.sport_type).toBe('Run');
    const request = standin.state.requests.at(-1)!;
    expect(request.path).toBe('/api/v3/activities/1946417534');
    expect(request.headers.authorization).toBe(`Bearer ${accessToken}`);
  });

  it('passes the rate-limit headers of every response to onRateLimit', async () => {
    standin.putActivity('1946417534', DETAILED);
    await client().getActivity(accessToken, '1946417534');
    await caught(client().getActivity(accessToken, '42'));
    expect(seen).toEqual([
      {
        overall: { limit15: 200, limitDaily: 2000, usage15: 1, usageDaily: 1 },
        read: { limit15: 100, limitDaily: 1000, usage15: 1, usageDaily: 1 },
        observedAt: clock,
      },
      {
        overall: { limit15: 200, limitDaily: 2000, usage15: 2, usageDaily: 2 },
        read: { limit15: 100, limitDaily: 1000, usage15: 2, usageDaily: 2 },
        observedAt: clock,
      },
    ]);
  });

  it('answers not_found while the activity is not ready, then the activity (webhook create arriving early)', async () => {
    standin.putActivity('1946417534', DETAILED, 2);
    const api = client();
    expect((await caught(api.getActivity(accessToken, '1946417534'))).kind).toBe('not_found');
    expect((await caught(api.getActivity(accessToken, '1946417534'))).kind).toBe('not_found');
    expect((await api.getActivity(accessToken, '1946417534')).id).toBe('1946417534');
  });

  it('maps a revoked or expired token to unauthorized, and never puts the token in the error', async () => {
    const error = await caught(client().getActivity('at_revoked_token_value', '18000000000'));
    expect(error).toMatchObject({ kind: 'unauthorized', httpStatus: 401, code: 'strava_unauthorized', status: 502 });
    expect(JSON.stringify(error.toLogFields()) + error.message).not.toContain('at_revoked_token_value');
    await standin.close();
    standin = await startStravaStandin({ accessTokenTtlSeconds: 0 });
    expect((await caught(client().getActivity(standin.issueTokens().accessToken, '1'))).kind).toBe('unauthorized');
  });

  it('maps 5xx to server, and recovers when Strava does', async () => {
    standin.fault('activity', 500);
    const error = await caught(client().getActivity(accessToken, '18000000000'));
    expect(error).toMatchObject({ kind: 'server', httpStatus: 500, operation: 'GET /activities/{id}' });
    expect((await client().getActivity(accessToken, '18000000000')).id).toBe('18000000000');
  });

  it('a 429 retries at the next quarter hour', async () => {
    standin.state.rateLimit.usage15 = 200; // this request makes 201 of 200
    const error = await caught(client().getActivity(accessToken, '18000000000'));
    expect(error).toMatchObject({ kind: 'rate_limited', httpStatus: 429, status: 503 });
    expect(error.retryAt).toEqual(new Date('2026-03-02T07:15:00Z'));
    expect(seen.at(-1)!.overall).toMatchObject({ usage15: 201, limit15: 200 });
  });

  it('a 429 with a daily limit spent retries at the next UTC midnight', async () => {
    standin.state.rateLimit.readUsageDaily = 1000;
    const error = await caught(client().getActivity(accessToken, '18000000000'));
    expect(error.retryAt).toEqual(new Date('2026-03-03T00:00:00Z'));
    standin.fault('activity', 429);
    standin.state.rateLimit.readUsageDaily = 0;
    expect((await caught(client().getActivity(accessToken, '18000000000'))).retryAt).toEqual(new Date('2026-03-02T07:15:00Z'));
  });

  it('gives up on a hanging Strava with a timeout within the deadline', async () => {
    standin.fault('activity', 'hang');
    const started = performance.now();
    const error = await caught(client({ timeoutMs: 250 }).getActivity(accessToken, '18000000000'));
    expect(error.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(5000); // i.e. it did not hang
  });

  it('a stalled body is a timeout too', async () => {
    const stalled = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"id":'));
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      const apiUrl = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
      expect((await caught(client({ apiUrl, timeoutMs: 250 }).getActivity(accessToken, '1'))).kind).toBe('timeout');
    } finally {
      stalled.closeAllConnections();
      stalled.close();
    }
  });

  it('maps a refused connection to network', async () => {
    const apiUrl = standin.apiUrl;
    await standin.close();
    expect((await caught(client({ apiUrl }).getActivity(accessToken, '1'))).kind).toBe('network');
    standin = await startStravaStandin();
  });

  it('refuses ids that are not digits, before any request', async () => {
    await expect(client().getActivity(accessToken, '1/../../athlete')).rejects.toThrow(RangeError);
    expect(standin.state.requests).toHaveLength(0);
  });

  it('pages through 450 activities until an empty page', async () => {
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const { page, activities } of iterateAthleteActivities(client(), accessToken, { perPage: 200 })) {
      pages.push(page);
      ids.push(...activities.map((a) => a.id));
    }
    expect(pages).toEqual([1, 2, 3]);
    expect(ids).toHaveLength(450);
    expect(new Set(ids).size).toBe(450);
    expect(ids[0]).toBe('18000000000');
    const queries = standin.state.requests.map((r) => r.query);
    expect(queries).toEqual([1, 2, 3, 4].map((page) => ({ page: String(page), per_page: '200' })));
  });

  it('sends after/before as epoch seconds and validates paging', async () => {
    const api = client();
    const after = new Date('2026-02-20T00:00:00.900Z');
    const before = new Date('2026-02-25T00:00:00Z');
    const page = await api.listAthleteActivities(accessToken, { after, before, page: 1, perPage: 30 });
    expect(standin.state.requests.at(-1)!.query).toEqual({ page: '1', per_page: '30', after: '1771545600', before: '1771977600' });
    expect(page.length).toBeGreaterThan(0);
    for (const activity of page) {
      const start = Date.parse(activity.start_date as string);
      expect(start).toBeGreaterThan(after.getTime() - 900);
      expect(start).toBeLessThan(before.getTime());
    }
    await expect(api.listAthleteActivities(accessToken, { page: 1, perPage: 201 })).rejects.toThrow(RangeError);
    await expect(api.listAthleteActivities(accessToken, { page: 0, perPage: 10 })).rejects.toThrow(RangeError);
  });
});
