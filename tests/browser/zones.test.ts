import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeWorkout } from '../../shared/fit/decode.ts';
import { paceZones } from '../../shared/training/paces.ts';
import { paceRangeText } from '../../shared/training/target-text.ts';
import { vdotFromRace } from '../../shared/training/vdot.ts';
import { chromiumPath } from '../../server/test/requirements.ts';
import { accessibilityProblems, openSignedIn, SCREENSHOT_DIR, seedRunnerWithPlan, useAppInChromium } from './support.ts';

// Issue 17 §2 in the browser: a runner enters a recent half in 1:40:00 and max 178 / resting 52
// on the Profile screen; the Fitness screen's zones show their own paces (VDOT ≈ 45, from the
// race) and Karvonen bpm, and the .FIT the phone encodes carries the same pace and bpm targets.

const executable = await chromiumPath('browser zones');

const HALF = 21_097.5;
// Karvonen from 178/52 (reserve 126): threshold at 84–90% of the reserve.
const THRESHOLD_BPM = `${Math.round(52 + 0.84 * 126)}–${Math.round(52 + 0.9 * 126)} bpm`;

async function downloadFit(page: Page): Promise<Uint8Array> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .FIT' }).click()]);
  return new Uint8Array(await readFile((await download.path())!));
}

function threshold(bytes: Uint8Array) {
  const decoded = decodeWorkout(bytes);
  if (!decoded.ok) throw new Error('the downloaded .FIT does not decode');
  return decoded.workout.steps.map((step) => step.target).filter((target) => target && target.type !== 'open');
}

describe.skipIf(!executable)('the runner’s own zones, on screen and on the watch', () => {
  const app = useAppInChromium(executable!);

  it('a 1:40 half and 178/52 give VDOT ≈ 45 paces and Karvonen bpm on the zones screen and in the .FIT', async () => {
    const { cookie, call, workouts } = await seedRunnerWithPlan(app.server, 'Ines', { units: 'km', target_type: 'pace' });
    const easy = workouts.find((w) => w.workout_type === 'easy')!;
    await call('PATCH', `/workouts/${easy.id}`, {
      workout_type: 'tempo',
      structure: { segments: [{ type: 'steady', duration_seconds: 1200, pace_target: 'threshold' }] },
    });
    const raceDate = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    // What Daniels' tables give a 1:40:00 half: VDOT ≈ 45, threshold ≈ 4:38/km.
    const vdot = vdotFromRace(HALF, 6000);
    expect(vdot).toBeGreaterThan(44.5);
    expect(vdot).toBeLessThan(45.5);
    const thresholdPace = paceZones(vdot).T;

    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/profile');
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    try {
      await page.getByRole('group', { name: 'A recent race' }).waitFor();
      await page.getByLabel('Race distance').selectOption({ label: 'Half marathon' });
      await page.getByLabel('Race time').fill('1:40:00');
      await page.getByLabel('Race date').fill(raceDate);
      await page.getByLabel('Max heart rate (bpm)').fill('178');
      await page.getByLabel('Resting heart rate (bpm)').fill('52');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
      expect((await call<{ profile: Record<string, unknown> }>('GET', '/profile')).profile).toMatchObject({
        recent_race_distance_meters: HALF,
        recent_race_time_seconds: 6000,
        recent_race_date: raceDate,
        max_heart_rate: 178,
        resting_heart_rate: 52,
      });

      // The zones screen, computed on the phone from its synced profile row.
      await page.goto(`${app.server.publicUrl}/fitness`);
      const zones = page.getByTestId('zones');
      await expect.poll(() => zones.getByTestId('zones-vdot').textContent(), { timeout: 20_000 }).toContain('from your race');
      expect(await zones.getByTestId('zones-vdot').textContent()).toContain(`VDOT ${vdot.toFixed(1)}`);
      const tPace = (await zones.getByTestId('zone-T-pace').textContent())!.trim();
      // A single threshold pace, in the runner's km, within Daniels' 4:35–4:41/km for VDOT 45.
      expect(tPace).toMatch(/^4:(3[5-9]|4[01])\/km$/);
      expect((await zones.getByTestId('zone-T-bpm').textContent())!.trim()).toBe(THRESHOLD_BPM);
      expect(await zones.getByTestId('zones-hr-source').textContent()).toContain('Karvonen');
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/fitness-zones.png`, fullPage: true });

      // The workout shows that threshold, and the .FIT carries it as a speed range.
      await page.goto(`${app.server.publicUrl}/workouts/${easy.id}`);
      await expect.poll(() => page.locator('main').textContent(), { timeout: 20_000 }).toContain(paceRangeText(thresholdPace, 'km'));
      const [paceTarget] = threshold(await downloadFit(page));
      expect(paceTarget).toMatchObject({ type: 'speed' });
      if (paceTarget?.type !== 'speed') throw new Error('no speed target');
      expect(paceTarget.low_mps).toBeCloseTo(1000 / thresholdPace.slow_seconds_per_km, 2);
      expect(paceTarget.high_mps).toBeCloseTo(1000 / thresholdPace.fast_seconds_per_km, 2);

      // Training by heart rate: the same workout's .FIT carries the zones screen's bpm.
      await page.goto(`${app.server.publicUrl}/profile`);
      await page.getByLabel('Workout targets').selectOption('heart_rate');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
      await page.goto(`${app.server.publicUrl}/workouts/${easy.id}`);
      await expect.poll(() => page.locator('main').textContent(), { timeout: 20_000 }).toContain(THRESHOLD_BPM);
      const [bpmTarget] = threshold(await downloadFit(page));
      expect(bpmTarget).toEqual({ type: 'heart_rate', low_bpm: Math.round(52 + 0.84 * 126), high_bpm: Math.round(52 + 0.9 * 126) });
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
