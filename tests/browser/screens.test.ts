import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Encoder, type Encodable, type Mesg } from '@garmin/fitsdk';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '../../server/domain/accounts.ts';
import { loadConfig } from '../../server/lib/config.ts';
import { memoryLogger } from '../../server/lib/context.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { startAnthropicStandin, type AnthropicStandin } from '../../server/test/anthropic-standin.ts';
import { chromiumPath } from '../../server/test/requirements.ts';
import { buildPwa, launchChromium, SCREENSHOT_DIR, startAppServer } from './support.ts';

const executable = await chromiumPath('browser screens');
let built: Promise<string> | undefined;
/** The PWA, built once for both suites. */
const pwa = () => (built ??= buildPwa());

/** Registers a runner through the API; returns the session cookie. */
async function register(server: RunningServer & { publicUrl: string }, name: string): Promise<string> {
  const { code } = await createInvite(server.deps.db, { now: new Date() });
  const registered = await fetch(`${server.publicUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ invite_code: code, name, email: `${name.toLowerCase()}-${code}@example.com`, password: 'a long enough password' }),
  });
  return registered.headers.get('set-cookie')!.split(';')[0]!;
}

/** A browser page at 390×844 signed in with `cookie`, accepting confirm() dialogs. */
async function openPage(browser: Browser, baseUrl: string, cookie: string, path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.addCookies([{ name: 'rc_session', value: cookie.split('=')[1]!, url: baseUrl }]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${baseUrl}${path}`);
  return { context, page };
}

/** axe-core on the page: no serious or critical violations. */
async function expectAccessible(page: Page) {
  await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A 5 km run as a watch writes it (file_id, records, laps, session, activity), starting `start`. */
function runFile(start: Date): Uint8Array {
  const encoder = new Encoder();
  const write = (fields: Record<string, unknown>) => encoder.writeMesg(fields as unknown as Encodable<Mesg>);
  write({ mesgNum: 0, type: 'activity', manufacturer: 'garmin', product: 4315, serialNumber: 1_234_567, timeCreated: start });
  let t = start.getTime();
  for (let i = 0; i < 5; i++) {
    const lapStart = new Date(t);
    write({ mesgNum: 20, timestamp: lapStart, distance: i * 1000, heartRate: 150 });
    t += 330_000;
    write({ mesgNum: 19, messageIndex: i, timestamp: new Date(t), startTime: lapStart, totalElapsedTime: 330, totalTimerTime: 330, totalDistance: 1000, avgHeartRate: 150, sport: 'running' });
  }
  write({ mesgNum: 18, messageIndex: 0, timestamp: new Date(t), startTime: start, totalElapsedTime: 1650, totalTimerTime: 1650, totalDistance: 5000, sport: 'running', subSport: 'generic', avgHeartRate: 150, maxHeartRate: 160, totalAscent: 42, numLaps: 5, firstLapIndex: 0 });
  write({ mesgNum: 34, timestamp: new Date(t), totalTimerTime: 1650, numSessions: 1, type: 'manual', event: 'activity', eventType: 'stop' });
  return encoder.close();
}

describe.skipIf(!executable)('screens: Settings, Activities, Coach, Journal', () => {
  let browser: Browser;
  let server: RunningServer & { publicUrl: string };
  let cookie: string;

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.publicUrl}/api${path}`, { method, headers: { 'content-type': 'application/json', cookie }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    server = await startAppServer(await pwa());
    browser = await launchChromium(executable!);
    cookie = await register(server, 'Ada');
    await call('PUT', '/profile', { units: 'mi', current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 560 });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = (path: string) => openPage(browser, server.publicUrl, cookie, path);

  it('Settings: changes units (reaching the server), shows Strava not configured with the policy, rotates the calendar link', async () => {
    const { context, page } = await open('/settings');
    await page.getByTestId('strava-not-configured').waitFor();
    await expect.poll(() => page.getByTestId('strava-policy').textContent()).toMatch(/Strava/);
    const calendar = page.getByLabel('Calendar link');
    await expect.poll(() => calendar.inputValue()).toMatch(/^http.*calendar/);
    const before = await calendar.inputValue();

    await page.getByLabel('Kilometres').check();
    await expect.poll(async () => ((await (await call('GET', '/profile')).json()) as { profile: { units: string } }).profile.units, { timeout: 15_000 }).toBe('km');

    await page.getByRole('button', { name: 'Make a new link' }).click();
    await expect.poll(() => calendar.inputValue()).not.toBe(before);
    const after = ((await (await call('GET', '/profile')).json()) as { profile: { calendar_url: string } }).profile.calendar_url;
    expect(await calendar.inputValue()).toBe(after);

    await page.getByRole('heading', { name: 'E-mail' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/settings.png`, fullPage: true });
    await expectAccessible(page);
    await context.close();
  });

  it('Settings: shows the outcome of the Strava callback', async () => {
    const { context, page } = await open('/settings?strava=denied');
    await page.getByText('You did not allow RunCoach to read Strava').waitFor();
    await context.close();
  });

  it('Activities: uploads a .FIT run decoded on the device and shows it', async () => {
    const { context, page } = await open('/activities');
    await page.getByText('No runs yet').waitFor();
    const dir = mkdtempSync(join(tmpdir(), 'runcoach-fit-'));
    const file = join(dir, 'morning-run.fit');
    writeFileSync(file, runFile(new Date(Date.now() - 3 * 3_600_000)));
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByText(/Added your run of/).waitFor();
    const card = page.getByRole('listitem').filter({ hasText: 'Uploaded .FIT' });
    await expect.poll(() => card.textContent()).toMatch(/5(\.0)? km/);
    // The mutation reaches the server, which stores it as the runner's own upload.
    await expect
      .poll(async () => ((await (await call('GET', '/activities')).json()) as { activities: { source: string; distance_meters: number }[] }).activities, { timeout: 15_000 })
      .toEqual([expect.objectContaining({ source: 'fit_upload', distance_meters: 5000 })]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/activities.png`, fullPage: true });
    await expectAccessible(page);
    await context.close();
  });

  it('Coach: says the coach is not configured, and keeps the composer disabled', async () => {
    const { context, page } = await open('/coach');
    await page.getByTestId('coach-not-configured').waitFor();
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/coach.png`, fullPage: true });
    await expectAccessible(page);
    await context.close();
  });

  it('Journal: renders this week with the uploaded run, in the runner’s units', async () => {
    const { context, page } = await open('/journal');
    await page.getByRole('heading', { name: 'Planned vs done' }).waitFor();
    const distance = page.locator('dl > div').filter({ hasText: 'Distance' });
    await expect.poll(() => distance.textContent()).toMatch(/5(\.0)? km/);
    await page.getByText('Coach’s note').waitFor();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/journal.png`, fullPage: true });
    await expectAccessible(page);
    await page.getByRole('button', { name: /Previous week/ }).click();
    await expect.poll(() => distance.textContent()).toMatch(/0(\.0)? km/);
    await context.close();
  });
});

describe.skipIf(!executable)('Coach screen with the coach configured (loopback Claude)', () => {
  const KEY = 'sk-ant-test-screens-0123456789';
  let browser: Browser;
  let server: RunningServer & { publicUrl: string };
  let standin: AnthropicStandin;

  beforeAll(async () => {
    standin = await startAnthropicStandin({ apiKey: KEY, chunkDelayMs: 5 });
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const publicUrl = `http://localhost:${port}`;
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'runcoach-coach-')), PORT: String(port), PUBLIC_URL: publicUrl, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.baseUrl });
    server = { ...(await startServer(config, { staticDir: await pwa(), log: memoryLogger(), host: '127.0.0.1' })), publicUrl };
    browser = await launchChromium(executable!);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await standin?.close();
  });

  it('streams a reply with a proposal, shows the diff, and accepts it', async () => {
    const cookie = await register(server, 'Bo');
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${server.publicUrl}/api${path}`, { method, headers: { 'content-type': 'application/json', cookie }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    await call('PUT', '/profile', { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600, units: 'km' });
    const raceDate = new Date(Date.now() + 70 * 86_400_000).toISOString().slice(0, 10);
    const goal = (await (await call('POST', '/goals', { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: raceDate })).json()) as { goal: { id: string } };
    const plan = (await (await call('POST', '/plans/generate', { goal_id: goal.goal.id })).json()) as { workouts: { id: string; type: string; planned_distance_meters: number | null; scheduled_date: string }[] };
    const today = new Date().toISOString().slice(0, 10);
    const easy = plan.workouts.find((w) => w.type === 'easy' && w.planned_distance_meters && w.scheduled_date > today)!;
    standin.script(
      { type: 'tool_use', name: 'propose_change', input: { kind: 'shorten', workout_id: easy.id, fraction: 0.8, reason: 'A busy week: keep it shorter.' }, text: 'Let me look.' },
      { type: 'text', text: 'I proposed a shorter easy run. Accept it if it suits you.' },
    );

    const { context, page } = await openPage(browser, server.publicUrl, cookie, '/coach');
    await page.getByText('No messages yet').waitFor();
    await page.getByLabel('Message to your coach').fill('Busy week, can I run less?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Accept it if it suits you.').waitFor();
    await page.getByText('Proposed change: Shorten').waitFor();
    await page.getByText('A busy week: keep it shorter.').waitFor();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/coach-proposal.png`, fullPage: true });
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText('Accepted', { exact: true }).waitFor();
    const after = (await (await call('GET', `/workouts/${easy.id}`)).json()) as { workout: { planned_distance_meters: number } };
    expect(after.workout.planned_distance_meters).toBeLessThan(easy.planned_distance_meters!);
    // The conversation is kept: after a reload it comes from the phone's synced history.
    await page.reload();
    await page.getByText('Busy week, can I run less?').waitFor();
    await page.getByText('Accepted', { exact: true }).waitFor();
    await context.close();
  });
});
