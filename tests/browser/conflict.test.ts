import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '../../server/accounts/users.ts';
import type { RunningServer } from '../../server/server.ts';
import { chromiumPath } from '../../server/test/requirements.ts';
import { apiAs, buildPwa, launchChromium, SCREENSHOT_DIR, startAppServer, waitForServiceWorker } from './support.ts';

// docs/SYNC.md §T1 in real browsers: two devices of one runner edit the same field of a workout,
// one of them offline; after reconnecting both show the value per-field last-writer-wins picks,
// and the losing value stays in the workout's edit history.

const executable = await chromiumPath('browser conflict');
const PASSWORD = 'a long enough password';

interface Step {
  duration_seconds?: number;
  distance_meters?: number;
}
interface Workout {
  id: string;
  scheduled_date: string;
  structure: { segments: (Step & { type: string })[] };
}
interface Edit {
  field: string;
  previous_value: { segments: Step[] } | null;
  new_value: { segments: Step[] } | null;
  previous_structure: { segments: Step[] } | null;
  new_structure: { segments: Step[] } | null;
  edit_reason: string | null;
  won: boolean;
}

describe.skipIf(!executable)('two devices edit the same workout, one offline', () => {
  let browser: Browser;
  let server: RunningServer & { publicUrl: string };
  let call: ReturnType<typeof apiAs>;
  let email: string;

  beforeAll(async () => {
    server = await startAppServer(await buildPwa());
    browser = await launchChromium(executable!);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A runner with a profile, a half-marathon goal and a plan, made through the API. */
  async function seedRunner(): Promise<Workout[]> {
    const { code } = await createInvite(server.deps.db, { now: new Date() });
    email = `noor-${code}@example.com`;
    const registered = await fetch(`${server.publicUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invite_code: code, name: 'Noor', email, password: PASSWORD }),
    });
    expect(registered.status).toBe(201);
    call = apiAs(server, registered.headers.get('set-cookie')!.split(';')[0]!);
    await call('PUT', '/profile', {
      units: 'km',
      current_weekly_mileage_miles: 25,
      days_available_per_week: 5,
      easy_pace_per_mile_seconds: 600,
      time_zone: 'UTC',
    });
    const raceDate = new Date(Date.now() + 84 * 86_400_000).toISOString().slice(0, 10);
    const { goal } = await call<{ goal: { id: string } }>('POST', '/goals', {
      goal_type: 'race',
      target_race_distance_meters: 21097.5,
      target_race_date: raceDate,
    });
    return (await call<{ workouts: Workout[] }>('POST', '/plans/generate', { goal_id: goal.id })).workouts;
  }

  /** A device: its own browser context and session as the runner, its service worker in control. */
  async function device(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    // Signs in through the API with the context's own cookie jar: a session of its own.
    expect((await context.request.post(`${server.publicUrl}/api/auth/login`, { data: { email, password: PASSWORD } })).status()).toBe(200);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(server.publicUrl);
    await waitForServiceWorker(page);
    // The plan has been pulled into this device's own database.
    await page.getByRole('heading', { name: 'Up next' }).waitFor();
    await page.getByText('All changes synced').waitFor();
    return { context, page };
  }

  /** Edits the first step of the open workout to `minutes`, through the workout screen's editor. */
  async function editFirstStep(page: Page, minutes: number, reason: string): Promise<void> {
    await page.getByRole('button', { name: 'Edit workout' }).click();
    await page.locator('#segments-0-end').selectOption('time');
    await page.locator('#segments-0-amount').fill(`${minutes}:00`);
    await page.getByLabel('Why (kept in the history, optional)').fill(reason);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Workout saved.').waitFor();
  }

  /** The steps as the workout screen lists them. */
  const stepsOnScreen = (page: Page) => page.getByRole('region', { name: 'The workout' }).getByRole('listitem').allInnerTexts();
  const historyOnScreen = (page: Page) => page.getByRole('region', { name: 'Edit history' }).getByRole('listitem').allInnerTexts();

  it('converges on the later edit on both devices, and keeps the losing value in the history', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const workouts = await seedRunner();
    const workout = workouts.find((w) => w.scheduled_date >= today && !['interval', 'repeat'].includes(w.structure.segments[0]!.type));
    expect(workout, 'a coming workout whose first segment the editor edits as one step').toBeDefined();
    const path = `${server.publicUrl}/workouts/${workout!.id}`;

    const a = await device();
    const b = await device();
    await a.page.goto(path);
    await b.page.goto(path);
    await a.page.getByRole('heading', { level: 1 }).waitFor();
    await b.page.getByRole('heading', { level: 1 }).waitFor();

    // Device A, offline, edits first (wall time tA): the change waits on the phone.
    await a.context.setOffline(true);
    await editFirstStep(a.page, 12, 'A: short on time');
    await a.page.getByText('saved on this phone').first().waitFor();
    await a.page.goto(server.publicUrl); // served by the service worker
    await a.page.getByText('Offline · 1 change waiting to sync').waitFor();

    // Device B, online, edits the same field later (tB > tA) and syncs at once.
    await editFirstStep(b.page, 15, 'B: longer warm-up');
    await b.page.goto(server.publicUrl);
    await b.page.getByText('All changes synced').waitFor();
    const serverFirstStep = async () => (await call<{ workout: Workout }>('GET', `/workouts/${workout!.id}`)).workout.structure.segments[0]!.duration_seconds;
    await expect.poll(serverFirstStep, { timeout: 15_000 }).toBe(15 * 60);

    // A reconnects; the app syncs on `online` (dispatched too, as in app.test.ts: the emulated
    // network change is not guaranteed to fire it).
    await a.context.setOffline(false);
    await a.page.evaluate(() => window.dispatchEvent(new Event('online')));
    await a.page.getByText('All changes synced').waitFor();
    const edits = async () => (await call<{ edits: Edit[] }>('GET', `/workouts/${workout!.id}/edits`)).edits.filter((e) => e.field === 'structure');
    await expect.poll(async () => (await edits()).length, { timeout: 15_000 }).toBe(2);

    // Which value wins (docs/SYNC.md §Conflicts): the server sets a field iff the mutation's HLC is
    // greater than the field's stored one. Each device stamps its edit with its HLC at the time
    // of the edit (wall time + serverOffset, same clock here), not at push time. B's push came
    // first with HLC(tB) > the plan's, so it applied; A's arrived later with HLC(tA) < HLC(tB),
    // so it lost. The winner is B's 15:00, the later edit, although A's reached the server last;
    // A's 12:00 is kept in workout_edits with won = false.
    expect(await serverFirstStep()).toBe(15 * 60);
    const [winner, loser] = await edits();
    expect(winner).toMatchObject({
      won: true,
      edit_reason: 'B: longer warm-up',
      new_value: { segments: expect.arrayContaining([expect.objectContaining({ duration_seconds: 15 * 60 })]) },
    });
    // The seed's whole-structure record of the same edit, beside the per-field one.
    expect(winner!.new_structure).toEqual(winner!.new_value);
    expect(loser).toMatchObject({
      won: false,
      edit_reason: 'A: short on time',
      new_value: { segments: expect.arrayContaining([expect.objectContaining({ duration_seconds: 12 * 60 })]) },
      previous_value: { segments: expect.arrayContaining([expect.objectContaining({ duration_seconds: 15 * 60 })]) },
    });

    // Both screens, freshly opened, show the same steps (B's), and the losing edit in the history.
    for (const { page } of [a, b]) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await expect
        .poll(() => historyOnScreen(page), { timeout: 15_000 })
        .toEqual([
          expect.stringMatching(/“B: longer warm-up”\)$/),
          expect.stringMatching(/“A: short on time”\) — a newer change won; it would have set: .*12:00/),
        ]);
    }
    const [stepsA, stepsB] = [await stepsOnScreen(a.page), await stepsOnScreen(b.page)];
    expect(stepsA).toEqual(stepsB);
    expect(stepsA[0]).toContain('15:00');
    expect(stepsA.join('\n')).not.toContain('12:00');
    for (const { page } of [a, b]) expect(await page.getByText('saved on this phone').count()).toBe(0);

    await a.page.screenshot({ path: `${SCREENSHOT_DIR}/conflict-a.png`, fullPage: true });
    await b.page.screenshot({ path: `${SCREENSHOT_DIR}/conflict-b.png`, fullPage: true });
    await a.context.close();
    await b.context.close();
  });
});
