import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '../../server/accounts/users.ts';
import type { RunningServer } from '../../server/server.ts';
import { chromiumPath } from '../../server/test/requirements.ts';
import { buildPwa, launchChromium, SCREENSHOT_DIR, startAppServer } from './support.ts';

const executable = await chromiumPath('browser sign-up');

describe.skipIf(!executable)('signing up in the browser', () => {
  let browser: Browser;
  let server: RunningServer & { publicUrl: string };

  beforeAll(async () => {
    const staticDir = await buildPwa();
    server = await startAppServer(staticDir);
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs up at /signup through the whole onboarding (profile, goal, plan), refusing a half marathon on 2 days, then reaches the profile from Settings', async () => {
    const { code } = await createInvite(server.deps.db, { now: new Date() });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));

    // The README's /signup is the landing page's "Get started": one sign-up (issue 18 §9).
    await page.goto(`${server.publicUrl}/signup`);
    await page.waitForURL('**/onboarding');
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Invite code').fill(code);
    await page.getByLabel('Name').fill('Paula');
    await page.getByLabel('E-mail').fill('paula@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('at least 10 characters');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/signup-error.png` });

    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'How you run today' }).waitFor();
    await expect.poll(() => page.getByLabel('Time zone').inputValue()).toBe('Europe/Paris');

    await page.getByText('Kilometres').click();
    await page.getByLabel(/Weekly distance now/).fill('40');
    await page.getByLabel('Days you can run per week').selectOption('2');
    await page.getByLabel(/Easy pace/).fill('6:00');
    await page.getByRole('button', { name: 'Continue' }).click();

    // A half marathon on 2 days a week is refused before anything is saved, with the rule.
    await page.getByLabel('Race distance').selectOption({ label: 'Half marathon' });
    await page.getByLabel('Race date').fill('2027-03-14');
    await page.getByRole('button', { name: 'Save goal and build my plan' }).click();
    await expect
      .poll(() => page.locator('#goal_distance-error').textContent())
      .toContain('A half marathon needs at least 3 running days a week, so the long run is not your whole week; you said 2.');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/onboarding-too-few-days.png` });
    const goalsSoFar = await page.evaluate(async () => (await (await fetch('/api/goals')).json()).goals.length);
    expect(goalsSoFar).toBe(0);
    await page.getByRole('button', { name: 'Change my running days' }).click();
    await page.getByLabel('Days you can run per week').selectOption('4');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Race distance').selectOption({ label: 'Half marathon' });
    await page.getByLabel('Race date').fill('2027-03-14');
    await page.getByRole('button', { name: 'Save goal and build my plan' }).click();
    // The plan is built and the runner lands on Today.
    await page.waitForURL((url) => url.pathname === '/', { timeout: 90_000 });
    const plans = await page.evaluate(async () => (await (await fetch('/api/plans')).json()).plans);
    expect(plans).toHaveLength(1);

    // Stored in the seed's units: 40 km ≈ 24.855 mi, 6:00/km ≈ 579 s/mi.
    const me = await page.evaluate(async () => (await fetch('/api/profile')).json());
    expect(me.profile).toMatchObject({ units: 'km', days_available_per_week: 4, easy_pace_per_mile_seconds: 579 });
    expect(me.profile.current_weekly_mileage_miles).toBeCloseTo(24.855, 3);

    // The running profile stays reachable: Settings sums it up in km and links to its form.
    await page.getByRole('link', { name: 'Settings' }).first().click();
    const summary = page.getByTestId('profile-summary');
    await expect.poll(() => summary.textContent()).toContain('6:00/km');
    expect(await summary.textContent()).toContain('40.0 km');
    expect(await summary.textContent()).toContain('4 a week');
    await page.getByRole('link', { name: 'Edit running profile' }).click();
    await page.waitForURL('**/profile');
    await page.getByRole('heading', { name: 'Your running profile' }).waitFor();
    await expect.poll(() => page.getByLabel(/Current weekly distance/).inputValue()).toBe('40');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/profile.png`, fullPage: true });

    await page.goto(`${server.publicUrl}/`);
    const deviceDatabases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
    const userId = me.profile.user_id as string;
    await expect.poll(deviceDatabases).toContainEqual(expect.stringContaining(userId));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin');
    const after = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(after).toBe(401);
    // Everything synced, so nothing of the runner stays on the phone (issue 15, L6).
    await expect.poll(deviceDatabases).not.toContainEqual(expect.stringContaining(userId));
    expect(failures).toEqual([]);
    await context.close();
  });
});
