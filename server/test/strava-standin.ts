import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

// A Strava stand-in on loopback (docs/STRAVA.md: the API is unreachable from here). It speaks
// Strava's HTTP: form-encoded OAuth, bearer-token API, JSON ids as bare 64-bit integers,
// rate-limit headers on every answer, Strava's error bodies. Tests read `state` to assert
// what it received and change it to steer it (limits, faults, not-yet-ready activities).

/** Strava's recorded responses, in the repository (shared/testing/fixtures/strava). */
export function stravaFixturePath(name: string): string {
  return fileURLToPath(new URL(`../../shared/testing/fixtures/strava/${name}`, import.meta.url));
}

/** A fixture's text, as recorded. */
export function readStravaFixture(name: string): string {
  return readFileSync(stravaFixturePath(name), 'utf8');
}

export type StandinRoute = 'authorize' | 'token' | 'deauthorize' | 'athlete' | 'activity' | 'activities' | 'subscriptions';
export type StandinFault = 500 | 429 | 'hang';

/** Overall (every request) and read (GET) limits and usage; usage goes up per request, 429 once over. */
export interface RateLimitCounters {
  limit15: number;
  limitDaily: number;
  readLimit15: number;
  readLimitDaily: number;
  usage15: number;
  usageDaily: number;
  readUsage15: number;
  readUsageDaily: number;
}

export interface StandinOptions {
  clientId?: string;
  clientSecret?: string;
  /** The athlete every grant belongs to; default beyond 2^53 so id handling is always exercised. */
  athleteId?: string;
  /** The scope the "user" grants, as the callback reports it; default what was asked for. */
  grantedScope?: string;
  /** Issue a new refresh token on every refresh; the old one dies at once. */
  rotateRefreshTokens?: boolean;
  accessTokenTtlSeconds?: number;
  /** How many summary activities /athlete/activities serves, newest first, built on the fixture's shape. */
  activityCount?: number;
  /** Sport types cycled through by the generated activities; default all Run. */
  sportTypes?: string[];
  limits?: Partial<RateLimitCounters>;
  /** Validate a new push subscription's callback with the hub.challenge GET, as Strava does. Default true. */
  validateCallback?: boolean;
  now?: () => Date;
}

export interface RecordedRequest {
  route: StandinRoute | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body's fields when it was form-encoded. */
  form: Record<string, string> | undefined;
  /** The status the stand-in answered with (unset while a hang holds the request). */
  status?: number;
}

export interface StandinState {
  requests: RecordedRequest[];
  authorizeQueries: Record<string, string>[];
  refreshCalls: number;
  codes: Map<string, string>;
  accessTokens: Map<string, { athleteId: string; expiresAt: number }>;
  refreshTokens: Set<string>;
  /** Whose each refresh token is (a refresh issues tokens of the same athlete). */
  refreshOwners: Map<string, string>;
  /** Generated summaries (ids as strings); GET /activities/{id} also serves these. */
  activities: Record<string, unknown>[];
  /** Detailed activities by id, served as given (e.g. the fixture's text). */
  details: Map<string, string>;
  /** Activities that answer 404 this many more times (a webhook `create` arriving early). */
  notReady: Map<string, number>;
  subscriptions: { id: string; callback_url: string; verify_token: string; created_at: string }[];
  rateLimit: RateLimitCounters;
  faults: { route: StandinRoute; fault: StandinFault; remaining: number }[];
}

export interface StravaStandin {
  oauthUrl: string;
  apiUrl: string;
  state: StandinState;
  clientId: string;
  clientSecret: string;
  athleteId: string;
  /** A valid one-time authorization code, as the callback would carry it. */
  issueCode(): string;
  /** A token pair without the OAuth dance, for API tests; of `athleteId` (default the stand-in's athlete). */
  issueTokens(athleteId?: string): { accessToken: string; refreshToken: string };
  /**
   * Serves `json` at GET /activities/{id}, after `notFoundTimes` 404s, as an activity of
   * `owner` (its `athlete.id` is set to it; default the stand-in's athlete).
   */
  putActivity(id: string, json: string, notFoundTimes?: number, owner?: string): void;
  /** The athlete deletes the activity on Strava: GET /activities/{id} answers 404 from now on. */
  deleteActivity(id: string): void;
  /** The athlete revokes the app on strava.com: every token of theirs stops working (default the stand-in's athlete). */
  revokeAccess(athleteId?: string): void;
  /** The next `times` requests to `route` fail with `fault` ('hang': never answered until close). */
  fault(route: StandinRoute, fault: StandinFault, times?: number): void;
  /** POSTs a webhook event (JSON) to the subscription's callback, as Strava does; returns the status. */
  pushEvent(event: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

const ERRORS = {
  auth: { message: 'Authorization Error', errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }] },
  notFound: { message: 'Record Not Found', errors: [{ resource: 'Activity', field: 'id', code: 'not found' }] },
  limit: { message: 'Rate Limit Exceeded', errors: [{ resource: 'Application', field: 'rate limit', code: 'exceeded' }] },
  server: { message: 'Error', errors: [] },
  bad: (resource: string, field: string, code = 'invalid') => ({ message: 'Bad Request', errors: [{ resource, field, code }] }),
};

// Strava sends ids as bare integers, beyond 2^53 too: serialize ours (strings) that way.
function stravaJson(value: unknown): string {
  return JSON.stringify(value).replace(/"(id|[a-z_]*_id)":"(\d+)"/g, '"$1":$2');
}

function generateActivities(options: StandinOptions, athleteId: string): Record<string, unknown>[] {
  const template = (JSON.parse(readStravaFixture('athlete_activities_page.json')) as Record<string, unknown>[])[0]!;
  const newest = Date.parse('2026-02-28T11:00:00Z');
  const sports = options.sportTypes ?? ['Run'];
  return Array.from({ length: options.activityCount ?? 0 }, (_, i) => {
    const id = String(18_000_000_000n + BigInt(i));
    const start = newest - i * 20 * 3600_000; // 20 h apart: local dates vary, some days get two
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const sport = sports[i % sports.length]!;
    return {
      ...template,
      id,
      name: `Run ${i}`,
      athlete: { id: athleteId, resource_state: 1 },
      sport_type: sport,
      type: sport,
      distance: 5000 + (i % 10) * 1000,
      moving_time: 1500 + (i % 10) * 300,
      elapsed_time: 1560 + (i % 10) * 300,
      start_date: iso(start),
      start_date_local: iso(start - 5 * 3600_000),
      map: { id: `a${id}`, summary_polyline: '', resource_state: 2 },
      upload_id: 2_000_000_000 + i,
      upload_id_str: String(2_000_000_000 + i),
    };
  });
}

// Strava serves an activity with its owner in `athlete.id`. The fixtures were recorded from
// another athlete: name the owner, in the text (ids there are bare 64-bit integers).
function ownedBy(json: string, owner: string): string {
  const stamped = json.replace(/("athlete"\s*:\s*\{\s*"id"\s*:\s*)"?\d+"?/g, `$1${owner}`);
  return stamped !== json || json.includes('"athlete"') ? stamped : json.replace(/^\s*\{/, `{"athlete":{"id":${owner},"resource_state":1},`);
}

function routeOf(path: string): StandinRoute | 'unknown' {
  if (path === '/oauth/authorize') return 'authorize';
  if (path === '/oauth/token') return 'token';
  if (path === '/oauth/deauthorize') return 'deauthorize';
  if (path === '/api/v3/athlete') return 'athlete';
  if (/^\/api\/v3\/activities\/[^/]+$/.test(path)) return 'activity';
  if (path === '/api/v3/athlete/activities') return 'activities';
  if (/^\/api\/v3\/push_subscriptions(\/[^/]+)?$/.test(path)) return 'subscriptions';
  return 'unknown';
}

/** Starts the stand-in on 127.0.0.1 with a random port. */
export async function startStravaStandin(options: StandinOptions = {}): Promise<StravaStandin> {
  const clientId = options.clientId ?? '12345';
  const clientSecret = options.clientSecret ?? 'standin-client-secret';
  const athleteId = options.athleteId ?? '18014398509481985'; // 2^54 + 1: not a safe JS integer
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const ttl = (options.accessTokenTtlSeconds ?? 21_600) * 1000;
  const state: StandinState = {
    requests: [],
    authorizeQueries: [],
    refreshCalls: 0,
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Set(),
    refreshOwners: new Map(),
    activities: generateActivities(options, athleteId),
    details: new Map(),
    notReady: new Map(),
    subscriptions: [],
    faults: [],
    rateLimit: {
      limit15: 200,
      limitDaily: 2000,
      readLimit15: 100,
      readLimitDaily: 1000,
      usage15: 0,
      usageDaily: 0,
      readUsage15: 0,
      readUsageDaily: 0,
      ...options.limits,
    },
  };
  const hanging = new Set<ServerResponse>();
  const token = (prefix: string) => `${prefix}${randomBytes(20).toString('hex')}`;
  const issueTokens = (owner = athleteId) => {
    const accessToken = token('at_');
    const refreshToken = token('rt_');
    state.accessTokens.set(accessToken, { athleteId: owner, expiresAt: now() + ttl });
    state.refreshTokens.add(refreshToken);
    state.refreshOwners.set(refreshToken, owner);
    return { accessToken, refreshToken };
  };
  const revokeAccess = (owner = athleteId) => {
    for (const [value, grant] of state.accessTokens) if (grant.athleteId === owner) state.accessTokens.delete(value);
    for (const value of state.refreshTokens) if ((state.refreshOwners.get(value) ?? athleteId) === owner) state.refreshTokens.delete(value);
  };
  const tokenBody = (pair: { accessToken: string; refreshToken: string }) => {
    const expiresAt = state.accessTokens.get(pair.accessToken)!.expiresAt;
    return {
      token_type: 'Bearer',
      access_token: pair.accessToken,
      refresh_token: pair.refreshToken,
      expires_at: Math.floor(expiresAt / 1000),
      expires_in: Math.floor((expiresAt - now()) / 1000),
    };
  };

  function handle(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void {
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      const rl = state.rateLimit;
      res.writeHead(status, {
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        'x-ratelimit-limit': `${rl.limit15},${rl.limitDaily}`,
        'x-ratelimit-usage': `${rl.usage15},${rl.usageDaily}`,
        'x-readratelimit-limit': `${rl.readLimit15},${rl.readLimitDaily}`,
        'x-readratelimit-usage': `${rl.readUsage15},${rl.readUsageDaily}`,
        ...headers,
      });
      res.end(body === undefined ? undefined : typeof body === 'string' ? body : stravaJson(body));
    };
    const { route, method, query, form = {} } = record;
    // Counted on arrival, faults included: tests assert how often a refresh was attempted.
    if (route === 'token' && form.grant_type === 'refresh_token') state.refreshCalls++;
    if (route !== 'authorize') {
      const rl = state.rateLimit;
      rl.usage15++;
      rl.usageDaily++;
      if (method === 'GET') {
        rl.readUsage15++;
        rl.readUsageDaily++;
      }
    }
    const fault = state.faults.find((f) => f.route === route && f.remaining > 0);
    if (fault) {
      fault.remaining--;
      if (fault.fault === 'hang') return void hanging.add(res);
      return send(fault.fault, fault.fault === 429 ? ERRORS.limit : ERRORS.server);
    }
    const rl = state.rateLimit;
    const over =
      rl.usage15 > rl.limit15 ||
      rl.usageDaily > rl.limitDaily ||
      (method === 'GET' && (rl.readUsage15 > rl.readLimit15 || rl.readUsageDaily > rl.readLimitDaily));
    if (route !== 'authorize' && over) return send(429, ERRORS.limit);
    const credentialsOk = (fields: Record<string, string>) => fields.client_id === clientId && fields.client_secret === clientSecret;
    const bearer = () => {
      const value = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const grant = value === undefined ? undefined : state.accessTokens.get(value);
      return grant && grant.expiresAt > now() ? value : undefined;
    };

    switch (route) {
      case 'authorize': {
        state.authorizeQueries.push(query);
        if (query.client_id !== clientId || !query.redirect_uri) return send(400, ERRORS.bad('Application', 'client_id'));
        const target = new URL(query.redirect_uri);
        if (query.state !== undefined) target.searchParams.set('state', query.state);
        const granted = options.grantedScope ?? query.scope ?? 'read';
        target.searchParams.set('code', issueCode(granted));
        target.searchParams.set('scope', granted);
        return send(302, undefined, { location: target.toString() });
      }
      case 'token': {
        if (!credentialsOk(form)) return send(400, ERRORS.bad('Application', 'client_id'));
        if (form.grant_type === 'authorization_code') {
          if (!form.code || !state.codes.delete(form.code)) return send(400, ERRORS.bad('AuthorizationCode', 'code'));
          const athlete = { id: athleteId, username: 'standin', resource_state: 2, firstname: 'Stand', lastname: 'In' };
          return send(200, { ...tokenBody(issueTokens()), athlete });
        }
        if (form.grant_type === 'refresh_token') {
          if (!form.refresh_token || !state.refreshTokens.has(form.refresh_token)) return send(400, ERRORS.bad('RefreshToken', 'refresh_token'));
          const pair = issueTokens(state.refreshOwners.get(form.refresh_token) ?? athleteId);
          // Rotation: the old refresh token dies at once. Otherwise the same one comes back.
          state.refreshTokens.delete(options.rotateRefreshTokens ? form.refresh_token : pair.refreshToken);
          return send(200, tokenBody(options.rotateRefreshTokens ? pair : { ...pair, refreshToken: form.refresh_token }));
        }
        return send(400, ERRORS.bad('Application', 'grant_type'));
      }
      case 'deauthorize': {
        const accessToken = form.access_token ?? bearer();
        const grant = accessToken === undefined ? undefined : state.accessTokens.get(accessToken);
        if (!grant) return send(401, ERRORS.auth);
        // Revoking ends every token of the athlete.
        revokeAccess(grant.athleteId);
        return send(200, { access_token: accessToken });
      }
      case 'athlete': {
        const value = bearer();
        if (!value) return send(401, ERRORS.auth);
        return send(200, { id: state.accessTokens.get(value)!.athleteId, username: 'standin', resource_state: 2, firstname: 'Stand', lastname: 'In' });
      }
      case 'activity': {
        if (!bearer()) return send(401, ERRORS.auth);
        const id = record.path.split('/').pop()!;
        const waits = state.notReady.get(id) ?? 0;
        if (waits > 0) return (state.notReady.set(id, waits - 1), send(404, ERRORS.notFound));
        const detail = state.details.get(id) ?? state.activities.find((a) => a.id === id);
        return detail === undefined ? send(404, ERRORS.notFound) : send(200, detail);
      }
      case 'activities': {
        if (!bearer()) return send(401, ERRORS.auth);
        const page = Math.max(1, Number(query.page ?? 1) || 1);
        const perPage = Math.min(200, Math.max(1, Number(query.per_page ?? 30) || 30));
        const after = query.after === undefined ? -Infinity : Number(query.after) * 1000;
        const before = query.before === undefined ? Infinity : Number(query.before) * 1000;
        const matching = state.activities.filter((a) => {
          const start = Date.parse(a.start_date as string);
          return start > after && start < before;
        });
        // Strava lists newest first, but oldest first when only `after` is given.
        if (query.after !== undefined && query.before === undefined) matching.reverse();
        return send(200, matching.slice((page - 1) * perPage, page * perPage));
      }
      case 'subscriptions':
        // Creating one awaits the callback check; a failure there is the stand-in's bug: answer 500.
        return void subscriptions(record, send).catch(() => send(500, ERRORS.server));
      default:
        return send(404, { message: 'Record Not Found', errors: [{ resource: 'Path', field: 'path', code: 'invalid' }] });
    }
  }

  async function subscriptions(record: RecordedRequest, send: (status: number, body?: unknown) => void): Promise<void> {
    const fields = record.method === 'POST' ? (record.form ?? {}) : record.query;
    if (!fields.client_id || fields.client_id !== clientId || fields.client_secret !== clientSecret)
      return send(401, { ...ERRORS.auth, errors: [{ resource: 'Application', field: 'client_id', code: 'invalid' }] });
    const id = /\/push_subscriptions\/([^/]+)$/.exec(record.path)?.[1];
    if (record.method === 'GET' && !id) {
      return send(
        200,
        state.subscriptions.map((s) => ({
          id: s.id,
          resource_state: 2,
          application_id: clientId,
          callback_url: s.callback_url,
          created_at: s.created_at,
          updated_at: s.created_at,
        })),
      );
    }
    if (record.method === 'DELETE' && id) {
      const index = state.subscriptions.findIndex((s) => s.id === id);
      if (index < 0) return send(404, ERRORS.bad('PushSubscription', 'id', 'not found'));
      state.subscriptions.splice(index, 1);
      return send(204);
    }
    if (record.method !== 'POST' || id) return send(404, ERRORS.notFound);
    const callbackUrl = fields.callback_url ?? '';
    if (state.subscriptions.length > 0) return send(400, ERRORS.bad('PushSubscription', '', 'already exists'));
    if (!callbackUrl || callbackUrl.length > 255) return send(400, ERRORS.bad('PushSubscription', 'callback_url'));
    if (options.validateCallback ?? true) {
      const challenge = randomBytes(8).toString('hex');
      const url = new URL(callbackUrl);
      url.search = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.challenge': challenge, 'hub.verify_token': fields.verify_token ?? '' }).toString();
      const echoed = await fetch(url, { signal: AbortSignal.timeout(2000) })
        .then(async (r) => (r.ok ? ((await r.json()) as Record<string, unknown>)['hub.challenge'] : undefined))
        .catch(() => undefined);
      if (echoed !== challenge) return send(400, ERRORS.bad('PushSubscription', 'callback url', 'GET to callback URL does not return 200'));
    }
    const created = {
      id: String(120_000 + state.requests.length),
      callback_url: callbackUrl,
      verify_token: fields.verify_token ?? '',
      created_at: new Date(now()).toISOString(),
    };
    state.subscriptions.push(created);
    return send(201, { id: created.id });
  }

  function issueCode(scope = 'read,activity:read_all'): string {
    const code = token('code_');
    state.codes.set(code, scope);
    return code;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const record: RecordedRequest = {
        route: routeOf(url.pathname),
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...req.headers },
        body,
        form: isForm ? Object.fromEntries(new URLSearchParams(body)) : undefined,
      };
      state.requests.push(record);
      handle(req, res, record);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    oauthUrl: `${origin}/oauth`,
    apiUrl: `${origin}/api/v3`,
    state,
    clientId,
    clientSecret,
    athleteId,
    issueCode: () => issueCode(),
    issueTokens,
    putActivity(id, json, notFoundTimes = 0, owner = athleteId) {
      state.details.set(id, ownedBy(json, owner));
      state.notReady.set(id, notFoundTimes);
    },
    deleteActivity(id) {
      state.details.delete(id);
      state.notReady.delete(id);
      state.activities = state.activities.filter((a) => a.id !== id);
    },
    revokeAccess,
    fault(route, fault, times = 1) {
      state.faults.push({ route, fault, remaining: times });
    },
    async pushEvent(event) {
      const subscription = state.subscriptions[0];
      if (!subscription) throw new Error('No push subscription to deliver to.');
      const response = await fetch(subscription.callback_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stravaJson(event) });
      await response.arrayBuffer();
      return response.status;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
