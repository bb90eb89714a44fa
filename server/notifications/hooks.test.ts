import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideProposal, proposeChange } from '../coach/proposals.ts';
import { notifications } from '../db/schema.ts';
import { insertUserMessage, storeReply } from '../coach/chat-store.ts';
import { call } from '../test/harness.ts';
import { PROPOSAL_NUDGE_MS } from './create.ts';
import { deliver } from './deliver.ts';
import { runner, startNotifyTest, type NotifyTest } from './testing.ts';

// The events that notify "as it happens": a goal flagged unrealistic, and a coach proposal left
// unanswered (after a grace period, and only while it is still pending). Strava's are in
// strava-hooks.test.ts.

let n: NotifyTest;
beforeAll(async () => {
  n = await startNotifyTest('smtp');
});
afterAll(async () => {
  await n.close();
});

const rowsOf = (userId: string) => n.t.deps.db.select().from(notifications).where(eq(notifications.user_id, userId));

describe('goal flagged unrealistic', () => {
  it('records one notification when the evaluation flags the goal, and e-mails it', async () => {
    const { cookie, user } = await runner(n.t, { workoutOn: null });
    await call(n.t.app, 'PUT', '/api/profile', {
      cookie,
      body: { current_weekly_mileage_miles: 15, days_available_per_week: 4, easy_pace_per_mile_seconds: 630 },
    });
    const goal = (
      await call(n.t.app, 'POST', '/api/goals', {
        cookie,
        body: { goal_type: 'race', title: 'Sub-3 marathon', target_race_distance_meters: 42195, target_race_date: '2026-05-11', target_time_seconds: 3 * 3600 },
      })
    ).json.goal;
    expect((await call(n.t.app, 'POST', `/api/goals/${goal.id}/evaluate`, { cookie })).json.goal.status).toBe('flagged_unrealistic');
    await call(n.t.app, 'POST', `/api/goals/${goal.id}/evaluate`, { cookie }); // still flagged: no second one
    const rows = await rowsOf(user.id);
    expect(rows).toEqual([
      expect.objectContaining({
        notification_type: 'goal_unrealistic',
        status: 'pending',
        subject: 'Your goal “Sub-3 marathon” looks out of reach',
        scheduled_for: n.t.clock.now(),
      }),
    ]);
    expect(await deliver(n.env, rows[0]!.id)).toBe('sent');
    const mail = n.smtp!.messages.at(-1)!;
    expect(mail.envelopeTo).toEqual([user.email]);
    expect(mail.text).toContain('3:00:00');
  });

  it('records nothing when the runner turned the kind off', async () => {
    const { cookie, user } = await runner(n.t, { workoutOn: null });
    await call(n.t.app, 'PUT', '/api/profile', {
      cookie,
      body: { current_weekly_mileage_miles: 15, days_available_per_week: 4, easy_pace_per_mile_seconds: 630 },
    });
    await call(n.t.app, 'PUT', '/api/notifications/preferences', { cookie, body: { goal_unrealistic: false } });
    const goal = (
      await call(n.t.app, 'POST', '/api/goals', {
        cookie,
        body: { goal_type: 'race', target_race_distance_meters: 42195, target_race_date: '2026-05-11', target_time_seconds: 3 * 3600 },
      })
    ).json.goal;
    expect((await call(n.t.app, 'POST', `/api/goals/${goal.id}/evaluate`, { cookie })).json.goal.status).toBe('flagged_unrealistic');
    expect(await rowsOf(user.id)).toEqual([]);
  });
});

describe('coach proposal waiting', () => {
  async function propose(userId: string, workoutId: string) {
    const env = { db: n.t.deps.db, userId, now: n.t.clock.now(), today: '2026-03-02', dataInAi: false };
    const outcome = await proposeChange(env, { kind: 'easy', workout_id: workoutId, reason: 'Your legs sounded tired.' });
    if (!outcome.ok) throw new Error(outcome.message);
    // The coach's reply with the proposal, as chat-reply.ts stores it.
    const messageId = randomUUID();
    await insertUserMessage(n.t.deps.db, userId, messageId, 'My legs are tired', n.t.clock.now(), randomUUID());
    await storeReply(
      n.t.deps.db,
      userId,
      messageId,
      { content: 'Let us make it easy.', metadata: { proposals: [outcome.proposal] }, contextSnapshot: null },
      n.t.clock.now(),
    );
    const [row] = (await rowsOf(userId)).filter(
      (r) => r.notification_type === 'coach_proposal' && (r.payload as { proposal_id: string }).proposal_id === outcome.proposal.id,
    );
    return { proposal: outcome.proposal, row: row! };
  }

  it('nudges after half an hour while the proposal is still pending', async () => {
    const { user, workoutId } = await runner(n.t, { workoutOn: '2026-03-04' });
    const { row } = await propose(user.id, workoutId!);
    expect(row.scheduled_for.getTime() - n.t.clock.now().getTime()).toBe(PROPOSAL_NUDGE_MS);
    expect(await deliver(n.env, row.id)).toBe('not_due');
    n.t.clock.advance(PROPOSAL_NUDGE_MS);
    expect(await deliver(n.env, row.id)).toBe('sent');
    expect(n.smtp!.messages.at(-1)!.text).toContain('Run easy instead of “Threshold 3 × 2 km” (2026-03-04): Your legs sounded tired.');
  });

  it('skips the nudge when the runner answered in the chat meanwhile', async () => {
    const { user, workoutId } = await runner(n.t, { workoutOn: '2026-03-05' });
    const { proposal, row } = await propose(user.id, workoutId!);
    await decideProposal(n.t.deps.db, user.id, proposal.id, 'reject', n.t.clock.now());
    n.t.clock.advance(PROPOSAL_NUDGE_MS);
    expect(await deliver(n.env, row.id)).toBe('skipped');
    expect((await rowsOf(user.id)).find((r) => r.id === row.id)).toMatchObject({ status: 'skipped', error: 'The proposal was already answered.' });
  });
});
