import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../../server/test/requirements.ts';
import { fitRunFile, openSignedIn, registerRunner, seedRunnerWithPlan, useAppInChromium } from './support.ts';

const executable = await chromiumPath('browser week words');

// Issue 18 §7, §8, §11, §15 at 390×844: a miles runner's workout reads in miles, with a way back,
// "Mark done" only when it can be done and gone once it is; the bare 404 is the app's own page;
// a refused account deletion answers beside the button.
describe.skipIf(!executable)("a runner's week in their units and words (issue 18)", () => {
  const app = useAppInChromium(executable!);

  it('titles workouts in miles for a miles runner, offers Mark done from three days before, and hides it once done', async () => {
    const { cookie, workouts } = await seedRunnerWithPlan(app.server, 'Milo', { units: 'mi' });
    const today = new Date().toISOString().slice(0, 10);
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const later = workouts.find((w) => w.workout_type !== 'rest' && w.scheduled_date > inThreeDays)!;
    const soon = workouts.find((w) => w.workout_type !== 'rest' && w.scheduled_date <= inThreeDays && w.scheduled_date >= today);

    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, `/workouts/${later.id}`);
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor();
    expect(await heading.innerText()).toMatch(/\d mi\b|×/);
    expect(await heading.innerText()).not.toMatch(/\bkm\b/);
    await page.getByTestId('mark-done-later').waitFor();
    expect(await page.getByRole('button', { name: 'Mark done' }).count()).toBe(0);
    // The way back.
    await page.getByTestId('back-link').click();
    await page.getByRole('heading', { name: 'Your plan' }).waitFor();
    const week = page.locator('section[aria-labelledby="week-heading"] ul');
    await week.locator('a').first().waitFor();
    expect(await week.innerText()).not.toMatch(/\bkm\b/);

    if (soon) {
      await page.goto(`${app.server.publicUrl}/workouts/${soon.id}`);
      await page.getByRole('button', { name: 'Mark done' }).click();
      await page.getByTestId('completion-status').waitFor();
      const line = await page.getByTestId('completion-status').locator('..').innerText();
      expect(line).toMatch(/\S\s·\scompleted/i);
      expect(await page.getByRole('button', { name: 'Mark done' }).count()).toBe(0);
    }
    await context.close();
  });

  it('groups a run in the same week, with the same total, on Today, Activities and the Journal; a second upload of it says it is already there', async () => {
    const { cookie, call } = await seedRunnerWithPlan(app.server, 'Wendy', { units: 'mi' });
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/');
    const todayHeading = page.locator('#week-heading');
    await todayHeading.waitFor();
    const label = /· (.+)$/.exec(await todayHeading.innerText())![1]!.trim();
    expect(label).toMatch(/^\d+(–| \w{3} – )\d+ \w{3}$/);

    await page.getByRole('link', { name: 'Activities', exact: true }).click();
    const file = join(mkdtempSync(join(tmpdir(), 'runcoach-fit-')), 'run.fit');
    writeFileSync(file, fitRunFile(new Date(Date.now() - 3 * 3_600_000)));
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByText(/Added your run of \w{3} \d+ \w{3}\./).waitFor();
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByText(/This run is already here: .*Nothing was added\./).waitFor();
    const week = page.getByTestId('activities-week').first();
    await week.waitFor();
    const activitiesWeek = await week.innerText();
    expect(activitiesWeek).toContain(`Week of ${label}`);
    const total = /· ([\d.]+ mi)/.exec(activitiesWeek)![1]!;
    expect(await page.locator('section[aria-labelledby="list-heading"] li').count()).toBe(1);

    // The phone sends the run on its next sync; the journal is the server's.
    const today = new Date().toISOString().slice(0, 10);
    await expect.poll(async () => (await call<{ stats: { runs: number } }>('GET', `/journal?week=${today}`)).stats.runs, { timeout: 60_000 }).toBe(1);
    await page.goto(`${app.server.publicUrl}/journal`);
    await page.getByTestId('journal-week').waitFor();
    expect(await page.getByTestId('journal-week').innerText()).toBe(`Week of ${label}`);
    const distance = page.locator('dt', { hasText: 'Distance' }).locator('..');
    await expect.poll(() => distance.innerText()).toContain(total);
    await context.close();
  });

  it('onboarding words a km runner’s refusal in km, remembers its step across a reload, and goes Back', async () => {
    const cookie = await registerRunner(app.server, 'Kim');
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/onboarding');
    await page.getByRole('heading', { name: 'How you run today' }).waitFor();
    await page.getByLabel('Kilometres').check();
    await page.locator('#weekly_distance').fill('500');
    await page.locator('#easy_pace').fill('5:45');
    await page.getByRole('button', { name: 'Continue' }).click();
    const refusal = page.getByText(/must be at most \d+ km a week/).first();
    await refusal.waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/miles a week|current_weekly_mileage_miles|Too big/);

    await page.locator('#weekly_distance').fill('40');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Your first goal' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Your first goal' }).waitFor();
    await page.getByTestId('onboarding-back').click();
    await page.getByRole('heading', { name: 'How you run today' }).waitFor();
    await context.close();
  });

  it("answers an unknown address with the app's own page and a way home", async () => {
    const { cookie } = await seedRunnerWithPlan(app.server, 'Nora');
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/no-such-screen');
    await page.getByRole('heading', { name: 'This page is not here' }).waitFor();
    await page.getByRole('link', { name: 'Go to Today' }).click();
    await page.waitForURL(`${app.server.publicUrl}/`);
    await context.close();
  });

  it('shows a refused account deletion next to the button, in view and announced', async () => {
    const { cookie } = await seedRunnerWithPlan(app.server, 'Dag');
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/settings');
    await page.getByRole('button', { name: 'Delete account…' }).click();
    await page.getByLabel('Your password, to confirm').fill('not my password at all');
    await page.getByRole('button', { name: 'Delete for good' }).click();
    const error = page.getByTestId('account-error');
    await error.waitFor();
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await error.innerText()).not.toBe('');
    // Inside the account section, beside the button, and on screen.
    expect(await page.locator('section[aria-labelledby="account-heading"] [data-testid="account-error"]').count()).toBe(1);
    await expect.poll(() => error.evaluate((el) => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);
    await context.close();
  });
});
