import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { chromiumPath } from '../../server/test/requirements.ts';
import { startSmtpStandin, type SmtpStandin } from '../../server/test/smtp-standin.ts';
import { accessibilityProblems, buildPwa, launchChromium, openSignedIn, registerRunner, SCREENSHOT_DIR, startConfiguredServer } from './support.ts';

// Forgot password, as a runner on a phone: sign-in page → ask for a link → the e-mail a real SMTP
// server received → the link → a new password; signed in, and the old password no longer works.

const executable = await chromiumPath('browser password reset');

describe.skipIf(!executable)('resetting a forgotten password in the browser', () => {
  let browser: Browser;
  let server: RunningServer & { publicUrl: string };
  let smtp: SmtpStandin;

  beforeAll(async () => {
    smtp = await startSmtpStandin();
    server = await startConfiguredServer(await buildPwa(), { SMTP_URL: smtp.url, EMAIL_FROM: 'coach@runcoach.test' });
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('mails a link that sets a new password and signs the runner in; the link then no longer works', async () => {
    const cookie = await registerRunner(server, 'Reset');
    const me = await (await fetch(`${server.publicUrl}/api/auth/me`, { headers: { cookie } })).json();
    const email = me.user.email as string;

    const { context, page } = await openSignedIn(browser, server.publicUrl, null, '/signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL('**/reset-password');
    await page.getByLabel('E-mail').fill(email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('status').filter({ hasText: 'a link to reset its password is on its way' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);

    const [mail] = await smtp.waitForMessages(1, 15_000);
    expect(mail!.envelopeTo).toEqual([email]);
    const link = /http:\/\/localhost:\d+\/reset-password#token=[\w.-]+/.exec(mail!.text)![0];

    // The e-mail's link opens afresh, as from a mail app.
    await page.close();
    const linkPage = await context.newPage();
    await linkPage.goto(link);
    await linkPage.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // The token leaves the address bar as soon as the page has read it.
    expect(new URL(linkPage.url()).hash).toBe('');
    await linkPage.getByLabel('New password').fill('short');
    await linkPage.getByRole('button', { name: 'Set new password' }).click();
    await expect.poll(() => linkPage.locator('#new-password-error').textContent()).toContain('at least 10 characters');
    await linkPage.screenshot({ path: `${SCREENSHOT_DIR}/reset-password.png` });
    expect(await accessibilityProblems(linkPage)).toEqual([]);

    await linkPage.getByLabel('New password').fill('my brand new password');
    await linkPage.getByRole('button', { name: 'Set new password' }).click();
    await linkPage.waitForURL((url) => url.pathname === '/');
    expect(await linkPage.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(200);

    // The old session ended; the old password is refused and the new one accepted.
    expect((await fetch(`${server.publicUrl}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
    const signIn = (password: string) =>
      fetch(`${server.publicUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
    expect((await signIn('a long enough password')).status).toBe(401);
    expect((await signIn('my brand new password')).status).toBe(200);

    // Used once: the same link again says so, where the runner tapped.
    await linkPage.goto(link);
    await linkPage.getByLabel('New password').fill('yet another password');
    await linkPage.getByRole('button', { name: 'Set new password' }).click();
    await expect.poll(() => linkPage.getByRole('alert').first().textContent()).toContain('expired or was already used');
    await context.close();
  });

  it('changes the password from Settings: a wrong current one is refused inside the form, then other devices are signed out', async () => {
    const cookie = await registerRunner(server, 'Change');
    const me = await (await fetch(`${server.publicUrl}/api/auth/me`, { headers: { cookie } })).json();
    const email = me.user.email as string;
    const other = await fetch(`${server.publicUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'a long enough password' }),
    });
    const otherCookie = other.headers.get('set-cookie')!.split(';')[0]!;

    const { context, page } = await openSignedIn(browser, server.publicUrl, cookie, '/settings');
    await page.getByRole('button', { name: 'Change password…' }).click();
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill('not my password at all');
    await form.getByLabel('New password').fill('my changed password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => form.getByRole('alert').first().textContent()).toBe('That is not your current password; it was not changed.');
    expect(await accessibilityProblems(page)).toEqual([]);

    await form.getByLabel('Current password').fill('a long enough password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed. You were signed out on 1 other device.' }).waitFor();
    expect((await fetch(`${server.publicUrl}/api/auth/me`, { headers: { cookie: otherCookie } })).status).toBe(401);
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(200);
    await context.close();
  });
});
