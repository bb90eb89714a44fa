import fc from 'fast-check';
import type { Hono } from 'hono';
import { formatHlc, nodeIdFor, tick } from '#shared/sync/hlc.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '#shared/sync/protocol.ts';
import type { AppEnv } from '../context.ts';
import { MUTATIONS } from '../sync/mutations.ts';
import { devicePlan, HTTPS_URL, PROFILE, PUBLIC_URL, RACE, type FuzzWorld, type RunnerIds } from './fuzz-world.ts';

// Requests for the fuzz test: every route of the app (read from the Hono app, so a new route is
// attacked without anyone listing it), valid bodies per route that the generators then break
// one field at a time, and the hostile parts: path tricks, garbage queries and bodies, wrong
// content types, bad cookies, other people's ids, forged origins.

/** One route as the app declares it. */
export interface Route {
  method: string;
  path: string;
}

/** The app's routes (middleware and catch-alls left out), each once. */
export function appRoutes(app: Hono<AppEnv>): Route[] {
  const seen = new Map<string, Route>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  return [...seen.values()];
}

/** What the request carries as its identity. */
export type Credential =
  | 'none'
  | 'garbage'
  | 'b'
  | 'b-then-expired-a'
  | 'a-expired'
  | 'a-stored-hash'
  /** A's live cookie on a state-changing request from another site: must be refused (CSRF). */
  | 'a-cross-site';
export const CREDENTIALS: readonly Credential[] = ['none', 'garbage', 'b', 'b-then-expired-a', 'a-expired', 'a-stored-hash', 'a-cross-site'];

/** The context templates are filled from. */
interface Fill {
  a: RunnerIds;
  b: RunnerIds;
  spare: FuzzWorld['b']['spare'];
  aEmail: string;
  bEmail: string;
  invite: () => string;
  /** A chooser for templates that have variants (which mutation, whose e-mail). */
  pick: number;
  serial: number;
}

type Template = { query?: (f: Fill) => Record<string, string>; body?: (f: Fill) => unknown; raw?: (f: Fill) => string };

const hlcAt = (ms: number, clientId: string) => formatHlc(tick(null, ms, nodeIdFor(clientId)));
const NOW_MS = Date.parse('2026-03-02T07:00:00Z');

/** A valid `args` for each named mutation, from B's point of view. */
function mutationArgs(name: string, f: Fill, serial: number): unknown {
  const id = uuidFor(serial);
  const examples: Record<string, unknown> = {
    'profile.update@1': { set: { current_weekly_mileage_miles: 22, units: 'mi' } },
    'goal.create@1': { id, goal: RACE },
    'goal.update@1': { id: f.b.goal, set: { title: 'renamed by the fuzzer' } },
    'goal.delete@1': { id: f.spare.goals.pop() ?? id },
    'workout.update@2': { id: f.b.workouts[1], set: { notes: 'fuzz notes', scheduled_date: '2026-03-05' }, reason: 'fuzz' },
    'workout.move@1': { id: f.b.workouts[2], scheduled_date: '2026-03-06' },
    'workout.delete@1': { id: f.b.workouts[3] },
    'workout.complete@1': { id: f.b.workouts[4], completion_id: id, rpe: 5, notes: 'ok', distance_meters: 5000, duration_seconds: 1800 },
    'workout.skip@1': { id: f.b.workouts[5], completion_id: id, notes: 'tired' },
    'memory.update@1': { id: f.b.memory, set: { content: 'fuzz memory' } },
    'memory.delete@1': { id: f.spare.memories.pop() ?? id },
    'chat.send@1': { id, content: 'offline message' },
    'plan.generate@2': { plan_id: id, goal_id: f.b.goal, plan: devicePlanCopy() },
    'activity.upload@2': {
      id,
      activity: {
        source: 'fit_upload',
        external_id: `fit-fuzz-${serial}`,
        activity_type: 'Run',
        start_time: '2026-03-01T07:00:00.000Z',
        local_date: '2026-03-01',
        distance_meters: 5000,
        moving_time_seconds: 1800,
        elapsed_time_seconds: 1850,
        laps: [],
      },
    },
    'notifications.preferences.update@1': { set: { weekly_journal: false } },
  };
  return examples[name] ?? { id };
}

let enginePlan: unknown;
/** The device's plan, made once (the engine takes a while) and copied for each request. */
function devicePlanCopy(): unknown {
  enginePlan ??= devicePlan();
  return structuredClone(enginePlan);
}

function pushBody(f: Fill): unknown {
  const names = Object.keys(MUTATIONS);
  const name = names[f.pick % names.length]!;
  const clientId = `c_fuzz${f.serial}_${(f.pick % 99991).toString(36)}xx`;
  const [base, v] = name.split('@') as [string, string];
  return {
    protocol: PROTOCOL_VERSION,
    schemaVersion: SCHEMA_VERSION,
    clientId,
    mutations: [{ id: 1, name: base, v: Number(v), hlc: hlcAt(NOW_MS, clientId), args: mutationArgs(name, f, f.serial) }],
  };
}

/** Valid requests, by `METHOD path`; a route without one gets generic input only. */
export const TEMPLATES: Record<string, Template> = {
  'POST /api/auth/register': {
    body: (f) => ({ invite_code: f.invite(), name: 'Fuzz Runner', email: `fuzz-${f.serial}@example.com`, password: 'long enough password' }),
  },
  'POST /api/auth/login': { body: (f) => ({ email: f.pick % 2 ? f.aEmail : f.bEmail, password: 'not the right password' }) },
  'PUT /api/profile': { body: () => PROFILE },
  'POST /api/goals': { body: () => RACE },
  'PATCH /api/goals/:id': { body: () => ({ title: 'fuzzed goal', target_time_seconds: 3000 }) },
  'POST /api/plans/generate': { body: (f) => ({ goal_id: f.b.goal, methodology: 'daniels' }) },
  'POST /api/plans/:id/adapt': { body: () => ({ report: { kind: 'illness', date: '2026-03-03', days: 3, notes: 'a cold' } }) },
  'PATCH /api/workouts/:id': { body: () => ({ notes: 'fuzzed', edit_reason: 'fuzz' }) },
  'GET /api/workouts': { query: () => ({ from: '2026-03-01', to: '2026-04-01' }) },
  'GET /api/activities': { query: () => ({ from: '2026-02-01', to: '2026-03-02' }) },
  'POST /api/sync/push': { body: pushBody },
  'POST /api/sync/pull': {
    body: (f) => ({ protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: `c_fuzzpull${f.serial}`, cursor: null, limit: 20 }),
  },
  'GET /api/calendar.ics': { query: () => ({ token: 'not-a-calendar-token' }) },
  'POST /api/coach/chat': { body: () => ({ message: 'How did my week go?' }) },
  'GET /api/chat/messages': { query: (f) => ({ limit: '10', before: f.b.chat }) },
  'PATCH /api/memory/:id': { body: () => ({ content: 'fuzzed memory' }) },
  'GET /api/journal': { query: () => ({ week: '2026-03-02' }) },
  'PUT /api/notifications/preferences': {
    body: () => ({ weekly_journal: false, reminder_time: '18:30', quiet_hours_start: '22:00', quiet_hours_end: '07:00' }),
  },
  'GET /api/notifications': { query: () => ({ limit: '10' }) },
  'GET /api/notifications/unsubscribe': { query: () => ({ token: 'not-a-token' }) },
  'POST /api/notifications/unsubscribe': { query: () => ({ token: 'not-a-token' }) },
  'POST /api/notifications/resubscribe': { query: () => ({ token: 'not-a-token' }) },
  'DELETE /api/account': { body: () => ({ password: 'not the password at all' }) },
  'POST /api/admin/invites': { body: () => ({ expires_days: 3 }) },
  'POST /api/admin/sync/rotate-epoch': { body: () => ({}) },
  'POST /api/admin/strava/subscription': { body: () => ({ action: 'view' }) },
  'GET /api/admin/audit': { query: () => ({ kind: 'sign_in', limit: '5' }) },
  'GET /api/strava/callback': { query: () => ({ state: 'forged-state', code: 'forged-code', scope: 'read,activity:read_all' }) },
  'GET /api/strava/webhook': { query: () => ({ 'hub.mode': 'subscribe', 'hub.challenge': 'fuzz', 'hub.verify_token': 'not-the-token' }) },
  // A's athlete, but not the subscription the operator created: answered and ignored.
  'POST /api/strava/webhook': {
    raw: (f) =>
      `{"aspect_type":"${['create', 'update', 'delete'][f.pick % 3]}","event_time":1772437000,"object_id":18000000000000002,"object_type":"${f.pick % 5 ? 'activity' : 'athlete'}","owner_id":18014398509481985,"subscription_id":120001,"updates":{"authorized":"false"}}`,
  },
};

/** A UUID that is nobody's, derived from a number (reproducible under a seed). */
export function uuidFor(n: number): string {
  const hex = (n >>> 0).toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-${hex.padStart(12, '0')}`;
}

/** Which of a runner's ids a route's `:id` names (B deletes only spares). */
function idKind(route: Route, ids: RunnerIds, spare?: FuzzWorld['b']['spare']): string | null {
  const routePath = route.path;
  if (spare && route.method === 'DELETE' && routePath.startsWith('/api/goals')) return spare.goals.pop() ?? null;
  if (spare && route.method === 'DELETE' && routePath.startsWith('/api/memory')) return spare.memories.pop() ?? null;
  if (routePath.startsWith('/api/goals')) return ids.goal;
  if (routePath.startsWith('/api/plans')) return ids.plan;
  if (routePath.startsWith('/api/workouts')) return ids.workouts[0]!;
  if (routePath.startsWith('/api/memory')) return ids.memory;
  if (routePath.startsWith('/api/activities')) return ids.activity;
  if (routePath.startsWith('/api/notifications')) return ids.notification;
  if (routePath.startsWith('/api/coach')) return ids.chat;
  return ids.goal;
}

const allIds = (ids: RunnerIds) =>
  Object.values(ids)
    .flat()
    .filter((v): v is string => typeof v === 'string');

export const PATH_TRICKS = [
  '..%2f..%2fprofile',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%00',
  'x%00y',
  '%2F',
  '%252F',
  'null',
  'undefined',
  '0',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '{00000000-0000-4000-8000-000000000000}',
  'üñí©ødé',
  '😀',
  '%E0%A4%A',
  '%',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  'a'.repeat(5000),
];

/** The values a generator picks for a `:param`. */
export type ParamChoice =
  | { kind: 'b-own' }
  | { kind: 'a-own' }
  | { kind: 'a-any'; n: number }
  | { kind: 'a-upper' }
  | { kind: 'random'; n: number }
  | { kind: 'trick'; n: number };

export const paramArb: fc.Arbitrary<ParamChoice> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'b-own' as const }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'a-own' as const }), weight: 3 },
  { arbitrary: fc.nat().map((n) => ({ kind: 'a-any' as const, n })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'a-upper' as const }), weight: 1 },
  { arbitrary: fc.nat().map((n) => ({ kind: 'random' as const, n })), weight: 1 },
  { arbitrary: fc.nat().map((n) => ({ kind: 'trick' as const, n })), weight: 2 },
);

function paramValue(choice: ParamChoice, route: Route, world: FuzzWorld): string {
  const a = world.a.ids;
  switch (choice.kind) {
    case 'b-own':
      return idKind(route, world.b.ids, world.b.spare) ?? uuidFor(7);
    case 'a-own':
      return idKind(route, a) ?? allIds(a)[0]!;
    case 'a-any':
      return allIds(a)[choice.n % allIds(a).length]!;
    case 'a-upper':
      return (idKind(route, a) ?? a.goal).toUpperCase();
    case 'random':
      return uuidFor(choice.n);
    case 'trick':
      return PATH_TRICKS[choice.n % PATH_TRICKS.length]!;
  }
}

/** Values of the wrong type, size or shape for any field. A's data never appears here (see leaks). */
export const wrongValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    -0,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    '',
    ' ',
    '0',
    'null',
    'true',
    '2026-02-30',
    '2026-13-01',
    '9999-12-31',
    '0000-00-00',
    '25:61',
    'NaN',
    '\u0000',
    '\ud800',
    '‮rtl',
    '%00',
    '../../x',
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constant('x'.repeat(5000)),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constantFrom({ __proto__: { polluted: true } }, { constructor: { prototype: { polluted: true } } }, JSON.parse('{"__proto__":{"polluted":true}}')),
  fc.nat(60).map((depth) => nest(depth, 1)),
);

/** `depth` levels of alternating arrays and objects around `leaf`. */
export function nest(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** A JSON text nested `depth` levels deep (built as text: JSON.stringify would recurse). */
export function deepJsonText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

export interface BodyMutation {
  op: 'delete' | 'set' | 'add' | 'wrap' | 'swap-ids' | 'own-ids' | 'poison-text';
  at: number;
  value: unknown;
  key: string;
}

export const bodyMutationArb: fc.Arbitrary<BodyMutation> = fc.record({
  op: fc.constantFrom('delete', 'set', 'set', 'set', 'add', 'wrap', 'swap-ids', 'own-ids', 'poison-text'),
  at: fc.nat(),
  value: wrongValueArb,
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'user_id', 'id', 'deleted', 'field_hlc')),
});

type Path = (string | number)[];

/** Every position in a JSON value (containers and leaves), for picking one to break. */
function positions(value: unknown, path: Path = []): Path[] {
  const found: Path[] = [path];
  if (Array.isArray(value)) value.forEach((item, i) => found.push(...positions(item, [...path, i])));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) found.push(...positions(item, [...path, key]));
  return found;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What 'poison-text' puts into strings: NUL and unpaired surrogates, which Postgres cannot store (issue 15). */
export const POISON = ['\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\ude00y'];

/** Every string of `value` with `poison` put in its middle (keys left alone). */
export function poisonStrings(value: unknown, poison: string): unknown {
  if (typeof value === 'string') return `${value.slice(0, value.length >> 1)}${poison}${value.slice(value.length >> 1)}`;
  if (Array.isArray(value)) return value.map((item) => poisonStrings(item, poison));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, poisonStrings(x, poison)]));
  return value;
}

/** Every UUID in `value` replaced by one of `ids` in turn, from `start`. */
export function swapIds(value: unknown, ids: string[], start: number): unknown {
  let n = start;
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string' && UUID.test(v)) return ids[n++ % ids.length];
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return swap(value);
}

/**
 * The template with one thing broken: a field removed, retyped, an unknown key added, B's ids
 * turned into A's (B acting on A's rows, or creating under A's ids) or into B's own existing
 * ones (an id already used), or a NUL or lone surrogate put into one string or all of them.
 */
export function mutateJson(template: unknown, m: BodyMutation, aIds: string[], bIds: string[] = []): unknown {
  const copy = structuredClone(template) as unknown;
  if (m.op === 'swap-ids') return swapIds(copy, aIds, m.at);
  if (m.op === 'own-ids' && bIds.length > 0) return swapIds(copy, bIds, m.at);
  if (m.op === 'poison-text' && m.at % 3 === 0) return poisonStrings(copy, POISON[m.at % POISON.length]!);
  const all = positions(copy);
  const path = all[m.at % all.length]!;
  if (path.length === 0) {
    if (m.op === 'poison-text') return poisonStrings(copy, POISON[m.at % POISON.length]!);
    if (m.op === 'add' && copy && typeof copy === 'object' && !Array.isArray(copy)) return { ...copy, [m.key]: m.value };
    return m.op === 'wrap' ? [copy] : m.value;
  }
  const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
  const key = path.at(-1)!;
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.op === 'set') parent[key] = m.value;
  else if (m.op === 'poison-text') parent[key] = poisonStrings(parent[key], POISON[m.at % POISON.length]!);
  else if (m.op === 'wrap') parent[key] = [parent[key]];
  else if (m.op === 'add') {
    const target = parent[key];
    if (target && typeof target === 'object' && !Array.isArray(target)) target[m.key] = m.value;
    else parent[m.key] = m.value;
  }
  return copy;
}

export type BodyChoice =
  | { kind: 'template' }
  | { kind: 'mutated'; m: BodyMutation }
  | { kind: 'json'; value: unknown }
  | { kind: 'invalid'; n: number }
  | { kind: 'none' };

const INVALID_JSON = [
  '{',
  '}',
  '{"a":}',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  'nul',
  'NaN',
  '{"a":1}{"b":2}',
  '\ufeff{}',
  '\u0000',
  '"unterminated',
  '{"a":"\\uZZZZ"}',
  '1e999999',
  '{"__proto__":',
  '<xml/>',
  'a=1&b=2',
];

export const bodyArb: fc.Arbitrary<BodyChoice> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'template' as const }), weight: 2 },
  { arbitrary: bodyMutationArb.map((m) => ({ kind: 'mutated' as const, m })), weight: 6 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })), weight: 1 },
  { arbitrary: fc.nat().map((n) => ({ kind: 'invalid' as const, n })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 },
);

export type QueryChoice = { kind: 'template' } | { kind: 'mutated'; m: BodyMutation } | { kind: 'raw'; text: string };

const RAW_QUERIES = [
  '%',
  '%zz',
  'a=%E0%A4%A',
  '=&=&',
  '&&&',
  'from=2026-03-01&from=2026-03-05&to=2026-03-02',
  'from[]=1&to[]=2',
  `q=${'x'.repeat(20_000)}`,
  'limit=1e3',
  'limit=-1',
  'limit=0x10',
  'token=%00',
  'week=2026-03-02%00',
];

export const queryArb: fc.Arbitrary<QueryChoice> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'template' as const }), weight: 2 },
  { arbitrary: bodyMutationArb.map((m) => ({ kind: 'mutated' as const, m })), weight: 4 },
  { arbitrary: fc.oneof(fc.constantFrom(...RAW_QUERIES), fc.string({ maxLength: 60 })).map((text) => ({ kind: 'raw' as const, text })), weight: 2 },
);

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  '',
];
export const EVIL_ORIGINS = [
  'https://evil.example',
  'null',
  'http://localhost:8787.evil.example',
  'http://localhost:8788',
  'https://localhost:8787',
  'file://',
];
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** Paths no route declares: normalisation tricks and neighbours of real routes. */
export const EXTRA_PATHS = [
  '/',
  '/settings',
  '/api',
  '/api/',
  '//api/goals',
  '/api//goals',
  '/api/GOALS',
  '/api/goals/',
  '/api/%2e%2e/api/profile',
  '/api/goals/..%2f..%2fprofile',
  '/api/admin',
  '/api/admin/../profile',
  '/.env',
  '/api/sync',
  '/api/export/..',
];

export interface Recipe {
  route: number;
  method: string | null;
  params: ParamChoice[];
  query: QueryChoice;
  body: BodyChoice;
  contentType: number;
  credential: Credential;
  origin: number;
  https: boolean;
  pick: number;
}

export const credentialArb: fc.Arbitrary<Credential> = fc.oneof(
  { arbitrary: fc.constant('b' as const), weight: 8 },
  { arbitrary: fc.constantFrom<Credential>('none', 'garbage', 'a-expired', 'a-stored-hash', 'b-then-expired-a'), weight: 4 },
  { arbitrary: fc.constant('a-cross-site' as const), weight: 2 },
);

export const recipeArb: fc.Arbitrary<Recipe> = fc.record({
  route: fc.nat(),
  method: fc.option(fc.constantFrom(...METHODS), { freq: 10 }),
  params: fc.array(paramArb, { minLength: 2, maxLength: 2 }),
  query: queryArb,
  body: bodyArb,
  // Mostly JSON, so the body reaches the schema.
  contentType: fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, { arbitrary: fc.nat(), weight: 2 }),
  credential: credentialArb,
  origin: fc.nat(),
  https: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
  pick: fc.nat(),
});

/** A request ready for app.request(), with what it was made of. */
export interface FuzzRequest {
  url: string;
  init: { method: string; headers: Record<string, string>; body: string | undefined };
  route: string;
  credential: Credential;
  https: boolean;
  /** Everything the caller sent, for telling an echo from a leak. */
  sent: string;
}

let serial = 0;

/** Builds the request a recipe describes, against the world's runners. */
export function buildRequest(recipe: Recipe, routes: Route[], world: FuzzWorld): FuzzRequest {
  const table = [...routes, ...EXTRA_PATHS.map((path) => ({ method: 'GET', path }))];
  const route = table[recipe.route % table.length]!;
  let method = recipe.method ?? route.method;
  const credential = recipe.credential;
  // A's live cookie is only ever sent cross-site on a state-changing request (that must be refused).
  if (credential === 'a-cross-site' && ['GET', 'HEAD', 'OPTIONS'].includes(method)) method = 'POST';
  let paramIndex = 0;
  const path = route.path.replace(/:[a-z_]+/gi, () => paramValue(recipe.params[paramIndex++ % recipe.params.length]!, route, world));
  const template = TEMPLATES[`${route.method} ${route.path}`] ?? {};
  serial += 1;
  const fill: Fill = {
    a: world.a.ids,
    b: world.b.ids,
    spare: world.b.spare,
    aEmail: world.a.email,
    bEmail: world.b.email,
    invite: () => world.invites.pop() ?? 'NO-MORE-CODES',
    pick: recipe.pick,
    serial,
  };
  const aIds = allIds(world.a.ids);
  const bIds = allIds(world.b.ids);

  let query: string;
  const baseQuery = template.query?.(fill) ?? {};
  if (recipe.query.kind === 'raw') query = recipe.query.text;
  else {
    const q = recipe.query.kind === 'mutated' ? mutateJson(baseQuery, recipe.query.m, aIds, bIds) : baseQuery;
    query =
      q && typeof q === 'object' && !Array.isArray(q)
        ? new URLSearchParams(Object.entries(q).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])).toString()
        : encodeURIComponent(String(JSON.stringify(q)));
  }

  let body: string | undefined;
  if (!['GET', 'HEAD'].includes(method)) {
    const valid = template.raw ? tryParse(template.raw(fill)) : (template.body?.(fill) ?? {});
    const choice = recipe.body;
    if (choice.kind === 'template') body = template.raw ? template.raw(fill) : JSON.stringify(valid);
    else if (choice.kind === 'mutated') body = JSON.stringify(mutateJson(valid, choice.m, aIds, bIds)) ?? 'null';
    else if (choice.kind === 'json') body = JSON.stringify(choice.value);
    else if (choice.kind === 'invalid') body = INVALID_JSON[choice.n % INVALID_JSON.length];
  }

  const headers: Record<string, string> = {};
  const contentType = CONTENT_TYPES[recipe.contentType % CONTENT_TYPES.length]!;
  if (body !== undefined && contentType) headers['content-type'] = contentType;
  const site = recipe.https ? HTTPS_URL : PUBLIC_URL;
  if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) {
    const choice = recipe.origin % 4;
    if (credential === 'a-cross-site') {
      if (choice % 2) headers.origin = EVIL_ORIGINS[recipe.origin % EVIL_ORIGINS.length]!;
      else headers['sec-fetch-site'] = 'cross-site';
    } else if (choice === 1) headers.origin = site;
    else if (choice === 2) headers.origin = EVIL_ORIGINS[recipe.origin % EVIL_ORIGINS.length]!;
  }
  const cookie = cookieFor(credential, recipe.pick, world);
  if (cookie) headers.cookie = cookie;
  const url = `${site}${path}${query ? `?${query}` : ''}`;
  return {
    url,
    init: { method, headers, body },
    route: `${route.method} ${route.path}`,
    credential,
    https: recipe.https,
    sent: `${url} ${body ?? ''} ${cookie ?? ''}`,
  };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const GARBAGE_COOKIES = [
  'rc_session=',
  'rc_session=garbage',
  `rc_session=${'A'.repeat(43)}`,
  `rc_session=${'x'.repeat(101)}`,
  `rc_session=${'x'.repeat(8000)}`,
  'rc_session=%E0%A4%A',
  'rc_session="unterminated',
  'rc_session=a;rc_session=b',
  '=;=;;;',
  'rc_session',
  'other=1; rc_session=%00',
];

function cookieFor(credential: Credential, pick: number, world: FuzzWorld): string | null {
  switch (credential) {
    case 'none':
      return null;
    case 'garbage':
      return GARBAGE_COOKIES[pick % GARBAGE_COOKIES.length]!;
    case 'b':
      return world.b.cookie;
    case 'b-then-expired-a':
      return `${world.b.cookie}; rc_session=${world.a.expiredToken}`;
    case 'a-expired':
      return `rc_session=${world.a.expiredToken}`;
    case 'a-stored-hash':
      return `rc_session=${world.a.storedHash}`;
    case 'a-cross-site':
      return world.a.cookie;
  }
}

/**
 * Variants of a valid body, each with one string holding a NUL or a lone surrogate (at most
 * `limit` strings, spread over the body), or with one UUID replaced by an id already used
 * (each of `usedIds`, A's and B's own): for the sweep that must never see a 5xx.
 */
export function hostileVariants(valid: unknown, usedIds: string[], limit = 12): unknown[] {
  const leaves = positions(valid).filter((path) => typeof path.reduce<any>((node, key) => node[key], valid) === 'string');
  const ids = leaves.filter((path) => UUID.test(path.reduce<any>((node, key) => node[key], valid) as string));
  const texts = leaves.filter((path) => !ids.includes(path));
  const spread = (paths: Path[]) => paths.filter((_, i) => i % Math.max(1, Math.ceil(paths.length / limit)) === 0);
  const setAt = (path: Path, make: (old: string) => string) => {
    const copy = structuredClone(valid) as any;
    const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
    parent[path.at(-1)!] = make(parent[path.at(-1)!] as string);
    return copy;
  };
  return [
    ...spread(texts).flatMap((path, i) => [
      setAt(path, (old) => `${old}${POISON[i % POISON.length]}`),
      setAt(path, (old) => `${POISON[(i + 2) % POISON.length]}${old}`),
    ]),
    ...spread(ids).flatMap((path) => usedIds.map((id) => setAt(path, () => id))),
  ];
}
