import { describe, expect, it } from 'vitest';
import { addDays } from '#shared/training/dates.ts';
import { chat, runnerWithPlan, useCoachTest } from './testing.ts';
import { call } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';

// The coach proposes, the runner decides: a proposal is guardrail-checked, stored with its
// chat message (so it syncs to the phone), and applied only on accept, as an edit by 'coach'.

const c = useCoachTest();

/** A runner, and the coach proposing `input` through the tool, then saying `text`. */
async function proposed(input: (workouts: any[]) => Record<string, unknown>) {
  const runner = await runnerWithPlan(c.t);
  c.standin.script(
    { type: 'tool_use', name: 'propose_change', input: input(runner.workouts), text: 'Here is a change.' },
    { type: 'text', text: 'Accept it if it suits you.' },
  );
  const res = await chat(c.t, runner.cookie, { message: 'My Tuesday is busy' });
  return { ...runner, res, toolResult: c.standin.requests[1]?.body.messages.at(-1).content[0] };
}

const firstEasy = (workouts: any[]) => workouts.find((w) => w.workout_type === 'easy' && w.scheduled_date >= '2026-03-03');
const workout = async (cookie: string, id: string) => (await call(c.t.app, 'GET', `/api/workouts/${id}`, { cookie })).json.workout;
const edits = async (cookie: string, id: string) => (await call(c.t.app, 'GET', `/api/workouts/${id}/edits`, { cookie })).json.edits as any[];

describe('coach proposals', () => {
  it('accepting applies the change as an edit by the coach', async () => {
    let easy: any;
    const { res, cookie, toolResult } = await proposed((ws) => {
      easy = firstEasy(ws);
      return { kind: 'move', workout_id: easy.id, new_date: addDays(easy.scheduled_date, 1), reason: 'Tuesday is busy' };
    });
    const proposal = res.events.find((e) => e.event === 'proposal')!.data.proposal;
    expect(proposal).toMatchObject({
      status: 'pending',
      change: { kind: 'move' },
      diff: [{ workout_id: easy.id, fields: [{ field: 'scheduled_date', before: easy.scheduled_date, after: addDays(easy.scheduled_date, 1) }] }],
    });
    expect(JSON.parse(toolResult.content)).toMatchObject({ proposal_id: proposal.id });
    // Nothing changed yet, and the proposal travels with the chat message.
    expect((await workout(cookie, easy.id)).scheduled_date).toBe(easy.scheduled_date);
    const stored = res.events.at(-1)!.data.message;
    expect(stored.metadata.proposals).toEqual([proposal]);

    const accepted = await call(c.t.app, 'POST', `/api/coach/proposals/${proposal.id}/accept`, { cookie });
    expect(accepted.status).toBe(200);
    expect(accepted.json.proposal).toMatchObject({ id: proposal.id, status: 'accepted' });
    expect((await workout(cookie, easy.id)).scheduled_date).toBe(addDays(easy.scheduled_date, 1));
    expect(await edits(cookie, easy.id)).toEqual([
      expect.objectContaining({
        edited_by: 'coach',
        field: 'scheduled_date',
        new_value: addDays(easy.scheduled_date, 1),
        edit_reason: 'Coach: Tuesday is busy',
      }),
    ]);
    const history = (await call(c.t.app, 'GET', '/api/chat/messages', { cookie })).json.messages;
    expect(history.at(-1).metadata.proposals[0].status).toBe('accepted');
    // Accepting again is the same answer; rejecting now is a conflict.
    expect((await call(c.t.app, 'POST', `/api/coach/proposals/${proposal.id}/accept`, { cookie })).json.proposal.status).toBe('accepted');
    expect((await call(c.t.app, 'POST', `/api/coach/proposals/${proposal.id}/reject`, { cookie })).status).toBe(409);
  });

  it('the proposal and its decision reach the phone through sync', async () => {
    const { res, cookie } = await proposed((ws) => ({ kind: 'shorten', workout_id: firstEasy(ws).id, fraction: 0.7, reason: 'Short on time' }));
    const phone = new TestDevice(c.t.app, cookie, () => c.t.clock.now().getTime());
    const pulled = (await phone.pullAll()).changes.filter((ch) => ch.entity === 'chat_messages' && ch.row.role === 'assistant');
    expect(pulled[0].row.metadata.proposals[0]).toMatchObject({ status: 'pending', change: { kind: 'shorten' } });
    const id = res.events.find((e) => e.event === 'proposal')!.data.proposal.id;
    await call(c.t.app, 'POST', `/api/coach/proposals/${id}/reject`, { cookie });
    const next = (await phone.pullAll()).changes.filter((ch) => ch.entity === 'chat_messages');
    expect(next[0].row.metadata.proposals[0].status).toBe('rejected');
  });

  it('rejecting changes nothing', async () => {
    const { res, cookie } = await proposed((ws) => ({ kind: 'shorten', workout_id: firstEasy(ws).id, fraction: 0.5, reason: 'Tired' }));
    const proposal = res.events.find((e) => e.event === 'proposal')!.data.proposal;
    const target = proposal.diff[0].workout_id;
    const before = await workout(cookie, target);
    const rejected = await call(c.t.app, 'POST', `/api/coach/proposals/${proposal.id}/reject`, { cookie });
    expect(rejected.json.proposal).toMatchObject({ status: 'rejected', decided_at: expect.any(String) });
    expect(await workout(cookie, target)).toEqual(before);
    expect(await edits(cookie, target)).toEqual([]);
  });

  it('refuses a change that would break a hard guardrail, and tells the coach why', async () => {
    // Four running days a week: pulling a run from week 3 into a free day of week 2 makes five.
    let moved: any;
    const { res, cookie, toolResult } = await proposed((ws) => {
      const week = ws.filter((w: any) => w.week_index === 1);
      const used = new Set(week.map((w: any) => w.scheduled_date));
      const free = [1, 2, 3, 4, 5, 6].map((d) => addDays(week[0].scheduled_date, d)).find((d) => !used.has(d))!;
      moved = ws.find((w: any) => w.week_index === 2 && w.workout_type === 'easy');
      expect(week).toHaveLength(4);
      return { kind: 'move', workout_id: moved.id, new_date: free, reason: 'More running this week' };
    });
    expect(res.events.some((e) => e.event === 'proposal')).toBe(false);
    expect(toolResult).toMatchObject({ is_error: true });
    const error = JSON.parse(toolResult.content);
    expect(error.error).toBe('guardrail_violation');
    expect(error.violations.map((v: { rule: string }) => v.rule)).toContain('days_available');
    expect(res.events.at(-1)!.data.message.metadata.proposals).toBeUndefined();
    expect((await workout(cookie, moved.id)).scheduled_date).toBe(moved.scheduled_date);
  });

  it('a proposal overtaken by the runner’s own edit is stale', async () => {
    let easy: any;
    const { res, cookie } = await proposed((ws) => {
      easy = firstEasy(ws);
      return { kind: 'rest', workout_id: easy.id, reason: 'Rest' };
    });
    const proposal = res.events.find((e) => e.event === 'proposal')!.data.proposal;
    c.t.clock.advance(1000);
    await call(c.t.app, 'PATCH', `/api/workouts/${easy.id}`, { cookie, body: { notes: 'I will run it after all' } });
    const accepted = await call(c.t.app, 'POST', `/api/coach/proposals/${proposal.id}/accept`, { cookie });
    expect(accepted.status).toBe(409);
    expect(accepted.json.error.code).toBe('proposal_stale');
    expect((await workout(cookie, easy.id)).notes).toBe('I will run it after all');
  });
});
