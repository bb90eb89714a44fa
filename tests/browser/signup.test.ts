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

  it('creates an account with an invite code, saves a profile, survives a reload and signs out', async () => {
    const { code } = await createInvite(server.deps.db, { now: new Date() });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));

    await page.goto(`${server.publicUrl}/signup`);
    await page.getByLabel('Invite code').fill(code);
    await page.getByLabel('Name').fill('Paula');
    await page.getByLabel('E-mail').fill('paula@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('at least 10 characters');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/signup-error.png` });

    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/profile');
    await page.getByRole('heading', { name: 'Your running profile' }).waitFor();
    await expect.poll(() => page.getByLabel('Time zone').inputValue()).toBe('Europe/Paris');

    await page.getByText('Kilometres').click();
    await page.getByLabel(/Current weekly distance/).fill('40');
    await page.getByLabel('Days you can run per week').selectOption('5');
    await page.getByLabel(/Easy pace/).fill('6:00');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/profile.png`, fullPage: true });

    // Stored in the seed's units: 40 km ≈ 24.855 mi, 6:00/km ≈ 579 s/mi.
    const me = await page.evaluate(async () => (await fetch('/api/profile')).json());
    expect(me.profile).toMatchObject({ units: 'km', days_available_per_week: 5, easy_pace_per_mile_seconds: 579 });
    expect(me.profile.current_weekly_mileage_miles).toBeCloseTo(24.855, 3);

    await page.reload();
    await expect.poll(() => page.getByLabel(/Current weekly distance/).inputValue()).toBe('40');

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
