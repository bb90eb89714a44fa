import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { coachCalls, coachUsage } from '../db/schema.ts';
import { promptTokens } from './claude/prices.ts';
import { buildTestApp, call } from '../test/harness.ts';
import { blockTokens } from '../test/anthropic-cache.ts';
import { buildCoachContext } from './context.ts';
import { coachUsageReport } from './usage-report.ts';
import { allRequests, chat, runnerWithPlan, seedRun, useCoachTest, TEST_KEY } from './testing.ts';

// Prompt caching (issue 24) through the real SDK against the stand-in, whose usage follows the
// API's cache rules: the principles, the runner's slow blocks and the volatile ones are three
// breakpoints, the last message a fourth; a change re-sends only what follows it.

const c = useCoachTest();
beforeEach(() => {
  c.standin.cache.clear();
});

const ephemeral = { type: 'ephemeral' };
const usageOf = async (userId: string) => c.t.deps.db.select().from(coachCalls).where(eq(coachCalls.user_id, userId)).orderBy(coachCalls.at);

describe('prompt caching', () => {
  it('marks the principles, the slow blocks, the volatile blocks and the last message, tools first in the prefix', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    await chat(c.t, cookie, { message: 'What should I run today?' });
    const raw = c.standin.requests[0]!.raw;
    expect(raw.system).toHaveLength(3);
    expect(raw.system.map((b: { cache_control: unknown }) => b.cache_control)).toEqual([ephemeral, ephemeral, ephemeral]);
    expect(raw.system[0].text).toMatch(/^You are RunCoach[\s\S]*RUNNER DATA/);
    expect(raw.system[1].text).toMatch(/^## Runner[\s\S]*## Goals/);
    expect(raw.system[2].text).toMatch(/^## Plan: the next two weeks[\s\S]*## Recent training/);
    expect(raw.messages.at(-1).content.at(-1).cache_control).toEqual(ephemeral);
    // Tools carry no breakpoint of their own: they are the start of the first cached prefix.
    expect(raw.tools.every((t: { cache_control?: unknown }) => t.cache_control === undefined)).toBe(true);
  });

  it('a changed plan invalidates only the blocks after it', async () => {
    const { cookie, user, workouts } = await runnerWithPlan(c.t);
    const now = c.t.clock.now();
    await buildCoachContext(c.t.deps.db, user.id, { now, dataInAi: false });
    await chat(c.t, cookie, { message: 'What should I run today?' });
    const before = c.standin.requests[0]!.raw;
    await call(c.t.app, 'PATCH', `/api/workouts/${workouts[0]!.id}`, { cookie, body: { notes: 'moved to the evening' } });
    expect((await buildCoachContext(c.t.deps.db, user.id, { now, dataInAi: false })).changed).toEqual(['plan']);
    await chat(c.t, cookie, { message: 'And tomorrow?' });
    const after = c.standin.requests[1]!.raw;
    expect(after.system[0]).toEqual(before.system[0]);
    expect(after.system[1]).toEqual(before.system[1]);
    expect(after.system[2].text).toContain('moved to the evening');

    const [first, second] = await usageOf(user.id);
    expect(first).toMatchObject({ job: 'chat', model: 'claude-sonnet-5-5', cache_read_input_tokens: 0 });
    expect(first!.cache_creation_input_tokens).toBeGreaterThan(0);
    // Read: tools, principles and the slow blocks, exactly; everything from the plan on is written again.
    const stable = blockTokens(after).filter((b) => b.kind === 'tool' || (b.kind === 'system' && b.index < 2));
    expect(second!.cache_read_input_tokens).toBe(stable.reduce((sum, b) => sum + b.tokens, 0));
    expect(second!.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it('serves most of the prompt from the cache from the second question on, the tool loop included', async () => {
    const { cookie, user } = await runnerWithPlan(c.t);
    for (const question of ['How is my week?', 'Should I run the long run slower?', 'What about strides?']) await chat(c.t, cookie, { message: question });
    c.standin.script({ type: 'tool_use', name: 'get_plan', input: {} }, { type: 'text', text: 'Your plan is on track.' });
    await chat(c.t, cookie, { message: 'And the plan?' });
    const calls = await usageOf(user.id);
    expect(calls).toHaveLength(5);
    for (const row of calls.slice(1)) expect(row.cache_read_input_tokens / promptTokens(row)).toBeGreaterThanOrEqual(0.7);
    // The tool loop's second call reads everything the first one sent.
    expect(calls[4]!.cache_read_input_tokens).toBeGreaterThanOrEqual(promptTokens(calls[3]!) - 5);
  });

  it('counts cached reads at their weight in the daily budget', async () => {
    const { cookie, user } = await runnerWithPlan(c.t);
    c.standin.script({
      type: 'text',
      text: 'Easy does it.',
      usage: { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10_000 },
    });
    await chat(c.t, cookie, { message: 'Hi' });
    const [day] = await c.t.deps.db.select().from(coachUsage).where(eq(coachUsage.user_id, user.id));
    expect(day).toMatchObject({ input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10_000, calls: 1 });
    const status = await call(c.t.app, 'GET', '/api/coach/status', { cookie });
    // 100 + 50 + 1.25 × 2000 + 0.1 × 10 000, not the 12 150 raw tokens.
    expect(status.json.budget).toMatchObject({ used: 3650, remaining: 200_000 - 3650 });
    // The operator's view prices the same call: Sonnet $3/$15 per million, writes 1.25×, reads 0.1×.
    const report = await coachUsageReport(c.t.deps.db, { user: user.id, by: 'month' }, {});
    expect(report.rows).toMatchObject([{ period: '2026-03', calls: 1, cache_read_input_tokens: 10_000 }]);
    expect(report.rows[0]!.cost_usd).toBeCloseTo((100 * 3 + 2000 * 3.75 + 10_000 * 0.3 + 50 * 15) / 1e6, 10);
    expect(report.total).toMatchObject({ runners: 1, calls: 1 });
  });

  it('a Strava-free context stays Strava-free with caching on, after a context that had Strava in it', async () => {
    const runner = await runnerWithPlan(c.t);
    await seedRun(c.t, runner.user.id, { source: 'strava', local_date: '2026-02-26', distance_meters: 23_456.7 }, 'Zorblax Ridge Strava Run');
    await seedRun(c.t, runner.user.id, { source: 'fit_upload', local_date: '2026-02-27', distance_meters: 8123 }, 'Lakeside Watch Run');
    // The same runner through a server that allows Strava data in AI: the block cache now holds it.
    const allowing = buildTestApp(c.handle, {
      ANTHROPIC_API_KEY: TEST_KEY,
      ANTHROPIC_BASE_URL: c.standin.baseUrl,
      SESSION_SECRET: c.t.deps.config.sessionSecret,
      STRAVA_DATA_IN_AI: 'true',
    });
    await chat(allowing, runner.cookie, { message: 'How was my ridge run?' });
    expect(allRequests(c.standin)).toContain('Zorblax');
    c.standin.requests.length = 0;
    for (const message of ['And this week?', 'Anything else?']) await chat(c.t, runner.cookie, { message });
    expect(allRequests(c.standin)).toContain('Lakeside Watch Run');
    expect(allRequests(c.standin)).not.toContain('Zorblax');
    expect(JSON.stringify(c.standin.requests.map((r) => r.raw.system))).not.toContain('23.5 km');
  });
});
