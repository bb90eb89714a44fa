import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createInvite } from '../server/accounts/users.ts';
import { loadConfig } from '../server/lib/config.ts';
import { memoryLogger } from '../server/lib/log.ts';
import { startServer } from '../server/server.ts';
import { buildPwa } from '../tests/browser/support.ts';
import { median, type BenchFigure } from './lib.ts';

// Offline cold start: a runner who has used the app once opens it with no network. Time from
// navigation to the first content drawn from the phone's own data ("Up next" on Today).

const RUNS = 10;

/** Median of 10 offline cold starts to first content in headless Chromium. */
export async function benchOfflineStart(): Promise<BenchFigure[]> {
  const server = await startServer(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'runcoach-bench-')), PORT: '0' }), {
    staticDir: await buildPwa(),
    log: memoryLogger(),
    host: '127.0.0.1',
  });
  const url = server.url.replace('127.0.0.1', 'localhost');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const { code } = await createInvite(server.deps.db, { now: new Date() });
    const api = async (method: string, path: string, body: unknown, cookie = '') =>
      fetch(`${url}/api${path}`, { method, headers: { 'content-type': 'application/json', cookie, origin: url }, body: JSON.stringify(body) });
    const registered = await api('POST', '/auth/register', { invite_code: code, name: 'Bench', email: 'bench@example.com', password: 'long enough password' });
    const cookie = registered.headers.get('set-cookie')!.split(';')[0]!;
    await api('PUT', '/profile', { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 570 }, cookie);
    const race = new Date(Date.now() + 84 * 86_400_000).toISOString().slice(0, 10);
    const goal = (await (await api('POST', '/goals', { goal_type: 'race', target_race_distance_meters: 21_097.5, target_race_date: race }, cookie)).json()) as {
      goal: { id: string };
    };
    await api('POST', '/plans/generate', { goal_id: goal.goal.id }, cookie);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addCookies([{ name: 'rc_session', value: cookie.split('=')[1]!, url }]);
    const warm = await context.newPage();
    await warm.goto(`${url}/`);
    await warm.evaluate(() => navigator.serviceWorker.ready);
    await warm.getByRole('heading', { name: 'Up next' }).waitFor({ timeout: 30_000 });
    await warm.close();
    await context.setOffline(true);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${url}/`);
      await page.getByRole('heading', { name: 'Up next' }).waitFor({ timeout: 30_000 });
      times.push(performance.now() - start);
      await page.close();
    }
    return [{ name: 'offline cold start to first content (median of 10)', value: median(times), unit: 'ms' }];
  } finally {
    await browser.close();
    await server.close();
  }
}
