import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { writeWeeklyMemories } from './weekly-memory.ts';
import { chat, runnerWithPlan, seedRun, useCoachTest } from './testing.ts';
import { memoryId } from './memory-store.ts';
import { call } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';

// What the coach remembers: the weekly job writes it (numbers by us, narrative by Claude when
// configured), the runner reads, corrects and deletes it (REST and sync), and it goes back
// into the coach's context.

const c = useCoachTest();

const memories = async (cookie: string) => (await call(c.t.app, 'GET', '/api/memory', { cookie })).json.memories as any[];

/** A runner with last week (2026-02-23 to 03-01) on record: two runs from their watch and a chat message. */
async function lastWeek() {
  const runner = await runnerWithPlan(c.t);
  await seedRun(c.t, runner.user.id, {
    source: 'fit_upload',
    local_date: '2026-02-24',
    distance_meters: 8000,
    moving_time_seconds: 2880,
    average_heartrate: 145,
  });
  await seedRun(c.t, runner.user.id, { source: 'manual', local_date: '2026-02-28', distance_meters: 12_000, moving_time_seconds: 4500 });
  return runner;
}

describe('weekly memories', () => {
  it('writes the week with Claude’s narrative, injuries and preferences, once', async () => {
    const { cookie, user } = await lastWeek();
    c.standin.script({ type: 'text', text: 'Good luck!' });
    await chat(c.t, cookie, { message: 'My right knee aches after long runs; I like running before work.' }); // on 2026-03-02: this week
    c.t.clock.advance(7 * 86_400_000); // Monday 2026-03-09: last week is 03-02 to 03-08
    await seedRun(c.t, user.id, { source: 'fit_upload', local_date: '2026-03-03', distance_meters: 6000 });
    c.standin.requests.length = 0;
    c.standin.script({
      type: 'tool_use',
      name: 'weekly_memory',
      input: { narrative: 'You ran 6 km and mentioned a sore knee.', injuries: ['Right knee aches after long runs'], preferences: ['Runs before work'] },
    });
    const first = await writeWeeklyMemories(c.t.deps, c.t.clock.now(), { userIds: [user.id] });
    expect(first).toEqual({ users: 1, written: 3, narratives: 1 });
    const request = c.standin.requests[0]!.body;
    expect(request.tool_choice).toEqual({ type: 'tool', name: 'weekly_memory' });
    expect(JSON.stringify(request.messages)).toContain('My right knee aches');
    const rows = await memories(cookie);
    expect(rows.map((m) => [m.summary_type, m.content, m.source_date_range_start])).toEqual(
      expect.arrayContaining([
        ['training_week', 'You ran 6 km and mentioned a sore knee.', '2026-03-02'],
        ['injury', 'Right knee aches after long runs', '2026-03-02'],
        ['preference', 'Runs before work', '2026-03-02'],
      ]),
    );
    expect(rows.find((m) => m.summary_type === 'training_week').data).toMatchObject({
      source: 'coach',
      stats: { runs: 1, distance_meters: 6000 },
      strava_included: false,
    });
    // Idempotent: a second run (a retried job) writes nothing and asks nothing.
    c.standin.requests.length = 0;
    expect(await writeWeeklyMemories(c.t.deps, c.t.clock.now(), { userIds: [user.id] })).toEqual({ users: 1, written: 0, narratives: 0 });
    expect(c.standin.requests).toHaveLength(0);
    c.t.clock.advance(-7 * 86_400_000);
  });

  it('without Claude: computed numbers, and injury notes from the runner’s own words', async () => {
    const { cookie, user } = await lastWeek();
    await call(c.t.app, 'PUT', '/api/profile', { cookie, body: { injury_notes: null } });
    const result = await writeWeeklyMemories(c.t.deps, c.t.clock.now(), { userIds: [user.id], claude: null });
    expect(result).toMatchObject({ written: 1, narratives: 0 });
    const [week] = await memories(cookie);
    expect(week).toMatchObject({
      summary_type: 'training_week',
      source_date_range_start: '2026-02-23',
      source_date_range_end: '2026-03-01',
      data: { source: 'computed', stats: { runs: 2, distance_meters: 20_000 } },
    });
    expect(week.content).toMatch(/^2 runs, 20\.0 km in 2:03:00/);
  });

  it('the runner corrects and deletes memories; a deleted week is never written again', async () => {
    const { cookie, user } = await lastWeek();
    await writeWeeklyMemories(c.t.deps, c.t.clock.now(), { userIds: [user.id], claude: null });
    const [week] = await memories(cookie);
    const patched = await call(c.t.app, 'PATCH', `/api/memory/${week.id}`, { cookie, body: { content: 'Actually the second run was a race.' } });
    expect(patched.json.memory).toMatchObject({ content: 'Actually the second run was a race.', data: { edited_by_user: true } });
    expect((await call(c.t.app, 'PATCH', `/api/memory/${week.id}`, { cookie, body: { content: '' } })).status).toBe(400);
    expect((await call(c.t.app, 'DELETE', `/api/memory/${week.id}`, { cookie })).status).toBe(204);
    expect(await memories(cookie)).toEqual([]);
    expect(await writeWeeklyMemories(c.t.deps, c.t.clock.now(), { userIds: [user.id], claude: null })).toMatchObject({ written: 0 });
    expect(week.id).toBe(memoryId(user.id, 'training_week', '2026-02-23'));
  });

  it('memories go into the coach’s context; deleted ones do not', async () => {
    const { cookie, user } = await lastWeek();
    await writeWeeklyMemories(c.t.deps, c.t.clock.now(), { userIds: [user.id], claude: null });
    c.standin.script({ type: 'text', text: 'ok' }, { type: 'text', text: 'ok' });
    await chat(c.t, cookie, { message: 'How was last week?' });
    expect(c.standin.requests[0]!.body.system).toMatch(/Week of 2026-02-23: 2 runs, 20\.0 km/);
    const [week] = await memories(cookie);
    await call(c.t.app, 'DELETE', `/api/memory/${week.id}`, { cookie });
    await chat(c.t, cookie, { message: 'And now?' });
    expect(c.standin.requests[1]!.body.system).not.toContain('Week of 2026-02-23');
  });
});

describe('sync mutations', () => {
  it('memory.update@1, memory.delete@1 and chat.send@1 apply, and reach other devices', async () => {
    const { cookie, user } = await lastWeek();
    await writeWeeklyMemories(c.t.deps, c.t.clock.now(), { userIds: [user.id], claude: null });
    const [week] = await memories(cookie);
    const phone = new TestDevice(c.t.app, cookie, () => c.t.clock.now().getTime());
    const tablet = new TestDevice(c.t.app, cookie, () => c.t.clock.now().getTime());
    await tablet.pullAll();
    const messageId = randomUUID();
    const pushed = await phone.push([
      phone.mutation('memory.update', { id: week.id, set: { content: 'Corrected offline' } }),
      phone.mutation('chat.send', { id: messageId, content: 'Written on the train' }),
      phone.mutation('chat.send', { id: messageId, content: 'Written on the train' }),
      phone.mutation('memory.delete', { id: week.id }),
    ]);
    expect(pushed.json.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const seen = (await tablet.pullAll()).changes;
    expect(seen.find((ch) => ch.entity === 'user_memory_summaries').row).toMatchObject({ content: 'Corrected offline', deleted: true });
    expect(seen.filter((ch) => ch.entity === 'chat_messages').map((ch) => ch.row.content)).toEqual(['Written on the train']);
    // The reply comes once online: the phone asks with the same id, and the message is not stored twice.
    c.standin.script({ type: 'text', text: 'Welcome back.' });
    const res = await chat(c.t, cookie, { message: 'Written on the train', client_message_id: messageId });
    expect(res.events.at(-1)!.data.message.content).toBe('Welcome back.');
    const history = (await call(c.t.app, 'GET', '/api/chat/messages', { cookie })).json.messages;
    expect(history.map((m: { content: string }) => m.content)).toEqual(['Written on the train', 'Welcome back.']);
    // Someone else's message id is refused, not overwritten.
    const other = await runnerWithPlan(c.t);
    const intruder = new TestDevice(c.t.app, other.cookie, () => c.t.clock.now().getTime());
    const refused = await intruder.push([intruder.mutation('chat.send', { id: messageId, content: 'mine now' })]);
    expect(refused.json.results[0]).toMatchObject({ status: 'rejected', error: { code: 'id_taken' } });
  });
});
