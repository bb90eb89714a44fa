import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { coachBatches, coachCalls } from '../db/schema.ts';
import { createClaude } from './claude/client.ts';
import { call } from '../test/harness.ts';
import { chat, runnerWithPlan, seedRun, startCoachTest, type CoachTest } from './testing.ts';
import { writeWeeklyMemoriesInBatch } from './weekly-batch.ts';
import { writeWeeklyMemories } from './weekly-memory.ts';

// A model per job (the weekly memory on the smaller background model), and the weekly job
// through the Message Batches API when COACH_BATCH_WEEKLY is on: submitted on one run, applied
// on a later run once the batch has ended, counted as batch usage.

let c: CoachTest;
beforeAll(async () => {
  c = await startCoachTest({ COACH_BATCH_WEEKLY: 'true' });
});
afterAll(() => c.close());
beforeEach(() => {
  c.standin.requests.length = 0;
  c.standin.holdBatches = false;
});

const answer = { type: 'tool_use' as const, name: 'weekly_memory', input: { narrative: 'You ran twice, 20 km in all.', injuries: [], preferences: [] } };

async function runnerWithLastWeek() {
  const runner = await runnerWithPlan(c.t);
  await seedRun(c.t, runner.user.id, { source: 'fit_upload', local_date: '2026-02-24', distance_meters: 8000 });
  await seedRun(c.t, runner.user.id, { source: 'manual', local_date: '2026-02-28', distance_meters: 12_000 });
  return runner;
}

describe('a model per job', () => {
  it('chats on ANTHROPIC_MODEL and writes the weekly memory on the background model', async () => {
    const { cookie, user } = await runnerWithLastWeek();
    await chat(c.t, cookie, { message: 'Hi' });
    c.standin.script(answer);
    expect(await writeWeeklyMemories(c.t.deps, c.t.clock.now(), { userIds: [user.id] })).toMatchObject({ narratives: 1 });
    expect(c.standin.requests.map((r) => [r.path, r.body.model])).toEqual([
      ['/v1/messages', 'claude-sonnet-5-5'],
      ['/v1/messages', 'claude-haiku-5-5'],
    ]);
    const calls = await c.t.deps.db.select().from(coachCalls).where(eq(coachCalls.user_id, user.id)).orderBy(coachCalls.at);
    expect(calls.map((r) => [r.job, r.model, r.batch])).toEqual([
      ['chat', 'claude-sonnet-5-5', false],
      ['memory', 'claude-haiku-5-5', false],
    ]);
  });
});

describe('weekly memories through a Message Batch', () => {
  it('submits once, applies the answers on a later run after the batch ended, and counts them as batch usage', async () => {
    const { cookie, user } = await runnerWithLastWeek();
    const claude = createClaude(c.t.deps.config.anthropic)!;
    c.standin.holdBatches = true;
    c.standin.script(answer);
    const first = await writeWeeklyMemoriesInBatch(c.t.deps, claude, c.t.clock.now(), [user.id]);
    expect(first).toMatchObject({ submitted: 1, written: 0, batches_waiting: 1 });
    const submitted = c.standin.requests.find((r) => r.path === '/v1/messages/batches')!.body;
    expect(submitted.requests).toHaveLength(1);
    expect(submitted.requests[0].params).toMatchObject({ model: 'claude-haiku-5-5', tool_choice: { type: 'tool', name: 'weekly_memory' } });

    // Still in progress: nothing applied, nothing submitted twice.
    expect(await writeWeeklyMemoriesInBatch(c.t.deps, claude, c.t.clock.now(), [user.id])).toMatchObject({ submitted: 0, written: 0, batches_waiting: 1 });
    expect((await call(c.t.app, 'GET', '/api/memory', { cookie })).json.memories).toEqual([]);

    c.standin.endBatches();
    expect(await writeWeeklyMemoriesInBatch(c.t.deps, claude, c.t.clock.now(), [user.id])).toMatchObject({
      batches_applied: 1,
      written: 1,
      narratives: 1,
      submitted: 0,
    });
    const memories = (await call(c.t.app, 'GET', '/api/memory', { cookie })).json.memories;
    expect(memories).toMatchObject([
      { summary_type: 'training_week', content: 'You ran twice, 20 km in all.', data: { source: 'coach', model: 'claude-haiku-5-5' } },
    ]);
    const calls = await c.t.deps.db.select().from(coachCalls).where(eq(coachCalls.user_id, user.id));
    expect(calls.map((r) => [r.job, r.model, r.batch])).toEqual([['memory', 'claude-haiku-5-5', true]]);
    expect((await c.t.deps.db.select().from(coachBatches)).every((b) => b.applied_at !== null)).toBe(true);
    // Written: a later run has nothing to submit.
    expect(await writeWeeklyMemoriesInBatch(c.t.deps, claude, c.t.clock.now(), [user.id])).toMatchObject({ submitted: 0, batches_applied: 0 });
  });

  it('falls back to the computed narrative when the batch answer errored', async () => {
    const { user, cookie } = await runnerWithLastWeek();
    const claude = createClaude(c.t.deps.config.anthropic)!;
    c.standin.script({ type: 'error', status: 529, errorType: 'overloaded_error' });
    await writeWeeklyMemoriesInBatch(c.t.deps, claude, c.t.clock.now(), [user.id]);
    expect(await writeWeeklyMemoriesInBatch(c.t.deps, claude, c.t.clock.now(), [user.id])).toMatchObject({ batches_applied: 1, written: 1, narratives: 0 });
    const [week] = (await call(c.t.app, 'GET', '/api/memory', { cookie })).json.memories;
    expect(week).toMatchObject({ summary_type: 'training_week', data: { source: 'computed' } });
  });
});
