import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatMessages } from '../db/schema.ts';
import { estimateTokens } from './claude/budget.ts';
import { randomUUID } from 'node:crypto';
import { insertMemoryOnce } from './memory-store.ts';
import { buildCoachContext } from './context.ts';
import { call } from '../test/harness.ts';
import { runnerWithPlan, seedRun, startCoachTest, type CoachTest } from './testing.ts';

// The context builder keeps within its token budget by dropping the least relevant first:
// the farthest plan weeks and the oldest runs and messages go, the runner's profile stays.

let c: CoachTest;
beforeAll(async () => {
  c = await startCoachTest();
});
afterAll(() => c.close());

describe('buildCoachContext', () => {
  it('stays within the budget, keeping the profile and the newest messages', async () => {
    const { user } = await runnerWithPlan(c.t);
    const base = c.t.clock.now().getTime();
    await c.t.deps.db.insert(chatMessages).values(
      Array.from({ length: 30 }, (_, i) => ({
        user_id: user.id,
        conversation_id: '7a1f0c2e-0000-4000-8000-000000000001',
        role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
        content: `message ${i} ${'about my long run pacing '.repeat(20)}`,
        created_at: new Date(base - (30 - i) * 60_000),
      })),
    );
    for (let d = 1; d <= 20; d++)
      await seedRun(c.t, user.id, { source: 'manual', local_date: `2026-02-${String(d).padStart(2, '0')}`, distance_meters: 5000 + d });
    const now = c.t.clock.now();
    const roomy = await buildCoachContext(c.t.deps.db, user.id, { now, dataInAi: false, current: 'How is it going?' });
    expect(roomy.included.history).toBe(20); // the last 20 messages, no more
    expect(roomy.messages.at(-1)).toEqual({ role: 'user', content: 'How is it going?' });

    const tight = await buildCoachContext(c.t.deps.db, user.id, { now, dataInAi: false, current: 'How is it going?', maxTokens: 2200 });
    expect(tight.tokens).toBeLessThanOrEqual(2200);
    expect(tight.system).toContain('## Runner');
    expect(tight.included.history).toBeLessThan(20);
    expect(tight.included.later ?? 0).toBeLessThan(roomy.included.later!);
    // What was kept of the history is its newest end, in order, ending with the new message.
    const kept = tight.messages.slice(0, -1).map((m) => String(m.content).split(' ')[1]);
    expect(kept.at(-1)).toBe('29');
    expect(kept).toEqual([...kept].sort((a, b) => Number(a) - Number(b)));
    expect(estimateTokens(tight.system)).toBeLessThan(estimateTokens(roomy.system));
  });

  it('sees every change to the runner’s data at once (the block cache follows the change log)', async () => {
    const { user, cookie, workouts } = await runnerWithPlan(c.t);
    const now = c.t.clock.now();
    const build = async () => (await buildCoachContext(c.t.deps.db, user.id, { now, dataInAi: false, current: 'hi' })).system;
    const first = await build();
    expect(await build()).toBe(first);
    await call(c.t.app, 'PATCH', `/api/workouts/${workouts[0]!.id}`, { cookie, body: { notes: 'moved to the evening' } });
    expect(await build()).toContain('moved to the evening');
    await seedRun(c.t, user.id, { source: 'fit_upload', local_date: '2026-03-01', distance_meters: 4321 }, 'Harbour Loop');
    expect(await build()).toContain('Harbour Loop');
    await call(c.t.app, 'PUT', '/api/profile', { cookie, body: { injury_notes: 'tight hamstring' } });
    expect(await build()).toContain('Injury notes: tight hamstring.');
  });

  it('keeps in its snapshot the memories the coach saw, not those the policy or the budget left out', async () => {
    const { user } = await runnerWithPlan(c.t);
    const now = c.t.clock.now();
    const memory = (summary_type: 'injury' | 'training_week', content: string, data: Record<string, unknown> = {}) => ({
      id: randomUUID(),
      summary_type,
      source_date_range_start: '2026-02-23',
      source_date_range_end: '2026-03-01',
      content,
      data,
    });
    const [knee, week, fromStrava] = [
      memory('injury', 'Right knee aches after hills'),
      memory('training_week', '3 runs, 24 km'),
      memory('training_week', '2 runs from Strava', { strava_included: true }),
    ];
    for (const m of [knee, week, fromStrava]) await insertMemoryOnce(c.t.deps.db, user.id, m, now);
    const roomy = await buildCoachContext(c.t.deps.db, user.id, { now, dataInAi: false, current: 'hi' });
    expect(roomy.snapshot.memory_ids.sort()).toEqual([knee.id, week.id].sort());
    expect(roomy.snapshot).toMatchObject({ strava_data_included: false, today: '2026-03-02' });
    // The largest budget that leaves the past weeks' block out (it yields before the injury notes):
    // the snapshot no longer claims the coach saw that week.
    let tight = roomy;
    for (let max = roomy.tokens; (tight.included.weeks ?? 0) > 0; max -= 25)
      tight = await buildCoachContext(c.t.deps.db, user.id, { now, dataInAi: false, current: 'hi', maxTokens: max });
    expect(tight.included.memory).toBe(1);
    expect(tight.snapshot.memory_ids).toEqual([knee.id]);
  });
});
