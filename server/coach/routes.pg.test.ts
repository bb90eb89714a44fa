import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWeeklyMemories } from './weekly-memory.ts';
import { chat, runnerWithPlan, seedRun, streamedText, TEST_KEY } from './testing.ts';
import { startAnthropicStandin, type AnthropicStandin } from '../test/anthropic-standin.ts';
import { openTestPostgres } from '../test/databases.ts';
import { buildTestApp, call, type TestApp } from '../test/harness.ts';
import { postgresUrl } from '../test/requirements.ts';

// The coach on real Postgres: the SQL PGlite might forgive (jsonb containment for proposals,
// the ordered chat insert, the usage upsert), and two accepts of one proposal at the same time
// applying it once (the message row lock).

const url = postgresUrl('postgres coach');

describe.skipIf(!url)('coach on Postgres', () => {
  let handle: Awaited<ReturnType<typeof openTestPostgres>>;
  let standin: AnthropicStandin;
  let t: TestApp;
  beforeAll(async () => {
    handle = await openTestPostgres(url!);
    standin = await startAnthropicStandin({ apiKey: TEST_KEY, chunkDelayMs: 1 });
    t = buildTestApp(handle, { ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: standin.baseUrl });
  });
  afterAll(async () => {
    await standin?.close();
    await handle?.close();
  });

  it('chats, proposes, and applies a proposal accepted twice at once exactly once', async () => {
    const { cookie, workouts } = await runnerWithPlan(t);
    const easy = workouts.find((w) => w.workout_type === 'easy' && w.scheduled_date > '2026-03-02')!;
    standin.script(
      { type: 'tool_use', name: 'propose_change', input: { kind: 'shorten', workout_id: easy.id, fraction: 0.8, reason: 'Busy day' } },
      { type: 'text', text: 'Shorter run proposed.' },
    );
    const res = await chat(t, cookie, { message: 'Busy tomorrow' });
    expect(streamedText(res.events)).toBe('Shorter run proposed.');
    const proposal = res.events.find((e) => e.event === 'proposal')!.data.proposal;
    const [a, b] = await Promise.all([0, 1].map(() => call(t.app, 'POST', `/api/coach/proposals/${proposal.id}/accept`, { cookie })));
    expect([a!.status, b!.status]).toEqual([200, 200]);
    const edits = (await call(t.app, 'GET', `/api/workouts/${easy.id}/edits`, { cookie })).json.edits;
    expect(edits.filter((e: { field: string }) => e.field === 'structure')).toEqual([expect.objectContaining({ edited_by: 'coach' })]);
    const status = (await call(t.app, 'GET', '/api/coach/status', { cookie })).json;
    expect(status.budget.used).toBeGreaterThan(0);
    const history = (await call(t.app, 'GET', '/api/chat/messages', { cookie })).json.messages;
    expect(history.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
  });

  it('writes weekly memories and the journal', async () => {
    const { cookie, user } = await runnerWithPlan(t);
    await seedRun(t, user.id, { source: 'fit_upload', local_date: '2026-02-25', distance_meters: 7000 });
    expect(await writeWeeklyMemories(t.deps, t.clock.now(), { userIds: [user.id], claude: null })).toMatchObject({ written: 1 });
    const journal = await call(t.app, 'GET', '/api/journal?week=2026-02-23', { cookie });
    expect(journal.json).toMatchObject({ stats: { runs: 1, distance_meters: 7000 }, narrative: { source: 'computed' } });
  });
});
