import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_TEXT_MESSAGE } from '#shared/schema/text.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '#shared/sync/protocol.ts';
import { runnerWithPlan, startCoachTest, type CoachTest } from './coach/testing.ts';
import { createApp } from './app.ts';
import { memoryLogger } from './lib/log.ts';
import { call, signUp } from './test/harness.ts';

// Issue 15 over REST: a NUL or a lone surrogate in any text field is a 400 naming the field (M5),
// an impossible date is a 400 (I5), a client-chosen id already used is one 409 whoever uses it
// (I3), and an unexpected 500 logs where and what kind, never the query's parameters (M5).

let c: CoachTest;
beforeAll(async () => {
  c = await startCoachTest();
});
afterAll(() => c.close());

const RACE = { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' };
const NUL = 'Spring\u0000 10K';
const LONE = 'Spring \ud83d 10K';

function expectBadText(res: { status: number; json: any }, path: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(400);
  expect(res.json.error.code).toBe('validation_failed');
  expect(res.json.error.issues).toContainEqual({ path, message: BAD_TEXT_MESSAGE });
}

describe('text with a NUL or an unpaired surrogate (M5)', () => {
  it('is a 400 naming the field: goal title, injury notes, workout notes, memory', async () => {
    const { cookie, goal, workouts } = await runnerWithPlan(c.t);
    expectBadText(await call(c.t.app, 'POST', '/api/goals', { cookie, body: { ...RACE, title: NUL } }), 'title');
    expectBadText(await call(c.t.app, 'POST', '/api/goals', { cookie, body: { ...RACE, title: LONE } }), 'title');
    expectBadText(await call(c.t.app, 'PATCH', `/api/goals/${goal.id}`, { cookie, body: { title: NUL } }), 'title');
    expectBadText(await call(c.t.app, 'PUT', '/api/profile', { cookie, body: { injury_notes: 'sore \u0000 knee' } }), 'injury_notes');
    expectBadText(await call(c.t.app, 'PUT', '/api/profile', { cookie, body: { injury_notes: '\udc00' } }), 'injury_notes');
    expectBadText(await call(c.t.app, 'PATCH', `/api/workouts/${workouts[0]!.id}`, { cookie, body: { notes: NUL } }), 'notes');
    // Nothing was stored, and the same fields take ordinary text (emoji pairs included).
    expect((await call(c.t.app, 'GET', `/api/goals/${goal.id}`, { cookie })).json.goal.title).toBe(goal.title);
    expect((await call(c.t.app, 'PATCH', `/api/goals/${goal.id}`, { cookie, body: { title: 'Spring 10K 🏃' } })).status).toBe(200);
  });

  it('is a 400 naming the field for a chat message, before the coach is asked', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    const asked = c.standin.requests.length;
    expectBadText(await call(c.t.app, 'POST', '/api/coach/chat', { cookie, body: { message: 'How far \u0000 today?' } }), 'message');
    expectBadText(
      await call(c.t.app, 'POST', '/api/coach/chat', { cookie, body: { message: 'How far \ud800 today?', client_message_id: randomUUID() } }),
      'message',
    );
    expect(c.standin.requests.length).toBe(asked);
    expect((await call(c.t.app, 'GET', '/api/chat/messages', { cookie })).json.messages).toEqual([]);
  });
});

describe('impossible calendar dates (I5)', () => {
  it('2026-02-30 is a 400 naming the field', async () => {
    const { cookie, goal, workouts } = await runnerWithPlan(c.t);
    for (const [method, path, body, field] of [
      ['POST', '/api/goals', { ...RACE, target_race_date: '2026-02-30' }, 'target_race_date'],
      ['PATCH', `/api/goals/${goal.id}`, { target_race_date: '2026-02-30' }, 'target_race_date'],
      ['PATCH', `/api/workouts/${workouts[0]!.id}`, { scheduled_date: '2026-02-30' }, 'scheduled_date'],
    ] as const) {
      const res = await call(c.t.app, method, path, { cookie, body });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
    const range = await call(c.t.app, 'GET', '/api/workouts?from=2026-02-30&to=2026-03-31', { cookie });
    expect(range.status).toBe(400);
    expect(range.json.error.issues.map((i: { path: string }) => i.path)).toContain('from');
  });

  it('a sync clock on 2026-02-30 (or at 24:00) is a 400 naming the field, and nothing applies', async () => {
    const { cookie } = await signUp(c.t);
    for (const hlc of ['2026-02-30T07:15:09.120Z-0000-8f3a1c0d9e2b4a67', '2026-03-01T24:00:00.000Z-0000-8f3a1c0d9e2b4a67']) {
      const mutations = [{ id: 1, name: 'goal.create', v: 1, hlc, args: { id: randomUUID(), goal: RACE } }];
      const res = await call(c.t.app, 'POST', '/api/sync/push', {
        cookie,
        body: { protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: `c_badclock_${hlc.slice(8, 10)}xx`, mutations },
      });
      expect(res.status, hlc).toBe(400);
      expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain('mutations[0].hlc');
    }
    expect((await call(c.t.app, 'GET', '/api/goals', { cookie })).json.goals).toEqual([]);
  });
});

describe('a client-chosen id already used (I3)', () => {
  it('is the same 409 for a chat message id of your own (other words) and of another runner', async () => {
    const a = await runnerWithPlan(c.t);
    const b = await signUp(c.t);
    const id = randomUUID();
    c.standin.script({ type: 'text', text: 'Easy does it.', usage: { input_tokens: 10, output_tokens: 5 } });
    const first = await call(c.t.app, 'POST', '/api/coach/chat', { cookie: a.cookie, body: { message: 'Private: my knee hurts', client_message_id: id } });
    expect(first.status).toBe(200);
    const asked = c.standin.requests.length;
    const own = await call(c.t.app, 'POST', '/api/coach/chat', { cookie: a.cookie, body: { message: 'Other words', client_message_id: id } });
    const other = await call(c.t.app, 'POST', '/api/coach/chat', { cookie: b.cookie, body: { message: 'Other words', client_message_id: id } });
    expect(own.status).toBe(409);
    expect(other.status).toBe(409);
    expect(other.json).toEqual(own.json);
    expect(own.json.error).toEqual({ code: 'id_taken', message: 'That id is already used; send it with a new id.' });
    expect(JSON.stringify(other.json)).not.toContain('knee');
    expect(c.standin.requests.length).toBe(asked);
  });
});

describe('an unexpected 500 (M5: the log never carries parameters or bodies)', () => {
  it('logs the route, method, code, request id and error class; the caller gets the request id', async () => {
    const secret = 'runner.private@example.com';
    const hash = '$scrypt$N=16384$c2VjcmV0LXNhbHQ$bm90LWEtcmVhbC1oYXNo';
    // The whole app, plus a route whose query fails in the database with the parameters in drizzle's message.
    const log = memoryLogger();
    const app = createApp({ ...c.t.deps, log });
    app.post('/boom/:id', async () => {
      await c.t.deps.db.execute(sql`select ${secret}::int, ${hash}::int`);
      return new Response('unreachable');
    });
    const body = JSON.stringify({ note: 'a request body the log must not hold', email: secret });
    const res = await app.request('/boom/123', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(500);
    const json = (await res.json()) as { error: { code: string; request_id: string; message: string } };
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.error).toMatchObject({ code: 'internal_error', request_id: requestId });
    expect(json.error.message).toContain(requestId);

    const lines = log.lines;
    expect(lines).toHaveLength(1);
    const text = lines[0]!;
    for (const leak of [secret, hash, 'Failed query', 'params', 'select', 'must not hold', '123']) expect(text, leak).not.toContain(leak);
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'error',
      message: 'unhandled error',
      route: '/boom/:id',
      method: 'POST',
      code: 'internal_error',
      request_id: requestId,
      sqlstate: '22P02',
    });
    expect(line.error_class).toMatch(/DrizzleQueryError/);
    expect((line.stack as string[]).every((frame) => frame.startsWith('at '))).toBe(true);
    expect(text.length).toBeLessThan(4000);
  });

  it('answers every request with an X-Request-Id, a fresh one each time', async () => {
    const one = await c.t.app.request('/api/health');
    const two = await c.t.app.request('/api/goals');
    expect(one.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(two.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(one.headers.get('x-request-id')).not.toBe(two.headers.get('x-request-id'));
  });
});
