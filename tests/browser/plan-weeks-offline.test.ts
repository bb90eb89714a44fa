import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../../server/test/requirements.ts';
import { apiAs, openSignedIn, registerRunner, seedRunnerWithPlan, useAppInChromium, waitForServiceWorker } from './support.ts';

const executable = await chromiumPath('browser plan weeks and offline deep links');

describe.skipIf(!executable)('plan weeks and offline deep links (issue 18 §3, §6)', () => {
  const app = useAppInChromium(executable!);

  it("labels the Plan calendar's week from the plan's own weeks, 7-day blocks from the plan's first day", async () => {
    const cookie = await registerRunner(app.server, 'Wim');
    const call = apiAs(app.server, cookie);
    await call('PUT', '/profile', {
      current_weekly_mileage_miles: 25,
      days_available_per_week: 5,
      easy_pace_per_mile_seconds: 570,
      units: 'km',
      time_zone: 'UTC',
    });
    // A plan that starts two days from now (rarely a Monday) for a race on yet another weekday: the
    // plan's weeks begin on its first day (issue 17), not on a Monday or the race weekday.
    const today = new Date();
    const start = new Date(today.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    const race = new Date(today.getTime() + 70 * 86_400_000);
    race.setUTCDate(race.getUTCDate() + ((today.getUTCDay() + 6 - race.getUTCDay() + 7) % 7));
    const raceDate = race.toISOString().slice(0, 10);
    const { goal } = await call<{ goal: { id: string } }>('POST', '/goals', {
      goal_type: 'race',
      target_race_distance_meters: 21_097,
      target_race_date: raceDate,
    });
    const { plan } = await call<{ plan: { weeks: { start_date: string; phase: string }[] } }>('POST', '/plans/generate', {
      goal_id: goal.id,
      start_date: start,
    });
    expect(plan.weeks[0]!.start_date).toBe(start);

    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/plan');
    await page.getByRole('heading', { name: /Volume per week/ }).waitFor();
    const weekHeading = page.getByRole('heading', { name: /^Week of/ });
    await weekHeading.waitFor();
    const section = page.locator('section[aria-labelledby="week-heading"]');
    await section.getByText(/ planned$/).waitFor();
    await expect.poll(() => section.innerText()).not.toContain('This week is outside your plan.');
    expect(await section.innerText()).toMatch(/\b(base|build|peak|taper)\b/i);
    // The race week is the last: every week up to it is found, with its label.
    for (let i = 1; i < plan.weeks.length; i++) {
      await page.getByRole('button', { name: 'Next week' }).click();
      expect(await section.innerText()).not.toContain('This week is outside your plan.');
    }
    await section.getByText('Taper', { exact: true }).waitFor();
    await context.close();
  });

  it('reloads a workout offline on the workout screen, not on Today', async () => {
    const { cookie, workouts } = await seedRunnerWithPlan(app.server, 'Ola');
    const workout = workouts.find((w) => w.workout_type !== 'rest')!;
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, `/workouts/${workout.id}`);
    await waitForServiceWorker(page);
    await page.getByRole('heading', { level: 1, name: workout.title }).waitFor();

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: workout.title }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/workouts/${workout.id}`);
    // Opened afresh offline too (a bookmark at the trailhead), and a second screen.
    await page.goto(`${app.server.publicUrl}/plan`);
    await page.getByRole('heading', { name: 'Your plan' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/plan');
    await page.goto(`${app.server.publicUrl}/workouts/${workout.id}`);
    await page.getByRole('heading', { level: 1, name: workout.title }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/workouts/${workout.id}`);
    await context.setOffline(false);
    await context.close();
  });

  it('opens the screen asked for when the server cannot answer who is signed in (a proxy error, no answer at all), and signs out only on a 401', async () => {
    const { cookie, workouts } = await seedRunnerWithPlan(app.server, 'Pia');
    const workout = workouts.find((w) => w.workout_type !== 'rest')!;
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, `/workouts/${workout.id}`);
    await page.getByRole('heading', { level: 1, name: workout.title }).waitFor();
    const url = `${app.server.publicUrl}/workouts/${workout.id}`;

    // The server is down behind its proxy: 502 with the proxy's own page.
    await context.route('**/api/auth/me', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' }));
    await page.goto(url);
    await page.getByRole('heading', { level: 1, name: workout.title }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/workouts/${workout.id}`);

    // A connection that never answers (one bar at the trailhead): the screen opens on the phone's data.
    await context.unrouteAll();
    await context.route('**/api/auth/me', () => undefined);
    await page.goto(url);
    await page.getByRole('heading', { level: 1, name: workout.title }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/workouts/${workout.id}`);

    // A real "not signed in" still signs out.
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    await context.clearCookies();
    await page.goto(url);
    await page.waitForURL(`${app.server.publicUrl}/`);
    await context.close();
  });
});
