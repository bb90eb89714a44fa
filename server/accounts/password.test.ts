import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, call, sessionCookie, signUp, useTestApp } from '../test/harness.ts';
import { startSmtpStandin, type SmtpStandin } from '../test/smtp-standin.ts';
import { RESET_REQUESTED } from './password-routes.ts';

// Password reset by an e-mailed link (a real SMTP server on 127.0.0.1), change of password and
// of e-mail, all through the API.

const env: Record<string, string> = { EMAIL_FROM: 'coach@runcoach.test' };
let smtp: SmtpStandin;
beforeAll(async () => {
  smtp = await startSmtpStandin();
  env.SMTP_URL = smtp.url;
});
afterAll(async () => {
  await smtp.close();
});
const t = useTestApp(env);

const MINUTE = 60 * 1000;

/** The token of the newest reset link in the stand-in's inbox for `email`. */
async function linkFor(email: string, count: number): Promise<string> {
  const mails = await smtp.waitForMessages(count, 10_000);
  const mail = mails.filter((m) => m.envelopeTo.includes(email)).at(-1)!;
  expect(mail.subject).toBe('Reset your RunCoach password');
  const match = /http:\/\/localhost:8787\/reset-password#token=([\w.-]+)/.exec(mail.text);
  expect(match).not.toBeNull();
  return match![1]!;
}

const signIn = (email: string, password: string) => call(t.app, 'POST', '/api/auth/login', { body: { email, password } });

describe('password reset by e-mail', () => {
  it('mails a single-use link that sets a new password, ends every session and signs this browser in', async () => {
    const { user, cookie, password } = await signUp(t);
    const before = smtp.messages.length;
    const asked = await call(t.app, 'POST', '/api/auth/password/reset-request', { body: { email: user.email.toUpperCase() } });
    expect(asked.status).toBe(202);
    expect(asked.json.message).toBe(RESET_REQUESTED);
    const token = await linkFor(user.email, before + 1);

    const reset = await call(t.app, 'POST', '/api/auth/password/reset', { body: { token, password: 'a brand new password' } });
    expect(reset.status).toBe(200);
    expect(reset.json.user.email).toBe(user.email);
    const fresh = sessionCookie(reset.headers)!;
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie: fresh })).status).toBe(200);
    // The old session ended with the old password; the old password no longer signs in.
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect((await signIn(user.email, password)).status).toBe(401);
    expect((await signIn(user.email, 'a brand new password')).status).toBe(200);

    // Single use: the same link again is refused, and changes nothing.
    const again = await call(t.app, 'POST', '/api/auth/password/reset', { body: { token, password: 'yet another password' } });
    expect(again.status).toBe(400);
    expect(again.json.error.code).toBe('reset_link_invalid');
    expect((await signIn(user.email, 'a brand new password')).status).toBe(200);
  });

  it('answers an unknown e-mail exactly as a known one, and mails nobody', async () => {
    const before = smtp.messages.length;
    const unknown = await call(t.app, 'POST', '/api/auth/password/reset-request', { body: { email: 'nobody-here@example.com' } });
    expect(unknown.status).toBe(202);
    expect(unknown.json).toEqual({ message: RESET_REQUESTED });
    const { user } = await signUp(t);
    await call(t.app, 'POST', '/api/auth/password/reset-request', { body: { email: user.email } });
    await smtp.waitForMessages(before + 1, 10_000);
    expect(smtp.messages.slice(before).map((m) => m.envelopeTo)).toEqual([[user.email]]);
  });

  it('refuses an expired link, a forged one and one for an address that since changed', async () => {
    const { user, cookie, password } = await signUp(t);
    const before = smtp.messages.length;
    await call(t.app, 'POST', '/api/auth/password/reset-request', { body: { email: user.email } });
    const token = await linkFor(user.email, before + 1);
    const [id, expires, mac] = token.split('.');
    const forged = `${id}.${Number(expires) + 3600}.${mac}`;
    expect((await call(t.app, 'POST', '/api/auth/password/reset', { body: { token: forged, password: 'a brand new password' } })).status).toBe(400);

    const moved = await call(t.app, 'POST', '/api/auth/email', { cookie, body: { email: `moved-${user.email}`, password } });
    expect(moved.status).toBe(200);
    const stale = await call(t.app, 'POST', '/api/auth/password/reset', { body: { token, password: 'a brand new password' } });
    expect(stale.json.error.code).toBe('reset_link_invalid');

    await call(t.app, 'POST', '/api/auth/password/reset-request', { body: { email: `moved-${user.email}` } });
    const second = await linkFor(`moved-${user.email}`, before + 2);
    t.clock.advance(61 * MINUTE);
    const late = await call(t.app, 'POST', '/api/auth/password/reset', { body: { token: second, password: 'a brand new password' } });
    expect(late.json.error.code).toBe('reset_link_invalid');
    expect((await signIn(`moved-${user.email}`, password)).status).toBe(200);
  });

  it('says "too many" after 3 requests for one e-mail in an hour, for unknown e-mails alike', async () => {
    t.clock.advance(61 * MINUTE);
    for (const email of ['throttled-known@example.com', 'throttled-unknown@example.com']) {
      if (email.includes('known@')) await signUp(t, { email });
      for (let i = 0; i < 3; i++) {
        expect((await call(t.app, 'POST', '/api/auth/password/reset-request', { body: { email } })).status).toBe(202);
      }
      const fourth = await call(t.app, 'POST', '/api/auth/password/reset-request', { body: { email } });
      expect(fourth.status).toBe(429);
      expect(fourth.json.error.message).toMatch(/Too many reset requests/);
    }
    t.clock.advance(61 * MINUTE);
  });

  it('without an e-mail channel, says to ask the operator (the same for every e-mail)', async () => {
    const noMail = buildTestApp({ db: t.deps.db, kind: t.deps.dbKind });
    const { user } = await signUp(noMail);
    for (const email of [user.email, 'nobody@example.com']) {
      const res = await call(noMail.app, 'POST', '/api/auth/password/reset-request', { body: { email } });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('password_reset_unavailable');
    }
  });
});

describe('changing the password and the e-mail', () => {
  it('needs the current password, then ends every other session and keeps this one', async () => {
    const { user, cookie, password } = await signUp(t);
    const other = sessionCookie((await signIn(user.email, password)).headers)!;

    const wrong = await call(t.app, 'POST', '/api/auth/password', {
      cookie,
      body: { current_password: 'not my password', new_password: 'a new long password' },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.message).toBe('That is not your current password; it was not changed.');
    const short = await call(t.app, 'POST', '/api/auth/password', { cookie, body: { current_password: password, new_password: 'short' } });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.json.error.issues)).toMatch(/new_password/);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie: other })).status).toBe(200);

    const changed = await call(t.app, 'POST', '/api/auth/password', { cookie, body: { current_password: password, new_password: 'a new long password' } });
    expect(changed.status).toBe(200);
    expect(changed.json.sessions_ended).toBe(1);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie: other })).status).toBe(401);
    expect((await signIn(user.email, 'a new long password')).status).toBe(200);
  });

  it('changes the e-mail with the password, refuses one another account has, and needs a session', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const wrong = await call(t.app, 'POST', '/api/auth/email', { cookie: a.cookie, body: { email: 'new-a@example.com', password: 'wrong password' } });
    expect(wrong.status).toBe(403);
    const taken = await call(t.app, 'POST', '/api/auth/email', { cookie: a.cookie, body: { email: b.user.email, password: a.password } });
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe('email_taken');
    const bad = await call(t.app, 'POST', '/api/auth/email', { cookie: a.cookie, body: { email: 'not an address', password: a.password } });
    expect(bad.status).toBe(400);
    const moved = await call(t.app, 'POST', '/api/auth/email', { cookie: a.cookie, body: { email: ' New-A@Example.com ', password: a.password } });
    expect(moved.json.user.email).toBe('new-a@example.com');
    expect((await signIn('new-a@example.com', a.password)).status).toBe(200);
    expect((await signIn(a.user.email, a.password)).status).toBe(401);
    expect((await call(t.app, 'POST', '/api/auth/email', { body: { email: 'x@example.com', password: 'x' } })).status).toBe(401);
  });

  it('stops guessing the current password after 5 wrong ones', async () => {
    const { cookie, password } = await signUp(t);
    for (let i = 0; i < 5; i++) {
      await call(t.app, 'POST', '/api/auth/password', { cookie, body: { current_password: `guess ${i}`, new_password: 'a new long password' } });
    }
    const blocked = await call(t.app, 'POST', '/api/auth/password', { cookie, body: { current_password: password, new_password: 'a new long password' } });
    expect(blocked.status).toBe(429);
  });
});
