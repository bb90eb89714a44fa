import { readFile } from 'node:fs/promises';
import { Decoder, Stream } from '@garmin/fitsdk';
import type { Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createInvite } from '../../server/accounts/users.ts';
import { chromiumPath } from '../../server/test/requirements.ts';
import { accessibilityProblems, SCREENSHOT_DIR, useAppInChromium, waitForServiceWorker } from './support.ts';

const executable = await chromiumPath('browser app walkthrough');

/** Screenshot plus axe-core: no serious or critical violation on the screen. */
async function checkScreen(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOT_DIR}/app-${name}.png`, fullPage: true });
  expect((await accessibilityProblems(page)).map((problem) => `${name}: ${problem}`)).toEqual([]);
}

describe.skipIf(!executable)('the app, from invite to an offline workout', () => {
  const app = useAppInChromium(executable!);

  it('onboards, builds a plan, and edits, completes and exports a workout offline that then syncs', async () => {
    const { code } = await createInvite(app.server.deps.db, { now: new Date() });
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(app.server.publicUrl);
    await waitForServiceWorker(page);

    // Onboarding: account, profile (in km, paces from a recent race), first goal, plan.
    await page.getByRole('link', { name: 'Get started' }).click();
    await checkScreen(page, 'onboarding-account');
    await page.getByLabel('Invite code').fill(code);
    await page.getByLabel('Name').fill('Ines');
    await page.getByLabel('E-mail').fill(`ines-${code}@example.com`);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'How you run today' }).waitFor();
    await page.getByLabel('Kilometres').check();
    await page.getByLabel('Weekly distance now (km)').fill('40');
    await page.getByLabel('Days you can run per week').selectOption('5');
    await page.getByLabel('A recent race').check();
    await page.getByLabel('Race distance').selectOption('10000');
    await page.getByLabel('Your time (h:mm:ss or mm:ss)').fill('52:00');
    await checkScreen(page, 'onboarding-profile');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Your first goal' }).waitFor();
    const raceDate = new Date(Date.now() + 84 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Race distance').selectOption('21097.5');
    await page.getByLabel('Race date').fill(raceDate);
    await checkScreen(page, 'onboarding-goal');
    await page.getByRole('button', { name: 'Save goal and build my plan' }).click();
    await page.waitForURL(`${app.server.publicUrl}/`, { timeout: 60_000 });

    // Today: the next workout, this week's progress, the sync state; distances in km only.
    await page.getByRole('heading', { name: 'Up next' }).waitFor();
    await page.getByText('All changes synced').waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/\bmi\b|\/mi/);
    await checkScreen(page, 'today');

    await page.getByRole('link', { name: 'Plan', exact: true }).click();
    await page.getByRole('heading', { name: /Volume per week/ }).waitFor();
    await checkScreen(page, 'plan');

    await page.getByRole('link', { name: 'Today', exact: true }).click();
    await page.getByRole('heading', { name: 'Up next' }).locator('..').getByRole('link').click();
    await page.waitForURL(/\/workouts\//);
    const workoutId = page.url().split('/').pop()!;
    const title = await page.getByRole('heading', { level: 1 }).innerText();
    await page.getByRole('button', { name: 'Download .FIT' }).waitFor();
    await checkScreen(page, 'workout');

    // Offline: a cold reload is served by the service worker, and the screens read the phone's own data.
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('link', { name: 'Today', exact: true }).click();
    await page.getByRole('heading', { name: 'Up next' }).locator('..').getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();

    // Edit the first segment and mark the workout done, offline.
    await page.getByRole('button', { name: 'Edit workout' }).click();
    await page.locator('#segments-0-end').selectOption('time');
    await page.locator('#segments-0-amount').fill('12:00');
    await page.getByLabel('Why (kept in the history, optional)').fill('Short on time');
    await checkScreen(page, 'workout-edit');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Workout saved.').waitFor();
    await page.getByLabel('How hard did it feel? (RPE 1–10)').selectOption('6');
    await page.getByLabel('Notes').fill('Legs fine');
    await page.getByRole('button', { name: 'Mark done' }).click();
    await page.getByText('Marked done. Nice work.').waitFor();
    await page.getByText('saved on this phone').first().waitFor();

    // Its .FIT is encoded on the phone: nothing goes to the network.
    const responses: Response[] = [];
    page.on('response', (response) => responses.push(response));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .FIT' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.fit$/);
    const bytes = new Uint8Array(await readFile((await download.path())!));
    expect(new Decoder(Stream.fromByteArray(Array.from(bytes))).checkIntegrity()).toBe(true);
    expect(responses.filter((r) => !r.fromServiceWorker()).map((r) => r.url())).toEqual([]);
    await checkScreen(page, 'workout-offline');

    // Back online: the changes reach the app.server.
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(
        async () =>
          (await (await page.request.get(`${app.server.publicUrl}/api/workouts/${workoutId}`)).json()) as {
            workout: { status: string; rpe: number | null; structure: { segments: { duration_seconds?: number }[] } };
          },
        { timeout: 30_000, interval: 500 },
      )
      // The edited first step; the workout's other steps (the engine's session shape) stay.
      .toMatchObject({
        workout: { status: 'completed', rpe: 6, structure: { segments: expect.arrayContaining([expect.objectContaining({ duration_seconds: 720 })]) } },
      });
    const edits = (await (await page.request.get(`${app.server.publicUrl}/api/workouts/${workoutId}/edits`)).json()) as {
      edits: { field: string; edit_reason: string | null; edited_by: string }[];
    };
    expect(edits.edits).toContainEqual(expect.objectContaining({ field: 'structure', edit_reason: 'Short on time', edited_by: 'user' }));
    await page.getByText('Short on time', { exact: false }).waitFor();

    await page.getByRole('link', { name: 'Goals', exact: true }).click();
    await page.getByRole('heading', { name: 'Your goals' }).waitFor();
    await checkScreen(page, 'goals');
    await context.close();
  });
});
