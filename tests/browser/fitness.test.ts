import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../../server/test/requirements.ts';
import { formatHlc, nodeIdFor } from '../../shared/sync/hlc.ts';
import { SCHEMA_VERSION } from '../../shared/sync/protocol.ts';
import { formatDistance } from '../../shared/training/units.ts';
import { openSignedIn, SCREENSHOT_DIR, type SeededWorkout, seedRunnerWithPlan, useAppInChromium, waitForServiceWorker } from './support.ts';

// Issue 23 in Chromium: a runner with six weeks of uploaded runs sees fitness, fatigue and form
// computed on the phone (offline too); a poor morning's check-in, made offline, swaps the day's
// tempo for an easy run (Today shows its distance, the journal the check-in) as an ordinary edit
// that reaches the server once online; an illness re-plan is previewed with its what-if and
// accepted online, and offline too, where the acceptance waits for the connection.

const executable = await chromiumPath('browser fitness');
const DAY = 86_400_000;
const isoDay = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

/** Uploads runs as another device of the runner would: activity.upload@2 through sync push. */
async function uploadRuns(server: { publicUrl: string }, cookie: string, runs: { date: string; meters: number; seconds: number }[]) {
  const clientId = `c_uploader${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const node = nodeIdFor(clientId);
  const mutations = runs.map((run, i) => ({
    id: i + 1,
    name: 'activity.upload',
    v: 2,
    hlc: formatHlc({ wallMs: Date.now(), counter: i, node }),
    args: {
      id: randomUUID(),
      activity: {
        source: 'fit_upload',
        external_id: `run-${run.date}-${i}`,
        activity_type: 'Run',
        start_time: `${run.date}T07:00:00Z`,
        local_date: run.date,
        distance_meters: run.meters,
        moving_time_seconds: run.seconds,
        elapsed_time_seconds: run.seconds + 60,
        laps: [],
      },
    },
  }));
  const response = await fetch(`${server.publicUrl}/api/sync/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ protocol: 1, schemaVersion: SCHEMA_VERSION, clientId, mutations }),
  });
  const body = (await response.json()) as { results: { status: string }[] };
  expect(body.results.every((r) => r.status === 'applied')).toBe(true);
}

/** Six weeks of runs ending yesterday: four a week, one long. */
function sixWeeks() {
  const runs: { date: string; meters: number; seconds: number }[] = [];
  for (let d = 42; d >= 1; d--) {
    const dow = d % 7;
    if (dow === 0 || dow === 3) continue;
    const meters = dow === 6 ? 16_000 : 8_000;
    runs.push({ date: isoDay(-d), meters, seconds: Math.round(meters * 0.36) });
  }
  return runs;
}

describe.skipIf(!executable)('fitness, fatigue and form on the phone', () => {
  const app = useAppInChromium(executable!);

  it('draws the chart from six weeks of uploaded runs, with today, the race and the form in words, offline too', async () => {
    const { cookie, call } = await seedRunnerWithPlan(app.server, 'Fay');
    await uploadRuns(app.server, cookie, sixWeeks());
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/');
    await waitForServiceWorker(page);
    await page.getByRole('link', { name: 'Fitness', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Fitness', level: 1 }).waitFor();
    await page.getByTestId('today-marker').waitFor({ state: 'attached' });
    await page.getByTestId('race-marker').waitFor({ state: 'attached' });
    const today = page.getByTestId('fitness-today');
    await expect.poll(async () => Number(/Fitness\s*(\d+)/.exec(await today.innerText())?.[1] ?? 0)).toBeGreaterThan(15);
    expect(await page.getByTestId('form-words').innerText()).toMatch(/fresh|neutral|productive|overreaching|detraining/);
    expect(await page.getByTestId('race-form').innerText()).toMatch(/Race day.*form [+−]?\d/);
    // The same numbers as the server's (one engine, one input assembly).
    const server_ = await call<{ today: string; days: { date: string; ctl: number }[] }>('GET', `/training-load?from=${isoDay(-84)}&to=${isoDay(0)}`);
    const ctlToday = server_.days.find((d) => d.date === server_.today)!.ctl;
    expect(await today.innerText()).toContain(`Fitness\n${Math.round(ctlToday)}`);
    expect(await page.getByTestId('load-weeks').locator('tbody tr').count()).toBeGreaterThanOrEqual(6);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/fitness.png`, fullPage: true });

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('race-marker').waitFor({ state: 'attached' });
    await expect.poll(() => today.innerText()).toContain(`Fitness\n${Math.round(ctlToday)}`);
    await context.close();
  });

  it('a poor check-in offline swaps today’s tempo for an easy run, with the reason, and syncs once online', async () => {
    const { cookie, call, workouts } = await seedRunnerWithPlan(app.server, 'Gus');
    const today = isoDay(0);
    // Today's session is a tempo: the plan's own if it has one today, else its first quality session moved here.
    const onToday = workouts.find((w) => w.scheduled_date === today);
    const tempo: SeededWorkout =
      onToday ?? workouts.find((w) => w.scheduled_date > today && ['tempo', 'threshold', 'intervals', 'repetition'].includes(w.workout_type))!;
    await call('PATCH', `/workouts/${tempo.id}`, { scheduled_date: today, workout_type: 'tempo', title: 'Tempo run' });

    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/');
    await page.getByRole('heading', { name: 'How do you feel this morning?' }).waitFor();
    await page.getByText('Tempo run').first().waitFor();
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    const card = page.getByTestId('readiness');
    // The radios are the labels' (44 px targets): a runner taps the label.
    const tap = (name: string) => card.locator('label', { has: page.getByRole('radio', { name, exact: true }) }).click();
    await tap('Sleep 4');
    await tap('Soreness 4');
    await tap('Stress 3');
    await card.getByRole('button', { name: 'Save check-in' }).click();
    await expect.poll(() => page.getByTestId('readiness-reason').innerText()).toMatch(/add up to 11 of 15/);
    const todaySection = page.locator('section[aria-labelledby=today-heading]');
    const tempoDistance = await todaySection.getByTestId('planned-distance').innerText();
    await card.getByRole('button', { name: 'Make it an easy run' }).click();
    await page.getByRole('heading', { name: "Today's workout" }).waitFor();
    await expect.poll(() => todaySection.innerText()).toMatch(/Easy run/);
    await expect.poll(async () => await card.getByRole('button', { name: 'Make it an easy run' }).count()).toBe(0);
    // Today's distance is the easy run's, sized on the phone as the server will size it (checked below, once online).
    await expect.poll(() => todaySection.getByTestId('planned-distance').innerText()).not.toBe(tempoDistance);
    const easyDistance = await todaySection.getByTestId('planned-distance').innerText();
    expect(easyDistance).toMatch(/^\d+\.\d km$/);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/readiness-offline.png`, fullPage: true });

    // The journal shows the check-in from the phone's own rows, still offline.
    await page.getByRole('link', { name: 'Journal', exact: true }).first().click();
    const checkins = page.getByTestId('journal-readiness');
    await expect.poll(() => checkins.innerText()).toMatch(/1 check-in;[\s\S]*add up to 11 of 15/);

    // Before the runner saves an edit or a move of their own, the workout says what it does to race-day form (offline too).
    await page.getByRole('link', { name: 'Today', exact: true }).first().click();
    await page.getByRole('link', { name: 'Open workout' }).click();
    await page.getByRole('button', { name: 'Edit workout' }).click();
    await page.locator('#segments-0-amount').fill('75:00');
    await expect.poll(() => page.getByTestId('edit-what-if').innerText()).toMatch(/^If you save: race-day form [+-]?\d+ → [+-]?\d+; ramp -?\d+\.\d/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByLabel('New date').fill(isoDay(3));
    await expect.poll(() => page.getByTestId('move-what-if').innerText()).toMatch(/^If you move it: race-day form [+-]?\d+ → [+-]?\d+; ramp/);

    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(async () => (await call<{ workout: Record<string, unknown> }>('GET', `/workouts/${tempo.id}`)).workout, { timeout: 30_000, interval: 500 })
      .toMatchObject({ workout_type: 'easy', title: 'Easy run', edited_by_user: true });
    const saved = (await call<{ workout: { estimated_distance_meters: number } }>('GET', `/workouts/${tempo.id}`)).workout;
    expect(formatDistance(saved.estimated_distance_meters, 'km')).toBe(easyDistance);
    const edits = await call<{ edits: unknown[] }>('GET', `/workouts/${tempo.id}/edits`);
    expect(JSON.stringify(edits)).toContain('11 of 15');
    const monday = isoDay(-((new Date().getUTCDay() + 6) % 7));
    const journal = await call<{ readiness: { checkins: number; poor_days: unknown[] } }>('GET', `/journal?week=${monday}`);
    expect(journal.readiness).toMatchObject({ checkins: 1, poor_days: [expect.objectContaining({ date: today })] });
    await context.close();
  });

  it('an illness re-plan shows its effect on race-day form and ramp before the runner accepts it', async () => {
    const { cookie, call } = await seedRunnerWithPlan(app.server, 'Ivy');
    await uploadRuns(app.server, cookie, sixWeeks());
    const { plans } = await call<{ plans: { id: string }[] }>('GET', '/plans');
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/plan');
    const card = page.getByTestId('replan');
    await card.getByLabel('For how many days?').fill('5');
    await card.getByRole('button', { name: 'See what changes' }).click();
    await expect.poll(() => page.getByTestId('replan-what-if').innerText()).toMatch(/race-day form [+-]?\d+ → [+-]?\d+; ramp -?\d+\.\d/);
    // Nothing is saved until the runner accepts.
    expect(
      (await call<{ plan: { generation_context: { adaptations?: unknown[] } } }>('GET', `/plans/${plans[0]!.id}`)).plan.generation_context.adaptations ?? [],
    ).toHaveLength(0);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/replan-what-if.png`, fullPage: true });
    await card.getByRole('button', { name: 'Accept the new plan' }).click();
    await card.getByRole('button', { name: 'See what changes' }).waitFor();
    expect(
      (await call<{ plan: { generation_context: { adaptations?: unknown[] } } }>('GET', `/plans/${plans[0]!.id}`)).plan.generation_context.adaptations,
    ).toHaveLength(1);
    await context.close();
  });

  it('offline: the re-plan is previewed on the phone with its what-if, accepted, and made by the server once the phone is back online', async () => {
    const { cookie, call } = await seedRunnerWithPlan(app.server, 'Ona');
    await uploadRuns(app.server, cookie, sixWeeks());
    const { plans } = await call<{ plans: { id: string }[] }>('GET', '/plans');
    const adaptations = async () =>
      (await call<{ plan: { generation_context: { adaptations?: unknown[] } } }>('GET', `/plans/${plans[0]!.id}`)).plan.generation_context.adaptations ?? [];
    // The runs and the plan reach the phone before it goes offline (the chart shows the fitness they built).
    const { context, page } = await openSignedIn(app.browser, app.server.publicUrl, cookie, '/fitness');
    await expect
      .poll(async () => Number(/Fitness\s*(\d+)/.exec(await page.getByTestId('fitness-today').innerText())?.[1] ?? 0), { timeout: 20_000, interval: 250 })
      .toBeGreaterThan(15);
    await waitForServiceWorker(page);
    await page.getByRole('link', { name: 'Plan', exact: true }).first().click();
    const card = page.getByTestId('replan');
    await card.getByRole('button', { name: 'See what changes' }).waitFor();
    await context.setOffline(true);
    await page.reload();

    await card.getByLabel('For how many days?').fill('5');
    await card.getByRole('button', { name: 'See what changes' }).click();
    await expect.poll(() => card.innerText()).toMatch(/illness reported: rest until after/);
    const whatIf = await page.getByTestId('replan-what-if').innerText();
    expect(whatIf).toMatch(/race-day form [+-]?\d+ → [+-]?\d+; ramp -?\d+\.\d/);
    await card.getByRole('button', { name: 'Accept the new plan' }).click();
    await expect.poll(() => page.getByTestId('replan-waiting').innerText()).toMatch(/back online/);
    expect(await page.getByTestId('replan-waiting').innerText()).toContain(whatIf.replace(/^If you accept:\s*/, ''));
    await page.screenshot({ path: `${SCREENSHOT_DIR}/replan-offline.png`, fullPage: true });
    // Nothing reached the server while offline.
    expect(await adaptations()).toHaveLength(0);

    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(adaptations, { timeout: 30_000, interval: 500 }).toHaveLength(1);
    await card.getByRole('button', { name: 'See what changes' }).waitFor();
    await context.close();
  });
});
