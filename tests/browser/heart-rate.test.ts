import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../../server/test/requirements.ts';
import { accessibilityProblems, openSignedIn, SCREENSHOT_DIR, seedRunnerWithPlan, useAppInChromium } from './support.ts';

// Issues 17 and 23 §1–2 in the browser: the runner types their max and resting heart rate on the
// Profile screen (a wrong value is named beside its box, nothing is saved), and their workout
// then shows threshold as 151–158 bpm for max 170 / rest 50, where a typical runner gets 165–173.

const executable = await chromiumPath('browser heart rate');

describe.skipIf(!executable)('heart rate and training load on the Profile screen', () => {
  const app = useAppInChromium(executable!);

  it('saves max and resting heart rate, refusing max 300 by name, and the workout shows the runner’s bands', async () => {
    const { cookie, call, workouts } = await seedRunnerWithPlan(app.server, 'Hana', { target_type: 'heart_rate' });
    const easy = workouts.find((w) => w.workout_type === 'easy')!;
    await call('PATCH', `/workouts/${easy.id}`, {
      workout_type: 'tempo',
      structure: { segments: [{ type: 'steady', duration_seconds: 1200, pace_target: 'threshold' }] },
    });

    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/profile');
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    try {
      await page.getByRole('group', { name: 'Heart rate and training load' }).waitFor();
      await expect.poll(() => page.getByLabel('Fitness over (days)').inputValue()).toBe('42');
      await page.getByLabel('Max heart rate (bpm)').fill('300');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('alert').filter({ hasText: 'Max heart rate is between 120 and 230 beats per minute' }).waitFor();
      expect((await call<{ profile: { max_heart_rate: number | null } }>('GET', '/profile')).profile.max_heart_rate).toBeNull();

      await page.getByLabel('Max heart rate (bpm)').fill('170');
      await page.getByLabel('Resting heart rate (bpm)').fill('50');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
      expect((await call<{ profile: Record<string, unknown> }>('GET', '/profile')).profile).toMatchObject({
        max_heart_rate: 170,
        resting_heart_rate: 50,
        ctl_days: 42,
        atl_days: 7,
      });
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/profile-heart-rate.png`, fullPage: true });

      await page.goto(`${app.server.publicUrl}/workouts/${easy.id}`);
      await expect.poll(() => page.locator('main').textContent(), { timeout: 15_000 }).toContain('151–158 bpm');
      expect(await page.locator('main').textContent()).not.toContain('165–173 bpm');
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
