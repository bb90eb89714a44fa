import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../../server/test/requirements.ts';
import { openSignedIn, seedRunnerWithPlan, useAppInChromium } from './support.ts';

const executable = await chromiumPath('browser sign-out and account deletion on the device');

describe.skipIf(!executable)("leaving the phone: the runner's database goes, and the app says so (issue 18 §12)", () => {
  const app = useAppInChromium(executable!);
  const REMOVED = "This phone's copy of your data was removed.";

  it('signing out and deleting the account remove the database and say so', async () => {
    const first = await seedRunnerWithPlan(app.server, 'Una');
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, first.cookie, '/');
    const deviceDatabases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
    await page.getByText('All changes synced').waitFor();
    const before = await deviceDatabases();
    expect(before.some((name) => name.startsWith('runcoach-'))).toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.waitForURL('**/signin');
    await page.getByRole('status').filter({ hasText: REMOVED }).waitFor();
    await expect.poll(async () => (await deviceDatabases()).filter((name) => name.startsWith('runcoach-'))).toEqual([]);

    // Another runner deletes their account from Settings.
    const second = await seedRunnerWithPlan(app.server, 'Vik');
    await context.addCookies([{ name: 'rc_session', value: second.cookie.split('=')[1]!, url: app.server.publicUrl }]);
    await page.goto(`${app.server.publicUrl}/settings`);
    await page.getByRole('button', { name: 'Delete account…' }).click();
    await page.getByLabel('Your password, to confirm').fill('a long enough password');
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.waitForURL('**/signin');
    await page.getByRole('status').filter({ hasText: REMOVED }).waitFor();
    await expect.poll(async () => (await deviceDatabases()).filter((name) => name.startsWith('runcoach-'))).toEqual([]);
    await context.close();
  });

  it('warns before signing out with changes the server has not got, and keeps them on the phone', async () => {
    const { cookie, workouts } = await seedRunnerWithPlan(app.server, 'Wen');
    const workout = workouts.find((w) => w.workout_type !== 'rest')!;
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, `/workouts/${workout.id}`);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => dialogs.push(dialog.message()));
    await page.getByRole('button', { name: 'Mark done' }).waitFor();
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Mark done' }).click();
    await page.getByText('Marked done. Nice work.').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.waitForURL('**/signin');
    expect(dialogs).toEqual([expect.stringMatching(/^1 change has not reached the server yet\..*Sign out anyway\?$/)]);
    await page.getByRole('status').filter({ hasText: '1 change that has not reached the server yet stays on this phone' }).waitFor();
    const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
    expect(names.filter((name) => name.startsWith('runcoach-'))).toHaveLength(1);
    await context.setOffline(false);
    await context.close();
  });
});
