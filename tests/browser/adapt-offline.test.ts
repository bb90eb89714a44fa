import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../../server/test/requirements.ts';
import { openSignedIn, seedRunnerWithPlan, useAppInChromium, waitForServiceWorker } from './support.ts';

const executable = await chromiumPath('browser adaptation without the AI, offline');

// Issue 18 §5 / issue 17: from Today, "I'm ill" for 5 days with the phone offline shows the change
// as before → after, the runner accepts, and once the phone is back online the plan's next runs
// are short and easy (the defect: a 12-mile long run and then a tempo as the first runs back).
describe.skipIf(!executable)('adaptation without the AI (issue 18 §5)', () => {
  const app = useAppInChromium(executable!);

  it("from Today, offline: 'I'm ill' for 5 days → before/after → accept → the next runs are short and easy", { timeout: 180_000 }, async () => {
    const { cookie, call } = await seedRunnerWithPlan(app.server, 'Ines');
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/');
    await waitForServiceWorker(page);
    const adapt = page.getByTestId('adapt');
    await adapt.getByRole('heading', { name: 'Plans changed?' }).waitFor();

    await context.setOffline(true);
    await adapt.getByRole('button', { name: "I'm ill" }).click();
    await adapt.getByLabel('For how many days, from today?').fill('5');
    await adapt.getByRole('button', { name: 'See what changes' }).click();
    await adapt.getByTestId('adapt-changes').waitFor();
    expect(await adapt.getByTestId('adapt-reasons').innerText()).toMatch(/illness: \d days of short easy running, then back on plan/);
    // Before → after, day by day: runs planned while ill are crossed out and become rest.
    const before = await adapt.getByTestId('adapt-before').allInnerTexts();
    const after = await adapt.getByTestId('adapt-after').allInnerTexts();
    expect(before.length).toBeGreaterThan(0);
    expect(after).toContain('Rest');
    expect(after.some((text) => /^Easy/.test(text))).toBe(true);

    await adapt.getByRole('button', { name: 'Accept the new plan' }).click();
    await adapt
      .getByTestId('adapt-waiting')
      .waitFor()
      .catch(async (e: unknown) => {
        throw new Error(`no waiting note; the card says: ${await adapt.innerText()}`, { cause: e });
      });

    // Back online: the waiting acceptance is sent, the server re-plans, the phone pulls the change.
    await context.setOffline(false);
    const today = new Date().toISOString().slice(0, 10);
    const day = (n: number) => new Date(Date.parse(today) + n * 86_400_000).toISOString().slice(0, 10);
    type Workout = { scheduled_date: string; workout_type: string; estimated_distance_meters: number; structure: unknown };
    const nextRuns = async () => {
      const { plans } = await call<{ plans: { id: string; status: string }[] }>('GET', '/plans');
      const active = plans.find((p) => p.status === 'active')!;
      const { workouts } = await call<{ workouts: Workout[] }>('GET', `/plans/${active.id}`);
      return workouts.filter((w) => w.scheduled_date >= today && w.scheduled_date < day(8) && w.workout_type !== 'rest');
    };
    await expect.poll(async () => (await nextRuns()).filter((w) => w.scheduled_date < day(5)).length, { timeout: 60_000 }).toBe(0);
    const back = (await nextRuns()).filter((w) => w.scheduled_date >= day(5));
    expect(back.length).toBeGreaterThan(0);
    for (const w of back) {
      expect(w.workout_type).toBe('easy');
      expect(w.estimated_distance_meters).toBeLessThanOrEqual(8000);
      expect(JSON.stringify(w.structure)).not.toMatch(/threshold|tempo|"interval"|repetition|marathon/);
    }
    // Today's "Up next" shows the first run back: an easy one.
    await expect.poll(() => page.locator('section[aria-labelledby="next-heading"]').innerText(), { timeout: 30_000 }).toMatch(/Easy/);
    await context.close();
  });
});
