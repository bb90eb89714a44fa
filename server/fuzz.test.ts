import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from './db/database.ts';
import { openTestPglite } from './test/databases.ts';
import { buildFuzzWorld, snapshotOf, type FuzzWorld } from './test/fuzz-world.ts';
import {
  appRoutes,
  buildRequest,
  CREDENTIALS,
  deepJsonText,
  hostileVariants,
  queryArb,
  recipeArb,
  TEMPLATES,
  type Credential,
  type FuzzRequest,
  type Recipe,
  type Route,
} from './test/fuzz-requests.ts';
import { call } from './test/harness.ts';
import { MUTATIONS } from './sync/mutations.ts';

// Abuse (issue 10): thousands of generated and broken requests at every route of the app, as
// runner B, as nobody, with bad cookies and with A's cookie from another site. Every answer
// must be below 500 and carry the security headers; none may show anything of runner A's that
// the caller did not send itself; and afterwards A's rows and sync digest are exactly as before.
// FUZZ_SEED and FUZZ_RUNS run it longer or differently; a failure prints the seed and the request.

const SEED = Number(process.env.FUZZ_SEED ?? 20261110);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2200);

let handle: DatabaseHandle;
let world: FuzzWorld;
let routes: Route[];
let before: { rows: Record<string, string>; digest: unknown };
const hits = new Map<string, number>();

beforeAll(async () => {
  handle = await openTestPglite();
  world = await buildFuzzWorld(handle, 'q7zx');
  routes = appRoutes(world.t.app);
  before = await stateOfA();
}, 120_000);
afterAll(async () => {
  await world?.close();
  await handle?.close();
});

async function stateOfA() {
  const digest = await call(world.t.app, 'GET', '/api/sync/digest', { cookie: world.a.cookie });
  expect(digest.status).toBe(200);
  return { rows: await snapshotOf(world.t, world.a.ids.user), digest: digest.json };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function send(request: FuzzRequest): Promise<Answer> {
  const app = request.https ? world.https.app : world.t.app;
  const response = await app.request(request.url, request.init);
  const text = request.init.method === 'HEAD' ? '' : await response.text();
  hits.set(request.route, (hits.get(request.route) ?? 0) + 1);
  if (request.credential.startsWith('b')) await keepBGoing(request, response.status, text);
  return { status: response.status, headers: response.headers, text };
}

/** After B signs out or replaces their plan, later requests use B's new session or plan, so they still reach the depths. */
async function keepBGoing(request: FuzzRequest, status: number, text: string): Promise<void> {
  if (request.route === 'POST /api/auth/logout' && status === 204) await world.b.fresh();
  // A new plan, or an adapted one (adaptation replaces the coming workouts): B's current workouts.
  if ((request.route === 'POST /api/plans/generate' && status === 201) || (request.route === 'POST /api/plans/:id/adapt' && status === 200)) {
    const made = JSON.parse(text) as { plan: { id: string }; workouts: { id: string; deleted?: boolean }[] };
    world.b.ids.plan = made.plan.id;
    const live = made.workouts.filter((w) => !w.deleted);
    if (live.length >= 6) world.b.ids.workouts = live.map((w) => w.id);
  }
}

function describeExchange(request: FuzzRequest, answer: Answer): string {
  const body = typeof request.init.body === 'string' ? request.init.body.slice(0, 400) : '';
  return `${request.init.method} ${request.url.slice(0, 300)} [${request.credential}] ${JSON.stringify(request.init.headers).slice(0, 300)} ${body}\n→ ${answer.status} ${answer.text.slice(0, 600)}`;
}

/** The properties every answer must have; throws naming the exchange. */
function check(request: FuzzRequest, answer: Answer): void {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`status ${answer.status}`);
  const h = answer.headers;
  if (h.get('x-content-type-options') !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  if (!h.get('referrer-policy')) problems.push('no Referrer-Policy');
  if (h.get('x-frame-options') !== 'DENY') problems.push('no X-Frame-Options: DENY');
  if (!h.get('content-security-policy')?.includes("frame-ancestors 'none'")) problems.push("CSP without frame-ancestors 'none'");
  const hsts = h.get('strict-transport-security');
  if (request.https && !hsts?.includes('max-age=')) problems.push('no HSTS behind an https PUBLIC_URL');
  if (!request.https && hsts) problems.push('HSTS on a plain-http deployment');
  if (request.credential === 'a-cross-site' && new URL(request.url).pathname.startsWith('/api/') && answer.status !== 403) {
    problems.push(`A's cookie from another site was not refused (${answer.status})`);
  }
  // A's data may come back only if the caller sent it (an echo is not a leak).
  const seen = `${answer.text} ${[...h.entries()].map(([k, v]) => `${k}: ${v}`).join('\n')}`.toLowerCase();
  const sent = request.sent.toLowerCase();
  for (const marker of world.a.markers) {
    const m = marker.toLowerCase();
    if (seen.includes(m) && !sent.includes(m)) problems.push(`leaked A's "${marker}"`);
  }
  if (problems.length) {
    // The server's own account of a 5xx, for whoever reads the failure.
    const logged = [...world.t.log.lines, ...world.https.log.lines].filter((line) => line.includes('unhandled error')).slice(-1);
    throw new Error(`${problems.join('; ')}\n${describeExchange(request, answer)}\n${logged.join('\n').slice(0, 1500)}`);
  }
}

const recipe = (overrides: Partial<Recipe>): Recipe => ({
  route: 0,
  method: null,
  params: [{ kind: 'b-own' }, { kind: 'b-own' }],
  query: { kind: 'template' },
  body: { kind: 'template' },
  contentType: 0,
  credential: 'b',
  origin: 1,
  https: false,
  pick: 0,
  ...overrides,
});

describe('the fuzz checks', () => {
  it('catch a leak, a 5xx, missing headers and a cross-site write that went through', () => {
    const request = buildRequest(recipe({ route: routes.findIndex((r) => r.path === '/api/goals' && r.method === 'GET') }), routes, world);
    const headers = () =>
      new Headers({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
    expect(() => check(request, { status: 200, headers: headers(), text: '{"goals":[]}' })).not.toThrow();
    expect(() =>
      check(request, { status: 200, headers: headers(), text: JSON.stringify({ title: `${world.a.markers.find((m) => m.startsWith('marker-a-'))}-goal` }) }),
    ).toThrow(/leaked/);
    expect(() => check(request, { status: 200, headers: headers(), text: world.a.ids.goal })).toThrow(/leaked/);
    expect(() => check(request, { status: 502, headers: headers(), text: '' })).toThrow(/status 502/);
    expect(() => check(request, { status: 200, headers: new Headers(), text: '' })).toThrow(/nosniff/);
    expect(() => check({ ...request, https: true }, { status: 200, headers: headers(), text: '' })).toThrow(/HSTS/);
    expect(() => check({ ...request, credential: 'a-cross-site' }, { status: 200, headers: headers(), text: '' })).toThrow(/not refused/);
  });
});

describe('fuzzing every route', () => {
  it('enumerates the routes from the app itself', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names.length).toBeGreaterThan(50);
    expect(names).toEqual(
      expect.arrayContaining(['POST /api/sync/push', 'GET /api/goals/:id', 'PATCH /api/workouts/:id', 'GET /api/admin/audit', 'POST /api/strava/webhook']),
    );
    // A valid request for a route that no longer exists would silently fuzz nothing.
    for (const key of Object.keys(TEMPLATES)) expect(names, key).toContain(key);
  });

  it('answers every route, for every kind of caller, on http and https', async () => {
    const okForB: string[] = [];
    const notOkForB: string[] = [];
    for (const [index, route] of routes.entries()) {
      for (const credential of CREDENTIALS) {
        // Every caller on http; on https (where only the headers differ) the main three.
        for (const https of ['b', 'none', 'a-cross-site'].includes(credential) ? [false, true] : [false]) {
          for (const params of [[{ kind: 'b-own' }], [{ kind: 'a-own' }]] as const) {
            if (params[0].kind === 'a-own' && !route.path.includes(':')) continue;
            const request = buildRequest(recipe({ route: index, credential, https, params: [params[0], params[0]] }), routes, world);
            const answer = await send(request);
            check(request, answer);
            if (credential === 'b' && !https && params[0].kind === 'b-own') {
              if (answer.status < 400) okForB.push(request.route);
              else notOkForB.push(`${request.route} → ${answer.status} ${answer.text.slice(0, 160)}`);
            }
          }
        }
      }
    }
    // The valid requests are valid: most routes did their real work for B.
    expect(okForB.length, `refused for B:\n${notOkForB.join('\n')}`).toBeGreaterThan(35);
    for (const route of [
      'POST /api/sync/push',
      'PATCH /api/goals/:id',
      'PATCH /api/workouts/:id',
      'POST /api/plans/generate',
      'POST /api/coach/chat',
      'GET /api/export',
    ])
      expect(okForB, `refused for B:\n${notOkForB.join('\n')}`).toContain(route);
  }, 180_000);

  it('answers 413 to a body over 1 MB on every route, and never a 5xx to 10,000-deep JSON', async () => {
    const huge = JSON.stringify({ message: 'x'.repeat(1024 * 1024 + 10) });
    const deep = [
      deepJsonText(10_000, 'array'),
      deepJsonText(10_000, 'object'),
      `{"protocol":1,"schemaVersion":2,"clientId":"c_deepdeepdeep","mutations":[{"id":1,"name":"goal.update","v":1,"hlc":"x","args":${deepJsonText(10_000, 'object')}}]}`,
    ];
    for (const [index, route] of routes.entries()) {
      if (route.method === 'GET') continue;
      for (const credential of ['b', 'none'] as Credential[]) {
        const base = buildRequest(recipe({ route: index, credential }), routes, world);
        const withLength = {
          ...base,
          init: {
            ...base.init,
            body: huge,
            headers: { ...base.init.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(huge)) },
          },
        };
        const answer = await send(withLength);
        check(withLength, answer);
        expect(answer.status, describeExchange(withLength, answer)).toBe(413);
        // Streamed without a length: the limit still holds wherever the body is read.
        const streamed = { ...base, init: { ...base.init, body: huge, headers: { ...base.init.headers, 'content-type': 'application/json' } } };
        check(streamed, await send(streamed));
        for (const text of deep) {
          const nested = { ...base, init: { ...base.init, body: text, headers: { ...base.init.headers, 'content-type': 'application/json' } } };
          check(nested, await send(nested));
        }
      }
    }
  }, 120_000);

  it(`survives ${RUNS} generated and mutated requests (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(recipeArb, async (r) => {
        const request = buildRequest(r, routes, world);
        const answer = await send(request);
        check(request, answer);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // Every declared route was attacked.
    for (const route of routes) expect(hits.get(`${route.method} ${route.path}`) ?? 0, `${route.method} ${route.path}`).toBeGreaterThan(20);
  }, 240_000);

  it("answers NUL, lone surrogates and ids already used (A's and B's own) in every field of every valid body below 500", async () => {
    // Issue 15 (M5, I3): every string of every template, one at a time, with a NUL or an unpaired
    // surrogate; every UUID with an id already used. Each push variant under a client id of its own,
    // so none is answered from a stored result.
    const used = [
      world.a.ids.goal,
      world.a.ids.chat,
      world.a.ids.plan,
      world.a.ids.activity,
      world.a.ids.workouts[1]!,
      world.b.ids.goal,
      world.b.ids.chat,
      world.b.ids.plan,
      world.b.ids.activity,
    ];
    const statuses = new Map<number, number>();
    const pushResults = new Map<string, number>();
    let sweep = 0;
    for (const [index, route] of routes.entries()) {
      if (!TEMPLATES[`${route.method} ${route.path}`]?.body || route.path.startsWith('/api/auth/') || route.path === '/api/account') continue;
      const picks = route.path === '/api/sync/push' ? Object.keys(MUTATIONS).length : 1;
      for (let pick = 0; pick < picks; pick++) {
        const base = buildRequest(recipe({ route: index, pick }), routes, world);
        const valid = JSON.parse(base.init.body!) as Record<string, unknown>;
        for (const variant of hostileVariants(valid, used) as Record<string, unknown>[]) {
          if (variant.clientId === valid.clientId && typeof valid.clientId === 'string') variant.clientId = `c_sweep${++sweep}_${pick}`;
          const body = JSON.stringify(variant);
          const request: FuzzRequest = { ...base, init: { ...base.init, body }, sent: `${base.url} ${body} ${base.init.headers.cookie ?? ''}` };
          const answer = await send(request);
          check(request, answer);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (route.path === '/api/sync/push' && answer.status === 200) {
            for (const result of (JSON.parse(answer.text) as { results: { status: string; error?: { code: string } }[] }).results) {
              const key = result.error?.code ?? result.status;
              pushResults.set(key, (pushResults.get(key) ?? 0) + 1);
            }
          }
        }
      }
    }
    console.log(`fuzz sweep: statuses ${JSON.stringify([...statuses])}, push results ${JSON.stringify([...pushResults])}`);
    // The sweep reached the schemas and the database: refusals of text, and ids already used.
    expect(statuses.get(400)).toBeGreaterThan(50);
    expect(pushResults.get('validation_failed')).toBeGreaterThan(20);
    expect(pushResults.get('id_taken')).toBeGreaterThanOrEqual(4);
  }, 240_000);

  it("reads the operator's audit log with any filters, on loopback with the token, without a 5xx", async () => {
    const loopback = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        const request = buildRequest(recipe({ route: routes.findIndex((r) => r.path === '/api/admin/audit'), query: q, credential: 'none' }), routes, world);
        const response = await world.t.app.request(request.url, { headers: { authorization: `Bearer ${world.t.deps.config.adminToken}` } }, loopback);
        statuses.add(response.status);
        expect(response.status, request.url).toBeLessThan(500);
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect([...statuses].sort()).toEqual([200, 400]);
  });

  it("left runner A's rows and sync digest exactly as they were", async () => {
    const after = await stateOfA();
    expect(after.rows).toEqual(before.rows);
    expect(after.digest).toEqual(before.digest);
    // The fingerprint does see a change A makes (so the equality above means something).
    expect((await call(world.t.app, 'PATCH', `/api/goals/${world.a.ids.goal}`, { cookie: world.a.cookie, body: { title: 'changed by A' } })).status).toBe(200);
    expect((await snapshotOf(world.t, world.a.ids.user)).goals).not.toEqual(before.rows.goals);
    const total = [...hits.values()].reduce((sum, n) => sum + n, 0);
    console.log(`fuzz: ${total} requests over ${routes.length} routes (seed ${SEED}, ${RUNS} generated)`);
    expect(total).toBeGreaterThanOrEqual(RUNS);
  });
});
