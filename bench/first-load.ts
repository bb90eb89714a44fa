import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ensureBuild } from '../scripts/app-build.ts';
import { createInvite } from '../server/accounts/users.ts';
import { loadConfig } from '../server/lib/config.ts';
import { memoryLogger } from '../server/lib/log.ts';
import { startServer, type RunningServer } from '../server/server.ts';
import type { BenchFigure } from './lib.ts';

// First-load JS (issue 21): the JavaScript a phone's browser fetches on a first visit (nothing
// cached, no service worker yet) to the sign-in page and to Today signed in, counted as the
// gzipped bytes the real server sends for each script Chromium asked for.

const TARGET_KB = 100;

export const chromiumPath = () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The real server on the built app (temporary PGlite DATA_DIR), reached as http://localhost:<port>. */
export async function startBenchApp(): Promise<{ server: RunningServer; url: string; close: () => Promise<void> }> {
  const { dir } = await ensureBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-bench-'));
  const server = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), { staticDir: dir, log: memoryLogger(), host: '127.0.0.1' });
  return {
    server,
    url: server.url.replace('127.0.0.1', 'localhost'),
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A runner as a household has one: invited, signed up, a profile, a 10K goal and its plan, made
 * through the API as tests/browser/support.ts does. Returns the session cookie's value.
 */
export async function seedRunner(server: RunningServer, url: string): Promise<string> {
  const { code } = await createInvite(server.deps.db, { now: new Date() });
  const json = { 'content-type': 'application/json' };
  const registered = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ invite_code: code, name: 'Bench', email: `bench-${code}@example.com`, password: 'a long enough password' }),
  });
  const setCookie = registered.headers.get('set-cookie');
  if (!setCookie) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  const cookie = setCookie.split(';')[0]!;
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${url}/api${path}`, { method, headers: { ...json, cookie }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  await call('PUT', '/profile', {
    current_weekly_mileage_miles: 25,
    days_available_per_week: 5,
    easy_pace_per_mile_seconds: 570,
    units: 'km',
    time_zone: 'UTC',
  });
  const raceDate = new Date(Date.now() + 70 * 86_400_000).toISOString().slice(0, 10);
  const { goal } = await call('POST', '/goals', { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: raceDate });
  await call('POST', '/plans/generate', { goal_id: goal.id });
  return cookie.split('=')[1]!;
}

/** The bytes of one response as sent (node:http does not decode), and its encoding. */
function wireBytes(url: string, acceptEncoding: string | null): Promise<{ bytes: number; encoding: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`${url} answered ${res.statusCode}`));
        else resolve({ bytes, encoding: (res.headers['content-encoding'] as string | undefined) ?? null });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The scripts Chromium fetches from our origin on a first visit to `path` (service worker blocked). */
async function scriptsOnFirstVisit(browser: Browser, url: string, path: string, session: string | null): Promise<string[]> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
  try {
    if (session) await context.addCookies([{ name: 'rc_session', value: session, url }]);
    const page = await context.newPage();
    const scripts = new Set<string>();
    page.on('request', (req) => {
      const u = new URL(req.url());
      if (u.origin === new URL(url).origin && !u.pathname.startsWith('/api/') && (req.resourceType() === 'script' || u.pathname.endsWith('.js')))
        scripts.add(req.url());
    });
    await page.goto(`${url}${path}`, { waitUntil: 'networkidle' });
    // The screen itself, not a redirect (to sign-in, to onboarding) measured in its place.
    if (new URL(page.url()).pathname !== path) throw new Error(`${path} ended on ${page.url()}`);
    return [...scripts];
  } finally {
    await context.close();
  }
}

/** First-load JS, gzipped (and raw, aside), for the sign-in page and Today signed in. */
export async function benchFirstLoad(): Promise<BenchFigure[]> {
  const app = await startBenchApp();
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const session = await seedRunner(app.server, app.url);
    const figures: BenchFigure[] = [];
    for (const [label, path, cookie] of [
      ['sign-in page', '/signin', null],
      ['Today, signed in', '/', session],
    ] as const) {
      const scripts = await scriptsOnFirstVisit(browser, app.url, path, cookie);
      let gz = 0;
      let raw = 0;
      for (const script of scripts) {
        const sent = await wireBytes(script, 'gzip');
        if (sent.encoding !== 'gzip' && sent.bytes > 1024) throw new Error(`${script} was not sent gzipped`);
        gz += sent.bytes;
        raw += (await wireBytes(script, null)).bytes;
      }
      const kb = gz / 1024;
      figures.push(
        { name: `first-load JS, ${label} (${scripts.length} scripts, gzip)`, value: kb, unit: 'KB', target: `≤ ${TARGET_KB} KB gz`, ok: kb <= TARGET_KB },
        { name: `first-load JS, ${label}: raw`, value: raw / 1024, unit: 'KB' },
      );
    }
    return figures;
  } finally {
    await browser.close();
    await app.close();
  }
}
