import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { chromiumPath } from '../../server/test/requirements.ts';
import { apiAs, buildPwa, launchChromium, registerRunner, startAppServer, waitForServiceWorker } from './support.ts';

// Background Sync (docs/SYNC.md §Device) in Chromium: a change the tab could not push is pushed when
// the browser fires the service worker's `sync` event, with every other sync trigger of the tab
// silenced. Chromium fires the event itself when an emulated offline context comes back online;
// the DevTools protocol fires it on demand.

const executable = await chromiumPath('browser background sync');
const TAG = 'runcoach-sync';

interface Workout {
  id: string;
  scheduled_date: string;
  structure: { segments: { type: string; duration_seconds?: number }[] };
}

describe.skipIf(!executable)('Background Sync', () => {
  let browser: Browser;
  let server: RunningServer & { publicUrl: string };
  let call: ReturnType<typeof apiAs>;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let workout: Workout;

  const firstStepOnServer = async () => (await call<{ workout: Workout }>('GET', `/workouts/${workout.id}`)).workout.structure.segments[0]!.duration_seconds;
  /** How many times the service worker has asked this tab to sync. */
  const workerRequests = () => page.evaluate(() => (window as unknown as { workerRequests: number }).workerRequests);

  /** Edits the first step of the open workout to `minutes` through the workout screen. */
  async function editFirstStep(minutes: number): Promise<void> {
    await page.getByRole('button', { name: 'Edit workout' }).click();
    await page.locator('#segments-0-end').selectOption('time');
    await page.locator('#segments-0-amount').fill(`${minutes}:00`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Workout saved.').waitFor();
    await page.getByText('saved on this phone').first().waitFor();
  }

  beforeAll(async () => {
    server = await startAppServer(await buildPwa());
    browser = await launchChromium(executable!);

    // A runner with a plan, through the API.
    const cookie = await registerRunner(server, 'Kofi');
    call = apiAs(server, cookie);
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
    const { workouts } = await call<{ workouts: Workout[] }>('POST', '/plans/generate', { goal_id: goal.id });
    const today = new Date().toISOString().slice(0, 10);
    workout = workouts.find((w) => w.scheduled_date >= today && !['interval', 'repeat'].includes(w.structure.segments[0]!.type))!;

    // The runner's phone, with the plan pulled and the service worker in control.
    context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addCookies([{ name: 'rc_session', value: cookie.split('=')[1]!, url: server.publicUrl }]);
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(server.publicUrl);
    await waitForServiceWorker(page);
    await page.getByText('All changes synced').waitFor();
    await page.goto(`${server.publicUrl}/workouts/${workout.id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    cdp = await context.newCDPSession(page);

    // Silence the tab's own triggers: it is "hidden" (the scheduler's timers then skip their
    // sync) and never hears `online`, `focus` or `visibilitychange`: capturing listeners on the
    // target run before the app's own, and stop the events there. Count the worker's requests.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      const swallow = (event: Event) => event.stopImmediatePropagation();
      for (const type of ['online', 'focus']) window.addEventListener(type, swallow, true);
      document.addEventListener('visibilitychange', swallow, true);
      const counter = window as unknown as { workerRequests: number };
      counter.workerRequests = 0;
      navigator.serviceWorker.addEventListener('message', (event) => {
        if ((event.data as { type?: string } | null)?.type === 'runcoach:sync') counter.workerRequests++;
      });
    });
  }, 240_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('the built service worker loads the sync handler', async () => {
    const sw = await (await fetch(`${server.publicUrl}/sw.js`)).text();
    expect(sw).toMatch(/importScripts\(["']\/sw-sync\.js["']\)/);
    // Precached, so a change to the handler is a change to sw.js, i.e. a new service worker.
    expect(sw).toMatch(/url:\s*["']sw-sync\.js["'],\s*revision:\s*["'][0-9a-f]+["']/);
    const handler = await fetch(`${server.publicUrl}/sw-sync.js`);
    expect(handler.headers.get('content-type')).toMatch(/javascript/);
    const source = await handler.text();
    expect(source).toContain("addEventListener('sync'");
    expect(source).toContain(`'${TAG}'`);
  });

  it('registers the tag for a change made offline, and the browser syncs it when the network returns', async () => {
    await context.setOffline(true);
    await editFirstStep(11);
    const tags = () =>
      page.evaluate(async () =>
        ((await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } }).sync.getTags(),
      );
    await expect.poll(tags, { timeout: 10_000 }).toContain(TAG);
    // Offline, the browser holds the event back, and the tab's own triggers are silenced.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await workerRequests()).toBe(0);
    expect(await firstStepOnServer()).not.toBe(11 * 60);

    await context.setOffline(false);
    await expect.poll(firstStepOnServer, { timeout: 15_000 }).toBe(11 * 60);
    expect(await workerRequests()).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.getByText('saved on this phone').count(), { timeout: 15_000 }).toBe(0);
    // Done: the browser drops the registration once its event has succeeded.
    await expect.poll(tags, { timeout: 10_000 }).not.toContain(TAG);
  });

  it('pushes the outbox when the sync event is fired through DevTools, and not before', async () => {
    const registrationId = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r) => !r.isDeleted && r.scopeURL === `${server.publicUrl}/`);
        if (ours) resolve(ours.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');

    // The push fails as it would on a broken network, while the browser stays "online".
    await context.route('**/api/sync/push', (route) => route.abort('internetdisconnected'));
    const before = await workerRequests();
    await editFirstStep(13);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // the debounced push has failed
    await context.unroute('**/api/sync/push');
    // Nothing else pushes it: the tab's first retry is due 5 s after the failure, and skips a hidden tab.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await firstStepOnServer()).toBe(11 * 60);
    expect(await workerRequests()).toBe(before);

    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: server.publicUrl, registrationId: await registrationId, tag: TAG, lastChance: false });
    await expect.poll(firstStepOnServer, { timeout: 15_000 }).toBe(13 * 60);
    expect(await workerRequests()).toBe(before + 1);
    await expect.poll(() => page.getByText('saved on this phone').count(), { timeout: 15_000 }).toBe(0);
  });
});
