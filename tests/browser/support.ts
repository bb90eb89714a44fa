import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Encoder, type Encodable, type Mesg } from '@garmin/fitsdk';
import axe from 'axe-core';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { createInvite } from '../../server/accounts/users.ts';
import { loadConfig } from '../../server/lib/config.ts';
import { memoryLogger } from '../../server/lib/log.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { ensureBuild } from '../../scripts/app-build.ts';
import { freePort } from '../../ops/lib/util.ts';

export { withBuildLock } from '../../scripts/app-build.ts';

export const SCREENSHOT_DIR = 'test-results/screens';
/**
 * The built PWA (what `npm start` serves, precompressed), in a folder of its own that no later
 * build overwrites. Test files and benches share one build per source fingerprint, so only the
 * first of them pays for `vite build`.
 */
export async function buildPwa(): Promise<string> {
  return (await ensureBuild()).dir;
}

/** The real server on a fresh PGlite data directory, serving the built PWA on loopback. */
export async function startAppServer(
  staticDir: string,
  dataDir = mkdtempSync(join(tmpdir(), 'runcoach-browser-')),
): Promise<RunningServer & { dataDir: string; publicUrl: string }> {
  const port = await freePort();
  const publicUrl = `http://localhost:${port}`;
  const config = loadConfig({ DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: publicUrl });
  const server = await startServer(config, { staticDir, log: memoryLogger(), host: '127.0.0.1' });
  return { ...server, dataDir, publicUrl };
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The built PWA on a real server and Chromium, for one describe block: started before its
 * tests, closed after. Read `browser` and `server` inside tests (they exist once started).
 */
export function useAppInChromium(executablePath: string): {
  readonly browser: Browser;
  readonly server: RunningServer & { dataDir: string; publicUrl: string };
} {
  let browser: Browser | undefined;
  let server: (RunningServer & { dataDir: string; publicUrl: string }) | undefined;
  beforeAll(async () => {
    server = await startAppServer(await buildPwa());
    browser = await launchChromium(executablePath);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is ready only inside tests`);
    return value;
  };
  return {
    get browser() {
      return ready(browser, 'the browser');
    },
    get server() {
      return ready(server, 'the server');
    },
  };
}

/** As startAppServer, with more of the environment (ANTHROPIC_*, STRAVA_*): the coach or Strava against loopback stand-ins. */
/** Waits until the service worker is active and controls `page` (clientsClaim hands it over). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });
}

export async function startConfiguredServer(staticDir: string, env: Record<string, string>): Promise<RunningServer & { dataDir: string; publicUrl: string }> {
  const port = await freePort();
  const publicUrl = `http://localhost:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-browser-'));
  const config = loadConfig({ ...env, DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: publicUrl });
  const server = await startServer(config, { staticDir, log: memoryLogger(), host: '127.0.0.1' });
  return { ...server, dataDir, publicUrl };
}

/** Registers a runner through the API with a fresh invite; returns the session cookie (`rc_session=…`). */
export async function registerRunner(server: RunningServer & { publicUrl: string }, name: string): Promise<string> {
  const { code } = await createInvite(server.deps.db, { now: new Date() });
  const registered = await fetch(`${server.publicUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ invite_code: code, name, email: `${name.toLowerCase()}-${code}@example.com`, password: 'a long enough password' }),
  });
  const cookie = registered.headers.get('set-cookie');
  if (!cookie) throw new Error(`registration answered ${registered.status}: ${await registered.text()}`);
  return cookie.split(';')[0]!;
}

/** Calls the API as the runner with `cookie` (from Node, so a browser's offline switch does not apply). */
export function apiAs(server: { publicUrl: string }, cookie: string) {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.publicUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
}

export interface SeededWorkout {
  id: string;
  workout_type: string;
  title: string;
  scheduled_date: string;
  estimated_distance_meters: number | null;
  structure: { segments: { type: string }[] };
}

/**
 * A runner with a profile (`profile` overrides it), a race goal 10 weeks out and the plan for
 * it, made through the API. Returns the cookie, an API caller, and the plan's workouts.
 */
export async function seedRunnerWithPlan(server: RunningServer & { publicUrl: string }, name: string, profile: Record<string, unknown> = {}) {
  const cookie = await registerRunner(server, name);
  const call = apiAs(server, cookie);
  await call('PUT', '/profile', {
    current_weekly_mileage_miles: 25,
    days_available_per_week: 5,
    easy_pace_per_mile_seconds: 570,
    units: 'km',
    time_zone: 'UTC',
    ...profile,
  });
  const raceDate = new Date(Date.now() + 70 * 86_400_000).toISOString().slice(0, 10);
  const { goal } = await call<{ goal: { id: string } }>('POST', '/goals', {
    goal_type: 'race',
    target_race_distance_meters: 10_000,
    target_race_date: raceDate,
  });
  const { workouts } = await call<{ workouts: SeededWorkout[] }>('POST', '/plans/generate', { goal_id: goal.id });
  return { cookie, call, goalId: goal.id, workouts };
}

/** A browser context and page at 390×844 (a phone) signed in with `cookie`, accepting confirm() dialogs. */
export async function openSignedIn(
  browser: Browser,
  baseUrl: string,
  cookie: string | null,
  path: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, ...options });
  if (cookie) await context.addCookies([{ name: 'rc_session', value: cookie.split('=')[1]!, url: baseUrl }]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${baseUrl}${path}`);
  return { context, page };
}

/** axe-core on the page (every rule, colour contrast included): its serious and critical violations, as `rule: targets` lines. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol, not added as an inline <script>: the app's CSP
  // (scripts from our origin or by hash only) rightly refuses a script tag it did not ship.
  await page.evaluate(axe.source);
  const results = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A 5 km run as a watch writes it (file_id, records, laps, session, activity), starting `start`. */
export function fitRunFile(start: Date): Uint8Array {
  const encoder = new Encoder();
  const write = (fields: Record<string, unknown>) => encoder.writeMesg(fields as unknown as Encodable<Mesg>);
  write({ mesgNum: 0, type: 'activity', manufacturer: 'garmin', product: 4315, serialNumber: 1_234_567, timeCreated: start });
  let t = start.getTime();
  for (let i = 0; i < 5; i++) {
    const lapStart = new Date(t);
    write({ mesgNum: 20, timestamp: lapStart, distance: i * 1000, heartRate: 150 });
    t += 330_000;
    write({
      mesgNum: 19,
      messageIndex: i,
      timestamp: new Date(t),
      startTime: lapStart,
      totalElapsedTime: 330,
      totalTimerTime: 330,
      totalDistance: 1000,
      avgHeartRate: 150,
      sport: 'running',
    });
  }
  write({
    mesgNum: 18,
    messageIndex: 0,
    timestamp: new Date(t),
    startTime: start,
    totalElapsedTime: 1650,
    totalTimerTime: 1650,
    totalDistance: 5000,
    sport: 'running',
    subSport: 'generic',
    avgHeartRate: 150,
    maxHeartRate: 160,
    totalAscent: 42,
    numLaps: 5,
    firstLapIndex: 0,
  });
  write({ mesgNum: 34, timestamp: new Date(t), totalTimerTime: 1650, numSessions: 1, type: 'manual', event: 'activity', eventType: 'stop' });
  return encoder.close();
}

/**
 * Every touch target on the page smaller than 44 × 44 CSS px. Targets: links, buttons, form
 * controls, [role=button], summary, and a label wrapping a control (for a radio, checkbox or
 * file input, the label is the target, not the tiny native control). The only exception is the
 * one WCAG 2.5.8 allows: a link inline in a sentence, sized by the text's line height.
 */
export function smallTargets(page: Page): Promise<{ measured: number; small: string[] }> {
  return page.evaluate(() => {
    const MIN = 44;
    const shown = (el: Element) => {
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden';
    };
    const inSentence = (el: HTMLElement) => {
      const sentence = el.closest('p');
      return (
        getComputedStyle(el).display === 'inline' && sentence !== null && (sentence.textContent ?? '').trim().length > (el.textContent ?? '').trim().length
      );
    };
    const name = (el: HTMLElement) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`;
    const problems: string[] = [];
    let measured = 0;
    for (const el of document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), select, textarea, [role=button], summary, label')) {
      if (el.tagName === 'LABEL' && !el.querySelector('input, select, textarea')) continue;
      if (el instanceof HTMLInputElement && ['radio', 'checkbox', 'file'].includes(el.type) && el.closest('label')) continue;
      if (!shown(el) || (el.tagName === 'A' && inSentence(el))) continue;
      const rect = el.getBoundingClientRect();
      measured++;
      if (rect.width < MIN || rect.height < MIN) problems.push(`${name(el)} is ${Math.round(rect.width)}×${Math.round(rect.height)}`);
    }
    return { measured, small: problems };
  });
}
