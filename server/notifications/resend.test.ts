import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, type DeliveryEnv } from './deliver.ts';
import { recordReminder, row, runner, startNotifyTest, type NotifyTest } from './testing.ts';

// Delivery through Resend's HTTP API, against a stand-in that keeps Resend's idempotency rules:
// one e-mail per notification through crashes and lost answers, 5xx and 429 retried with
// back-off, an invalid address (422) failed at once.

let n: NotifyTest;
beforeAll(async () => {
  n = await startNotifyTest('resend', { timeoutMs: 300 });
});
afterAll(async () => {
  await n.close();
});

describe('Resend delivery', () => {
  it('sends with the Idempotency-Key, the one-click unsubscribe headers and both bodies', async () => {
    const { user, workoutId } = await runner(n.t, { units: 'km' });
    const id = await recordReminder(n.t, user.id, workoutId!);
    expect(await deliver(n.env, id)).toBe('sent');
    const [email] = n.resend!.emails;
    expect(email).toMatchObject({
      idempotencyKey: `runcoach-notification/${id}`,
      from: 'RunCoach <coach@runcoach.test>',
      to: [user.email],
      subject: 'Tomorrow: Threshold 3 × 2 km (10.0 km)',
    });
    expect(email!.headers['List-Unsubscribe']).toMatch(/^<http:\/\/localhost:8787\/api\/notifications\/unsubscribe\?token=/);
    expect(email!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(email!.text).toContain('10.0 km');
    expect(email!.html).toContain('10.0 km');
    expect(await row(n.t, id)).toMatchObject({ status: 'sent', channel: 'resend', provider_response: `resend id ${email!.id}` });
  });

  it('retries a 500 and a 429 with back-off, then sends one e-mail', async () => {
    const { user, workoutId } = await runner(n.t);
    const id = await recordReminder(n.t, user.id, workoutId!);
    const before = n.resend!.emails.length;
    n.resend!.failNext(500, 'application_error', 'Something went wrong');
    n.resend!.failNext(429, 'rate_limit_exceeded', 'Too many requests');
    expect(await deliver(n.env, id)).toBe('retry_scheduled');
    expect((await row(n.t, id)).error).toMatch(/Resend had a problem \(500 application_error/);
    n.t.clock.advance(60_000);
    expect(await deliver(n.env, id)).toBe('retry_scheduled');
    n.t.clock.advance(120_000);
    expect(await deliver(n.env, id)).toBe('sent');
    expect(await row(n.t, id)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(n.resend!.emails.length - before).toBe(1);
  });

  it('fails an address Resend refuses (422) without retrying', async () => {
    const { user, workoutId } = await runner(n.t);
    n.resend!.badAddresses.add(user.email.toLowerCase());
    const id = await recordReminder(n.t, user.id, workoutId!);
    const requests = n.resend!.requests;
    expect(await deliver(n.env, id)).toBe('failed');
    expect((await row(n.t, id)).error).toMatch(/^Resend refused the e-mail \(422 validation_error: Invalid `to` field/);
    n.t.clock.advance(3600_000);
    expect(await deliver(n.env, id)).toBe('already_done');
    expect(n.resend!.requests - requests).toBe(1);
  });

  it('sends one e-mail when the server dies after Resend accepted, before the record', async () => {
    const { user, workoutId } = await runner(n.t);
    const id = await recordReminder(n.t, user.id, workoutId!);
    const before = n.resend!.emails.length;
    const crashing: DeliveryEnv = {
      ...n.env,
      afterSend: async () => {
        throw new Error('process killed');
      },
    };
    await expect(deliver(crashing, id)).rejects.toThrow('process killed');
    n.t.clock.advance(n.env.leaseMs);
    // The retry sends the same request again: Resend answers with the first e-mail's id.
    expect(await deliver(n.env, id)).toBe('sent');
    expect(n.resend!.emails.length - before).toBe(1);
    expect(n.resend!.requests).toBeGreaterThan(before + 1);
    expect((await row(n.t, id)).provider_response).toBe(`resend id ${n.resend!.emails.at(-1)!.id}`);
  });

  it('sends one e-mail when Resend’s answer is lost (timeout) and the attempt is retried', async () => {
    const { user, workoutId } = await runner(n.t);
    const id = await recordReminder(n.t, user.id, workoutId!);
    const before = n.resend!.emails.length;
    n.resend!.beforeAnswer = () => new Promise((resolve) => setTimeout(resolve, 600));
    expect(await deliver(n.env, id)).toBe('retry_scheduled');
    n.resend!.beforeAnswer = null;
    expect((await row(n.t, id)).error).toMatch(/No answer from Resend/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    n.t.clock.advance(60_000);
    expect(await deliver(n.env, id)).toBe('sent');
    expect(n.resend!.emails.length - before).toBe(1);
  });
});
