import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWorkout } from '../../shared/fit/decode.ts';
import type { RunningServer } from '../../server/server.ts';
import { startAnthropicStandin, type AnthropicStandin } from '../../server/test/anthropic-standin.ts';
import { chromiumPath } from '../../server/test/requirements.ts';
import { startStravaStandin, type StravaStandin } from '../../server/test/strava-standin.ts';
import {
  accessibilityProblems,
  apiAs,
  buildPwa,
  fitRunFile,
  launchChromium,
  openSignedIn,
  registerRunner,
  SCREENSHOT_DIR,
  seedRunnerWithPlan,
  smallTargets,
  startAppServer,
  startConfiguredServer,
  type SeededWorkout,
} from './support.ts';

// The qualities issue 6 asks of every screen: dark mode (with contrast), touch targets of at
// least 44 px, heart-rate targets for runners who train by heart rate, progress indicators for
// slow work, and a chat message written offline that is sent, and answered, once back online.

const executable = await chromiumPath('browser qualities');
let built: Promise<string> | undefined;
const pwa = () => (built ??= buildPwa());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const todayUtc = () => new Date().toISOString().slice(0, 10);
type Server = RunningServer & { publicUrl: string };

/** Puts `workout` on today (profile time zone UTC) and any other workout of today on its old day. */
async function putOnToday(call: ReturnType<typeof apiAs>, workouts: SeededWorkout[], workout: SeededWorkout): Promise<void> {
  const today = todayUtc();
  for (const other of workouts.filter((w) => w.scheduled_date === today && w.id !== workout.id))
    await call('PATCH', `/workouts/${other.id}`, { scheduled_date: workout.scheduled_date });
  if (workout.scheduled_date !== today) await call('PATCH', `/workouts/${workout.id}`, { scheduled_date: today });
}

/** A workout with hard steps (intervals, threshold or tempo) that is not today's. */
const hardWorkout = (workouts: SeededWorkout[], not: string[] = []) =>
  workouts.find((w) => ['intervals', 'threshold', 'tempo'].includes(w.workout_type) && !not.includes(w.id) && w.scheduled_date > todayUtc())!;

interface Screen {
  name: string;
  path: string;
  signedIn: boolean;
  /** Waits until the screen shows its content (and opens whatever state is measured). */
  ready: (page: Page) => Promise<unknown>;
}

/** Every screen of the app, signed in and out, with what shows it is ready. */
function screens(workoutId: string): Screen[] {
  const heading = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name }).first().waitFor();
  return [
    { name: 'welcome', path: '/', signedIn: false, ready: (page) => page.getByRole('link', { name: 'Get started' }).waitFor() },
    { name: 'signin', path: '/signin', signedIn: false, ready: (page) => page.getByRole('button', { name: 'Sign in' }).waitFor() },
    { name: 'signup', path: '/signup', signedIn: false, ready: (page) => page.getByRole('button', { name: 'Create account' }).waitFor() },
    { name: 'onboarding-account', path: '/onboarding', signedIn: false, ready: heading('Create your account') },
    {
      name: 'today',
      path: '/',
      signedIn: true,
      ready: async (page) => {
        await heading("Today's workout")(page);
        await heading('Up next')(page);
        await page.getByText('All changes synced').waitFor();
      },
    },
    { name: 'plan', path: '/plan', signedIn: true, ready: heading(/Volume per week/) },
    { name: 'workout', path: `/workouts/${workoutId}`, signedIn: true, ready: (page) => page.getByRole('button', { name: 'Download .FIT' }).waitFor() },
    {
      name: 'workout-edit',
      path: `/workouts/${workoutId}`,
      signedIn: true,
      ready: async (page) => {
        await page.getByRole('button', { name: 'Edit workout' }).click();
        await page.getByRole('button', { name: 'Add a ladder' }).click();
        await page.getByRole('button', { name: 'Save changes' }).waitFor();
      },
    },
    { name: 'goals', path: '/goals', signedIn: true, ready: (page) => page.getByRole('button', { name: 'Is it realistic?' }).first().waitFor() },
    { name: 'activities', path: '/activities', signedIn: true, ready: (page) => page.getByText('No runs yet').waitFor() },
    { name: 'coach', path: '/coach', signedIn: true, ready: (page) => page.getByTestId('coach-not-configured').waitFor() },
    { name: 'journal', path: '/journal', signedIn: true, ready: heading('Planned vs done') },
    {
      name: 'settings',
      path: '/settings',
      signedIn: true,
      ready: async (page) => {
        await page.getByTestId('strava-not-configured').waitFor();
        await page.getByRole('checkbox').first().waitFor();
        await page.getByLabel('Calendar link').waitFor();
      },
    },
    { name: 'profile', path: '/profile', signedIn: true, ready: (page) => page.getByRole('button', { name: 'Save profile' }).waitFor() },
    { name: 'onboarding', path: '/onboarding', signedIn: true, ready: heading('How you run today') },
  ];
}

/** Opens each screen in turn in one signed-in and one signed-out context, and runs `check` on it. */
async function visitAll(
  browser: Browser,
  server: Server,
  cookie: string,
  list: Screen[],
  options: Parameters<Browser['newContext']>[0],
  check: (page: Page, screen: Screen) => Promise<void>,
) {
  const contexts: Record<'in' | 'out', { context: BrowserContext; page: Page } | undefined> = { in: undefined, out: undefined };
  try {
    for (const screen of list) {
      const key = screen.signedIn ? 'in' : 'out';
      const open = contexts[key];
      if (open) await open.page.goto(`${server.publicUrl}${screen.path}`);
      else contexts[key] = await openSignedIn(browser, server.publicUrl, screen.signedIn ? cookie : null, screen.path, options);
      const { page } = contexts[key]!;
      await screen.ready(page);
      await check(page, screen);
    }
  } finally {
    await contexts.in?.context.close();
    await contexts.out?.context.close();
  }
}

/**
 * The relative luminance (0 black … 1 white) of the body's background, and the visible elements
 * painted with a light one (near white, not a chart's colour): a surface left light in dark mode. Colours are read through a canvas,
 * since Tailwind's are oklch().
 */
function surfaces(page: Page): Promise<{ body: number; light: string[] }> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const luminance = (color: string) => {
      canvas.clearRect(0, 0, 1, 1);
      canvas.fillStyle = color;
      canvas.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data as unknown as number[];
      if (a! < 128) return 0;
      const channel = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
    };
    const light: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const background = getComputedStyle(el).backgroundColor;
      if (luminance(background) > 0.6) light.push(`${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 4).join('.')} ${background}`);
    }
    return { body: luminance(getComputedStyle(document.body).backgroundColor), light };
  });
}

describe.skipIf(!executable)('qualities of every screen', () => {
  let browser: Browser;
  let server: Server;
  let runner: Awaited<ReturnType<typeof seedRunnerWithPlan>>;
  let today: SeededWorkout;

  beforeAll(async () => {
    server = await startAppServer(await pwa());
    browser = await launchChromium(executable!);
    runner = await seedRunnerWithPlan(server, 'Dee', { units: 'km' });
    today = hardWorkout(runner.workouts);
    await putOnToday(runner.call, runner.workouts, today);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('has a dark mode on every screen: dark surfaces, and no serious contrast (or other axe) problem', async () => {
    const seen: string[] = [];
    await visitAll(browser, server, runner.cookie, screens(today.id), { colorScheme: 'dark' }, async (page, screen) => {
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
      const { body, light } = await surfaces(page);
      expect(body).toBeLessThan(0.02); // slate-950
      expect({ screen: screen.name, light }).toEqual({ screen: screen.name, light: [] });
      await page.screenshot({ path: `${SCREENSHOT_DIR}/dark-${screen.name}.png`, fullPage: true });
      expect({ screen: screen.name, axe: await accessibilityProblems(page) }).toEqual({ screen: screen.name, axe: [] });
      seen.push(screen.name);
    });
    expect(seen).toHaveLength(screens(today.id).length);
  });

  it('gives every touch target at least 44 × 44 px on a 390 px phone, on every screen', async () => {
    await visitAll(browser, server, runner.cookie, screens(today.id), {}, async (page, screen) => {
      const { measured, small } = await smallTargets(page);
      expect(measured).toBeGreaterThan(2);
      expect({ screen: screen.name, small }).toEqual({ screen: screen.name, small: [] });
    });
  });

  it('edits a ladder: adds one, changes its count and steps, names each problem, and saves it', async () => {
    const workout = hardWorkout(runner.workouts, [today.id]);
    const k = workout.structure.segments.length; // the new ladder's index
    const { context, page } = await openSignedIn(browser, server.publicUrl, runner.cookie, `/workouts/${workout.id}`);
    await page.getByRole('button', { name: 'Edit workout' }).click();
    await page.getByRole('button', { name: 'Add a ladder' }).click();
    await page.locator(`#segments-${k}-repeats`).fill('0');
    await page.locator(`#segments-${k}-steps-1-amount`).fill('1:30');
    await page.getByRole('button', { name: `Remove step 5 of segment ${k + 1}` }).click();
    await page.getByRole('button', { name: `Add a step to segment ${k + 1}` }).click();
    await page.locator(`#segments-${k}-steps-4-end`).selectOption('distance');
    await page.locator(`#segments-${k}-steps-4-amount`).fill('abc');
    await page.getByRole('button', { name: 'Save changes' }).click();

    const summary = page.getByTestId('editor-issues');
    await expect.poll(() => summary.innerText()).toContain(`Segment ${k + 1}: repeats must be a whole number from 1 to 50.`);
    expect(await summary.innerText()).toContain(`Segment ${k + 1}, step 5: enter a distance in km, e.g. 0.5.`);
    expect(await page.locator(`#segments-${k}-steps-4-amount`).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#segments-${k}-steps-4-amount`).getAttribute('aria-describedby')).toBe(`segments-${k}-steps-4-error`);

    await page.locator(`#segments-${k}-repeats`).fill('2');
    await page.locator(`#segments-${k}-steps-4-amount`).fill('0.4');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Workout saved.').waitFor();
    await expect
      .poll(
        async () =>
          (await runner.call<{ workout: { structure: { segments: unknown[] } } }>('GET', `/workouts/${workout.id}`)).workout.structure.segments.at(-1),
        { timeout: 15_000 },
      )
      .toEqual({
        type: 'repeat',
        repeats: 2,
        steps: [
          { duration_seconds: 60, pace_target: 'interval' },
          { duration_seconds: 90, pace_target: 'jog' },
          { duration_seconds: 120, pace_target: 'interval' },
          { duration_seconds: 60, pace_target: 'jog' },
          { distance_meters: 400, pace_target: 'easy' },
        ],
      });
    await page.getByText(/^2 × \(1:00 interval .*400 m easy/).waitFor();
    await context.close();
  });

  it('shows a heart-rate runner bpm ranges on Today and on the workout, the same as their .FIT file', async () => {
    const hr = await seedRunnerWithPlan(server, 'Hal', { units: 'mi', target_type: 'heart_rate' });
    const workout = hardWorkout(hr.workouts);
    await putOnToday(hr.call, hr.workouts, workout);
    const { context, page } = await openSignedIn(browser, server.publicUrl, hr.cookie, '/');
    await page.getByRole('heading', { name: "Today's workout" }).waitFor();
    const targets = page.getByRole('list', { name: 'Heart-rate targets' }).getByRole('listitem');
    await expect.poll(() => targets.count()).toBeGreaterThan(0);
    for (const line of await targets.allInnerTexts()) expect(line).toMatch(/^[\w ]+: \d{2,3}–\d{2,3} bpm$/);
    expect(await page.locator('main').innerText()).not.toMatch(/\/mi\b|\/km\b/);
    await page.getByTestId('heart-rate-note').waitFor();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/today-heart-rate.png`, fullPage: true });

    await page.getByRole('link', { name: 'Open workout' }).click();
    await page.getByRole('heading', { name: 'The workout' }).waitFor();
    const steps = await page.getByRole('heading', { name: 'The workout' }).locator('..').getByRole('listitem').allInnerTexts();
    expect(steps.join('\n')).not.toMatch(/\/mi\b|\/km\b/);
    // What the watch gets (the server's .FIT of this workout) is what the screen says.
    const fit = new Uint8Array(await (await fetch(`${server.publicUrl}/api/workouts/${workout.id}/fit`, { headers: { cookie: hr.cookie } })).arrayBuffer());
    const decoded = decodeWorkout(fit);
    if (!decoded.ok) throw new Error('the .FIT file does not decode');
    const ranges = decoded.workout.steps.flatMap((s) => (s.target?.type === 'heart_rate' ? [`${s.target.low_bpm}–${s.target.high_bpm} bpm`] : []));
    expect(ranges.length).toBeGreaterThan(0);
    for (const range of ranges) expect(steps.join('\n')).toContain(range);
    await context.close();
  });
});

describe.skipIf(!executable)('progress indicators for slow work', () => {
  let browser: Browser;
  let server: Server;
  let strava: StravaStandin;
  let stravaServer: Server;

  beforeAll(async () => {
    server = await startAppServer(await pwa());
    strava = await startStravaStandin({ activityCount: 5 });
    stravaServer = await startConfiguredServer(await pwa(), {
      STRAVA_CLIENT_ID: strava.clientId,
      STRAVA_CLIENT_SECRET: strava.clientSecret,
      STRAVA_OAUTH_URL: strava.oauthUrl,
      STRAVA_API_URL: strava.apiUrl,
    });
    browser = await launchChromium(executable!);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await strava?.close(); // first: it ends the requests the backfill hangs on
    await stravaServer?.close();
    await server?.close();
  });

  /** A signed-in page whose requests page.route sees (no service worker answers them). */
  const open = (cookie: string, path: string, target = server) => openSignedIn(browser, target.publicUrl, cookie, path, { serviceWorkers: 'block' });
  /** Holds every request matching `url` for `ms` before it goes on. */
  const slow = (page: Page, url: string | RegExp, ms = 2000) => page.route(url, async (route) => (await sleep(ms), await route.continue()));
  const progressbar = (page: Page, testid: string) => page.getByTestId(testid).getByRole('progressbar');
  /** Connects Strava as a browser would (connect → the stand-in's authorize → our callback); returns where the callback sends the runner. */
  async function connectStrava(cookie: string): Promise<string | null> {
    const connect = await fetch(`${stravaServer.publicUrl}/api/strava/connect`, { headers: { cookie }, redirect: 'manual' });
    const authorize = await fetch(connect.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(authorize.headers.get('location')!, { headers: { cookie }, redirect: 'manual' });
    return callback.headers.get('location');
  }

  it('while a plan is built', async () => {
    const runner = await seedRunnerWithPlan(server, 'Pia');
    const raceDate = new Date(Date.now() + 100 * 86_400_000).toISOString().slice(0, 10);
    await runner.call('POST', '/goals', { goal_type: 'race', target_race_distance_meters: 21_097.5, target_race_date: raceDate });
    const { context, page } = await open(runner.cookie, '/goals');
    await page.getByText(/· your plan/).waitFor(); // the first goal's plan is on the phone: one goal left to plan
    await slow(page, '**/api/plans/generate');
    await page.getByRole('button', { name: 'Build a plan for it' }).click();
    // The runner has a plan: building asks first (issue 18 §5).
    await page.getByRole('button', { name: 'Replace my plan' }).click();
    await progressbar(page, 'plan-progress').waitFor();
    expect(await progressbar(page, 'plan-progress').getAttribute('aria-busy')).toBe('true');
    await page.getByTestId('plan-progress').getByText('Building your plan…').waitFor();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/progress-plan.png`, fullPage: true });
    await page.waitForURL(/\/plan$/, { timeout: 30_000 });
    await context.close();
  });

  it('while syncing, and while a .FIT file is read', async () => {
    const cookie = await registerRunner(server, 'Sol');
    await apiAs(server, cookie)('PUT', '/profile', { units: 'km', time_zone: 'UTC' });
    const { context, page } = await open(cookie, '/');
    await page.getByText('All changes synced').waitFor();
    await slow(page, '**/api/sync/**');
    await page.getByRole('button', { name: 'Sync now' }).click();
    const syncing = page.getByRole('progressbar', { name: 'Syncing…' });
    await syncing.waitFor();
    expect(await syncing.getAttribute('aria-busy')).toBe('true');
    await page.getByText('All changes synced').waitFor();
    await page.unrouteAll({ behavior: 'wait' });

    await page.getByRole('link', { name: 'Activities', exact: true }).click();
    await page.getByText('No runs yet').waitFor();
    // The decoder is loaded when a file is picked: hold its code back, as a slow phone would.
    await slow(page, /\/_app\/immutable\/.*\.js$/);
    const file = join(mkdtempSync(join(tmpdir(), 'runcoach-fit-')), 'run.fit');
    writeFileSync(file, fitRunFile(new Date(Date.now() - 3 * 3_600_000)));
    await page.locator('input[type=file]').setInputFiles(file);
    await progressbar(page, 'upload-progress').waitFor();
    expect(await page.getByTestId('upload-progress').innerText()).toContain('Reading your .FIT file');
    await page.getByText(/Added your run of/).waitFor();
    expect(await page.getByTestId('upload-progress').count()).toBe(0);
    await context.close();
  });

  it('Sync Strava now, once the import is done: the server says when a catch-up may start', async () => {
    const cookie = await registerRunner(stravaServer, 'Ada');
    expect(await connectStrava(cookie)).toBe('/settings?strava=connected');
    const { context, page } = await open(cookie, '/settings', stravaServer);
    // Right after connecting, a catch-up is too soon (Strava's limits are the whole app's): the server's words say when.
    await page.getByTestId('backfill-summary').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('backfill-summary').innerText()).toMatch(/History import finished.*: 5 activities\./s);
    await page.getByRole('button', { name: 'Sync Strava now' }).click();
    await page.getByTestId('sync-message').waitFor();
    expect(await page.getByTestId('sync-message').innerText()).toMatch(/You synced a few minutes ago.*Try again in \d+ minutes?\./);
    await context.close();
    // The stand-in has one athlete: let go of it for the next runner.
    expect(
      (await fetch(`${stravaServer.publicUrl}/api/strava/disconnect`, { method: 'POST', headers: { cookie, origin: stravaServer.publicUrl } })).status,
    ).toBe(200);
  });

  it('while Strava history is imported', async () => {
    strava.fault('activities', 'hang', 1000); // the import stays in progress while the test looks
    const cookie = await registerRunner(stravaServer, 'Ivo');
    expect(await connectStrava(cookie)).toBe('/settings?strava=connected');

    const { context, page } = await open(cookie, '/settings?strava=connected', stravaServer);
    await progressbar(page, 'backfill-progress').waitFor();
    expect(await page.getByTestId('backfill-progress').innerText()).toMatch(/Importing your Strava history: 0 activities so far/);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/progress-strava.png`, fullPage: true });
    await context.close();
  });
});

describe.skipIf(!executable)('a chat message written offline', () => {
  const KEY = 'sk-ant-test-qualities-0123456789';
  let browser: Browser;
  let server: Server;
  let claude: AnthropicStandin;

  beforeAll(async () => {
    claude = await startAnthropicStandin({ apiKey: KEY, chunkDelayMs: 5 });
    server = await startConfiguredServer(await pwa(), { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: claude.baseUrl });
    browser = await launchChromium(executable!);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await claude?.close();
  });

  it('is kept on the phone as pending, sent by sync once online, and then answered', async () => {
    const { cookie, call } = await seedRunnerWithPlan(server, 'Oda');
    const { context, page } = await openSignedIn(browser, server.publicUrl, cookie, '/coach');
    await page.getByText('No messages yet').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true); // nothing typed yet
    await page.getByPlaceholder('Ask your coach…').waitFor();

    await context.setOffline(true);
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await page.getByText('You are offline.').waitFor();
    await page.getByLabel('Message to your coach').fill('My calf is tight, should I skip tomorrow?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('My calf is tight, should I skip tomorrow?').waitFor();
    await expect.poll(() => page.getByTestId('chat-pending').innerText()).toBe('Waiting to send: saved on this phone');
    const messages = () =>
      call<{ messages: { role: string; content: string; metadata: Record<string, unknown> }[] }>('GET', '/chat/messages').then((r) => r.messages);
    expect(await messages()).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/coach-offline-pending.png`, fullPage: true });

    claude.script({ type: 'text', text: 'Take tomorrow easy and see how the calf feels.' });
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    // Delivered by sync (chat.send), not by the chat request: the server marks it so.
    await expect
      .poll(messages, { timeout: 20_000 })
      .toEqual(
        expect.arrayContaining([expect.objectContaining({ role: 'user', content: 'My calf is tight, should I skip tomorrow?', metadata: { via: 'sync' } })]),
      );
    await expect.poll(() => page.getByTestId('chat-pending').count(), { timeout: 20_000 }).toBe(0);
    await page.getByText('Take tomorrow easy and see how the calf feels.').waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await messages()).map((m) => m.role), { timeout: 20_000 }).toEqual(['user', 'assistant']);
    // Once sync brings the stored reply, it says what the coach was shown (its context snapshot).
    const saw = page.getByTestId('coach-saw');
    await saw.waitFor({ timeout: 30_000 });
    await saw.getByText('What the coach saw').click();
    expect(await saw.innerText()).toMatch(
      /The coach saw your profile, your goals, the next two weeks of your plan.* and no earlier message, as of \d{4}-\d\d-\d\d\. Nothing from Strava was shared with it\./s,
    );
    await context.close();
  });
});
