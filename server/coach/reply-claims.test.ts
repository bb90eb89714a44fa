import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coachReplyClaims } from '../db/schema.ts';
import { claimReply, releaseReply, RENEW_EVERY_MS, renewWhileReplying, REPLY_LEASE_MS } from './reply-claims.ts';
import { chat, runnerWithPlan, startCoachTest, streamedText, type CoachTest } from './testing.ts';

// Issue 22: the one-reply-per-message guard lives in the database, so a retry that another
// instance is still answering gets a 409 wherever it lands, and a claim a crashed instance left
// behind expires instead of blocking the message for good.

let c: CoachTest;
beforeAll(async () => {
  c = await startCoachTest();
});
afterAll(async () => {
  await c.close();
});

describe('one coach reply per message, across instances', () => {
  it("renews the claim while the reply is written, so only a dead instance's claim runs out", async () => {
    const runner = await runnerWithPlan(c.t);
    const id = randomUUID();
    const start = c.t.clock.now();
    expect(await claimReply(c.t.deps.db, runner.user.id, id, start)).toBe(true);
    expect(await claimReply(c.t.deps.db, runner.user.id, id, start)).toBe(false);
    const later = new Date(start.getTime() + 60_000);
    const stop = renewWhileReplying(
      c.t.deps.db,
      id,
      () => later,
      (error) => {
        throw error;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, RENEW_EVERY_MS + 500));
    stop();
    const [claim] = await c.t.deps.db.select().from(coachReplyClaims).where(eq(coachReplyClaims.message_id, id));
    expect(claim!.claimed_until.getTime()).toBe(later.getTime() + REPLY_LEASE_MS);
    // Renewed: still held a full lease after the first one would have run out.
    expect(await claimReply(c.t.deps.db, runner.user.id, id, new Date(start.getTime() + REPLY_LEASE_MS + 1))).toBe(false);
    await releaseReply(c.t.deps.db, id);
    expect(await claimReply(c.t.deps.db, runner.user.id, id, start)).toBe(true);
  }, 20_000);

  it('answers 409 while another instance holds the claim, and answers once the claim has expired', async () => {
    const runner = await runnerWithPlan(c.t);
    const id = randomUUID();
    const now = c.t.clock.now();
    // Another instance is writing this reply right now.
    await c.t.deps.db.insert(coachReplyClaims).values({ message_id: id, user_id: runner.user.id, claimed_until: new Date(now.getTime() + REPLY_LEASE_MS) });
    const calls = c.standin.requests.length;
    const busy = await chat(c.t, runner.cookie, { message: 'How far on Sunday?', client_message_id: id });
    expect(busy.status).toBe(409);
    expect(busy.json.error.code).toBe('reply_in_progress');
    expect(c.standin.requests.length).toBe(calls);

    // That instance died mid-reply: once its lease has run out the message gets its answer.
    await c.t.deps.db
      .update(coachReplyClaims)
      .set({ claimed_until: new Date(now.getTime() - 1) })
      .where(eq(coachReplyClaims.message_id, id));
    c.standin.script({ type: 'text', text: 'Ten easy miles.' });
    const answered = await chat(c.t, runner.cookie, { message: 'How far on Sunday?', client_message_id: id });
    expect(answered.status).toBe(200);
    expect(streamedText(answered.events)).toBe('Ten easy miles.');
    expect(await c.t.deps.db.select().from(coachReplyClaims).where(eq(coachReplyClaims.message_id, id))).toEqual([]);

    // Asked again (a retry after a lost answer): the stored reply, not a second one.
    const before = c.standin.requests.length;
    const again = await chat(c.t, runner.cookie, { message: 'How far on Sunday?', client_message_id: id });
    expect(again.events.find((e) => e.event === 'start')!.data).toMatchObject({ message_id: id, replayed: true });
    expect(c.standin.requests.length).toBe(before);
  });
});
