import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { chatMessages, coachUsage } from '../db/schema.ts';
import { insertMemoryOnce } from './memory-store.ts';
import { chat, runnerWithPlan, useCoachTest, streamedText } from './testing.ts';
import { openTestPglite } from '../test/databases.ts';
import { buildTestApp, call, signUp } from '../test/harness.ts';

// POST /api/coach/chat end to end: the real SDK streams from the stand-in through our server,
// and the test reads the server-sent events the phone would.

const c = useCoachTest();

const messagesOf = async (cookie: string) => (await call(c.t.app, 'GET', '/api/chat/messages', { cookie })).json.messages as any[];

describe('coach chat', () => {
  it('streams the reply as server-sent events and stores both messages once', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    const reply = 'Run your easy 5 km today at conversational pace, then four relaxed strides.';
    c.standin.script({ type: 'text', text: reply, usage: { input_tokens: 900, output_tokens: 20 } });
    const res = await chat(c.t, cookie, { message: 'What should I run today?' });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const names = res.events.map((e) => e.event);
    expect(names[0]).toBe('start');
    expect(names.filter((n) => n === 'delta').length).toBeGreaterThan(5);
    expect(names.at(-1)).toBe('done');
    expect(streamedText(res.events)).toBe(reply);
    const done = res.events.at(-1)!.data;
    expect(done.message).toMatchObject({ role: 'assistant', content: reply });
    expect(done.usage).toEqual({ input_tokens: 900, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });

    const stored = await messagesOf(cookie);
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ['user', 'What should I run today?'],
      ['assistant', reply],
    ]);
    // The request carried the coach's principles and this runner's plan.
    const body = c.standin.requests[0]!.body;
    expect(body.stream).toBe(true);
    expect(body.system).toContain('Daniels');
    expect(body.system).toContain('RUNNER DATA');
    expect(body.tools.map((t: { name: string }) => t.name)).toEqual(['get_plan', 'get_workouts', 'get_workout', 'get_history', 'propose_change']);
    // The new message is the last cache breakpoint: the next turn reads everything up to it from the cache.
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'What should I run today?', cache_control: { type: 'ephemeral' } }] });
  });

  it('is idempotent on client_message_id: a retry replays the stored reply without asking Claude', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    const id = randomUUID();
    c.standin.script({ type: 'text', text: 'Rest today, your legs earned it.' });
    const first = await chat(c.t, cookie, { message: 'Tired legs', client_message_id: id });
    expect(first.events.at(-1)!.event).toBe('done');
    const again = await chat(c.t, cookie, { message: 'Tired legs', client_message_id: id });
    expect(again.events.at(-1)!.data).toMatchObject({ replayed: true, message: { content: 'Rest today, your legs earned it.' } });
    expect(c.standin.requests).toHaveLength(1);
    expect(await messagesOf(cookie)).toHaveLength(2);
    // The same id with other words is refused rather than silently answered.
    expect((await chat(c.t, cookie, { message: 'Something else', client_message_id: id })).status).toBe(409);
    expect(c.standin.requests).toHaveLength(1); // refused before asking Claude
  });

  it('puts the chat history and the memories in the context', async () => {
    const { cookie, user } = await runnerWithPlan(c.t);
    c.standin.script({ type: 'text', text: 'Noted: long runs on Saturdays.' });
    await chat(c.t, cookie, { message: 'I prefer my long runs on Saturdays.' });
    await insertMemoryOnce(
      c.t.deps.db,
      user.id,
      {
        id: randomUUID(),
        summary_type: 'injury',
        source_date_range_start: '2026-02-23',
        source_date_range_end: '2026-02-23',
        content: 'Left achilles felt tight after hills',
        data: {},
      },
      c.t.clock.now(),
    );
    c.standin.requests.length = 0;
    c.standin.script({ type: 'text', text: 'Keep the hills gentle this week.' });
    await chat(c.t, cookie, { message: 'Any hills this week?' });

    const body = c.standin.requests[0]!.body;
    expect(body.messages).toEqual([
      { role: 'user', content: 'I prefer my long runs on Saturdays.' },
      { role: 'assistant', content: 'Noted: long runs on Saturdays.' },
      { role: 'user', content: [{ type: 'text', text: 'Any hills this week?', cache_control: { type: 'ephemeral' } }] },
    ]);
    expect(body.system).toContain('Left achilles felt tight after hills');
  });

  it('runs the tools the coach calls and feeds the results back', async () => {
    const { cookie, workouts } = await runnerWithPlan(c.t);
    c.standin.script(
      { type: 'tool_use', name: 'get_workouts', input: { from: '2026-03-02', to: '2026-03-08' }, text: 'Let me look.' },
      { type: 'text', text: 'This week has three runs.' },
    );
    const res = await chat(c.t, cookie, { message: 'What is on this week?' });
    expect(res.events.filter((e) => e.event === 'tool').map((e) => e.data.name)).toEqual(['get_workouts']);
    expect(streamedText(res.events)).toBe('Let me look.\n\nThis week has three runs.');
    const second = c.standin.requests[1]!.body;
    const result = second.messages.at(-1).content[0];
    expect(result).toMatchObject({ type: 'tool_result' });
    expect(result.content).toContain(workouts[0]!.id);
    expect(res.events.at(-1)!.data.message.metadata.tool_calls).toEqual(['get_workouts']);
  });

  it('stores an interrupted reply with what arrived, marked interrupted, and says so', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    c.standin.script({ type: 'cut', text: 'Your long run this week should be 14 km at an easy pace.', afterDeltas: 4 });
    const res = await chat(c.t, cookie, { message: 'Long run?' });
    expect(res.status).toBe(200);
    const last = res.events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ code: 'coach_interrupted', retryable: true });
    expect(last.data.message).toMatch(/cut off/);
    // What arrived before the cut (the socket may swallow the last chunk) is exactly what was kept.
    const arrived = streamedText(res.events);
    expect(arrived.length).toBeGreaterThan(0);
    expect('Your long run this week should be 14 km at an easy pace.'.startsWith(arrived)).toBe(true);
    expect(last.data.stored_message).toMatchObject({ content: arrived, metadata: { interrupted: true, interrupted_reason: 'network' } });
    const stored = await messagesOf(cookie);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: arrived, metadata: { interrupted: true } });
  });

  it('keeps what arrived when the runner goes away mid-reply', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    c.standin.script({ type: 'stall', text: 'Start easy and build the middle miles gradually.', afterDeltas: 2 });
    const response = await c.t.app.request('/api/coach/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ message: 'Pacing?' }),
    });
    const reader = response.body!.getReader();
    let seen = '';
    while (!seen.includes('event: delta')) seen += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel(); // the phone lost its connection
    let stored: any[] = [];
    for (let i = 0; i < 100 && stored.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stored = await messagesOf(cookie);
    }
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', metadata: { interrupted: true, interrupted_reason: 'disconnected' } });
    expect('Start easy and build the middle miles gradually.'.startsWith(stored.at(-1).content)).toBe(true);
  });

  it('answers 503 retryable (JSON) when Claude is overloaded before anything streamed', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    const overloaded = { type: 'error' as const, status: 529, errorType: 'overloaded_error', message: 'Overloaded' };
    c.standin.script(overloaded, overloaded); // the SDK retries once
    const res = await chat(c.t, cookie, { message: 'Hello?' });
    expect(res.status).toBe(503);
    expect(res.json.error).toMatchObject({ code: 'coach_unavailable' });
    expect(res.json.error.message).toMatch(/overloaded.*try again/i);
    // The runner's message is kept; nothing else was stored.
    expect((await messagesOf(cookie)).map((m) => m.role)).toEqual(['user']);
  });

  it('sends an SSE error when Claude fails after the stream started', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    const overloaded = { type: 'error' as const, status: 529, errorType: 'overloaded_error' };
    c.standin.script({ type: 'tool_use', name: 'get_plan', input: {} }, overloaded, overloaded);
    const res = await chat(c.t, cookie, { message: 'How is my plan?' });
    expect(res.status).toBe(200);
    expect(res.events.map((e) => e.event)).toEqual(['start', 'tool', 'error']);
    expect(res.events.at(-1)!.data).toMatchObject({ code: 'coach_unavailable', retryable: true, status: 503, stored_message: null });
  });

  it('refuses with 429 before calling the model once the day’s budget is spent', async () => {
    const { cookie, user } = await runnerWithPlan(c.t);
    await c.t.deps.db.insert(coachUsage).values({ user_id: user.id, day: '2026-03-02', input_tokens: 150_000, output_tokens: 50_000, calls: 10 });
    const res = await chat(c.t, cookie, { message: 'One more question' });
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe('coach_budget_spent');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(c.standin.requests).toHaveLength(0);
    expect(await c.t.deps.db.select().from(chatMessages).where(eq(chatMessages.user_id, user.id))).toHaveLength(0);
  });

  it('counts the tokens each reply used against the day', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    c.standin.script({ type: 'text', text: 'Easy does it.', usage: { input_tokens: 1234, output_tokens: 56 } });
    await chat(c.t, cookie, { message: 'Hi' });
    const status = await call(c.t.app, 'GET', '/api/coach/status', { cookie });
    expect(status.json).toMatchObject({ configured: true, budget: { limit: 200_000, used: 1290, remaining: 198_710 } });
  });

  it('talks to a runner who has not filled in a profile or made a plan yet', async () => {
    const { cookie } = await signUp(c.t);
    c.standin.script({ type: 'text', text: 'Welcome! Tell me how much you run now.' });
    const res = await chat(c.t, cookie, { message: 'Hi coach' });
    expect(res.events.at(-1)).toMatchObject({ event: 'done', data: { message: { content: 'Welcome! Tell me how much you run now.' } } });
    expect(c.standin.requests[0]!.body.system).toContain('No active plan.');
  });

  it('pages the history', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    for (const n of [1, 2, 3]) {
      c.standin.script({ type: 'text', text: `Answer ${n}` });
      await chat(c.t, cookie, { message: `Question ${n}` });
    }
    const first = (await call(c.t.app, 'GET', '/api/chat/messages?limit=4', { cookie })).json;
    expect(first.messages.map((m: { content: string }) => m.content)).toEqual(['Question 2', 'Answer 2', 'Question 3', 'Answer 3']);
    expect(first.has_more).toBe(true);
    const older = (await call(c.t.app, 'GET', `/api/chat/messages?limit=4&before=${first.next_before}`, { cookie })).json;
    expect(older).toMatchObject({ has_more: false, next_before: null });
    expect(older.messages.map((m: { content: string }) => m.content)).toEqual(['Question 1', 'Answer 1']);
  });
});

describe('without an API key', () => {
  it('answers 503 coach_not_configured and everything else works', async () => {
    const handle = await openTestPglite();
    try {
      const t = buildTestApp(handle);
      const { cookie } = await signUp(t);
      const res = await call(t.app, 'POST', '/api/coach/chat', { cookie, body: { message: 'Hello' } });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('coach_not_configured');
      expect(res.json.error.message).toMatch(/ANTHROPIC_API_KEY/);
      expect((await call(t.app, 'GET', '/api/coach/status', { cookie })).json.configured).toBe(false);
      expect((await call(t.app, 'GET', '/api/chat/messages', { cookie })).status).toBe(200);
      expect((await call(t.app, 'GET', '/api/memory', { cookie })).status).toBe(200);
      expect((await call(t.app, 'GET', '/api/journal?week=2026-02-23', { cookie })).json).toMatchObject({
        narrative: null,
        narrative_status: 'not_configured',
      });
    } finally {
      await handle.close();
    }
  });
});
