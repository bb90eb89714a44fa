import { readFile } from 'node:fs/promises';
import { Decoder, Stream } from '@garmin/fitsdk';
import type { Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createInvite } from '../../server/accounts/users.ts';
import { chromiumPath } from '../../server/test/requirements.ts';
import { SCREENSHOT_DIR, useAppInChromium, waitForServiceWorker } from './support.ts';

const executable = await chromiumPath('browser FIT export');

describe.skipIf(!executable)('FIT export in the browser', () => {
  const app = useAppInChromium(executable!);

  /** A runner with a plan, made through the API; returns the session cookie and a workout. */
  async function runnerWithPlan() {
    const { code } = await createInvite(app.server.deps.db, { now: new Date() });
    const post = (path: string, body: unknown, cookie = '') =>
      fetch(`${app.server.publicUrl}/api${path}`, {
        method: path === '/profile' ? 'PUT' : 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      });
    const registered = await post('/auth/register', { invite_code: code, name: 'Fia', email: `fia-${code}@example.com`, password: 'a long enough password' });
    const cookie = registered.headers.get('set-cookie')!.split(';')[0]!;
    await post('/profile', { current_weekly_mileage_miles: 30, days_available_per_week: 5, easy_pace_per_mile_seconds: 540, units: 'km' }, cookie);
    const raceDate = new Date(Date.now() + 70 * 86_400_000).toISOString().slice(0, 10);
    const goal = (await (await post('/goals', { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: raceDate }, cookie)).json()) as {
      goal: { id: string };
    };
    const plan = (await (await post('/plans/generate', { goal_id: goal.goal.id }, cookie)).json()) as { workouts: { id: string; workout_type: string }[] };
    const workout =
      plan.workouts.find((w) => w.workout_type === 'intervals' || w.workout_type === 'threshold' || w.workout_type === 'tempo') ?? plan.workouts[0]!;
    return { cookie, workout };
  }

  it("passes Chromium's installability checks (manifest, icons, service worker)", async () => {
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.server.publicUrl}/signin`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    // Playwright's contexts are incognito profiles, where Chromium never offers installation;
    // every error the app itself could cause (manifest, icons, service worker) must be absent.
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    const manifest = await (await fetch(`${app.server.publicUrl}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ name: 'RunCoach', display: 'standalone', theme_color: expect.any(String) });
    expect(manifest.icons.map((i: { sizes: string; purpose?: string }) => `${i.sizes}${i.purpose ? ` ${i.purpose}` : ''}`)).toEqual([
      '192x192',
      '512x512',
      '512x512 maskable',
    ]);
    await context.close();
  });

  it('encodes the workout on the device with the network off, byte for byte what the server makes', async () => {
    const { cookie, workout } = await runnerWithPlan();
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    await context.addCookies([{ name: 'rc_session', value: cookie.split('=')[1]!, url: app.server.publicUrl }]);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${app.server.publicUrl}/workouts/${workout.id}`);
    await waitForServiceWorker(page);
    await page.getByRole('button', { name: 'Download .FIT' }).waitFor();
    await page.getByText('GARMIN/NewFiles').waitFor({ state: 'attached' });
    await page.screenshot({ path: `${SCREENSHOT_DIR}/workout.png`, fullPage: true });

    await context.setOffline(true);
    const responses: Response[] = [];
    page.on('response', (response) => responses.push(response));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .FIT' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.fit$/);
    const bytes = new Uint8Array(await readFile((await download.path())!));

    // The SDK chunk was fetched lazily, from the service worker's cache, and nothing else went out.
    expect(responses.some((r) => r.url().endsWith('.js'))).toBe(true);
    expect(responses.filter((r) => !r.fromServiceWorker()).map((r) => r.url())).toEqual([]);

    const decoder = new Decoder(Stream.fromByteArray(Array.from(bytes)));
    expect(decoder.checkIntegrity()).toBe(true);
    const { messages } = decoder.read();
    expect(messages.workoutStepMesgs?.length).toBeGreaterThan(0);
    const fromServer = new Uint8Array(await (await fetch(`${app.server.publicUrl}/api/workouts/${workout.id}/fit`, { headers: { cookie } })).arrayBuffer());
    expect(bytes).toEqual(fromServer);

    // "Download week": one .zip of the week's workouts, encoded on the device. The week list is
    // read from the API until the plan screen reads the phone's own store, so this part is online.
    await context.setOffline(false);
    await page.getByRole('link', { name: 'Plan', exact: true }).click();
    await page.getByRole('button', { name: 'Next week' }).click();
    const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download week/ }).click()]);
    expect(zip.suggestedFilename()).toMatch(/^runcoach-week-\d{4}-\d{2}-\d{2}\.zip$/);
    const entries = storedZipEntries(new Uint8Array(await readFile((await zip.path())!)));
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry.name).toMatch(/\.fit$/);
      expect(new Decoder(Stream.fromByteArray(Array.from(entry.bytes))).checkIntegrity()).toBe(true);
    }
    await context.close();
  });
});

/** Reads the entries of a store-only ZIP (what the app writes) from its central directory. */
function storedZipEntries(zip: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.byteLength - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    const comment = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    entries.push({ name, bytes: zip.subarray(dataStart, dataStart + size) });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}
