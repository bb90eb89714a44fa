import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { authThrottle } from '../db/schema.ts';
import { createInvite } from './users.ts';
import { runRetentionPurge } from '../operator/maintenance.ts';
import { openTestPglite } from '../test/databases.ts';
import { buildTestApp, PUBLIC_URL, type TestApp } from '../test/harness.ts';

// Throttles that hold (issue 15): attempts are counted in the database before any password
// work, so racing requests and several instances share one limit; a stranger's wrong passwords
// do not lock the owner's known devices out; sign-up checks the invite before hashing.

// Every password hash and verification is one scrypt call: the real one runs, and is counted,
// so the tests can say how much password work a burst of requests caused.
const scrypt = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const counted = ((...args: Parameters<typeof real.scrypt>) => {
    scrypt.calls += 1;
    return (real.scrypt as (...a: unknown[]) => void)(...args);
  }) as typeof real.scrypt;
  return { ...real, default: { ...real, scrypt: counted }, scrypt: counted };
});

const MINUTE = 60 * 1000;
const PASSWORD = 'the right password';

let handle: DatabaseHandle;
let t: TestApp;
let other: TestApp;

beforeAll(async () => {
  handle = await openTestPglite();
  t = buildTestApp(handle);
  // A second instance on the same database, as behind a load balancer.
  other = buildTestApp(handle);
});
afterAll(async () => {
  await handle?.close();
});

/** A request from a socket at `ip`, as @hono/node-server binds it. */
async function send(app: TestApp, method: string, path: string, options: { ip: string; body?: unknown; cookie?: string | undefined }) {
  const headers: Record<string, string> = { origin: PUBLIC_URL, 'content-type': 'application/json' };
  if (options.cookie) headers.cookie = options.cookie;
  const response = await app.app.request(
    path,
    { method, headers, body: JSON.stringify(options.body) },
    { incoming: { socket: { remoteAddress: options.ip } } },
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

/** The `name=value` of the cookie `name` among the response's Set-Cookie headers. */
function cookieOf(headers: Headers, name: string): string | undefined {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith(`${name}=`));
}

let serial = 0;
async function register(ip: string) {
  const { code } = await createInvite(t.deps.db, { now: t.clock.now() });
  serial += 1;
  const email = `throttle-${serial}@example.com`;
  const res = await send(t, 'POST', '/api/auth/register', { ip, body: { invite_code: code, name: 'Runner', email, password: PASSWORD } });
  expect(res.status).toBe(201);
  return { email, userId: res.json.user.id as string, session: cookieOf(res.headers, 'rc_session')!, device: cookieOf(res.headers, 'rc_device') };
}

const login = (app: TestApp, ip: string, email: string, password: string, cookie?: string) =>
  send(app, 'POST', '/api/auth/login', { ip, body: { email, password }, cookie });

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const status of statuses) out[status] = (out[status] ?? 0) + 1;
  return out;
}

/** Moves both instances' clocks past every window. */
function nextWindow(): void {
  t.clock.advance(61 * MINUTE);
  other.clock.advance(61 * MINUTE);
}

describe('sign-in throttle under concurrency (M2)', () => {
  it('checks at most 5 passwords of 40 concurrent sign-ins to one account; the rest get 429 with Retry-After', async () => {
    const { email } = await register('203.0.113.1');
    const burst = Array.from({ length: 40 }, (_, i) => (i < 39 ? `wrong password ${i}` : PASSWORD));
    const before = scrypt.calls;
    const answers = await Promise.all(burst.map((password) => login(t, '198.51.100.1', email, password)));
    expect(scrypt.calls - before).toBeLessThanOrEqual(5);
    const statuses = tally(answers.map((a) => a.status));
    expect((statuses[401] ?? 0) + (statuses[200] ?? 0)).toBeLessThanOrEqual(5);
    expect(statuses[429]).toBeGreaterThanOrEqual(35);
    const blocked = answers.find((a) => a.status === 429)!;
    expect(blocked.json.error).toMatchObject({
      code: 'too_many_attempts',
      message: expect.stringMatching(/^Too many sign-in attempts\. Try again in 15 min\.$/),
    });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    nextWindow();
  });

  it('checks at most 20 of 40 concurrent sign-ins spraying 40 accounts from one address', async () => {
    const before = scrypt.calls;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(t, '198.51.100.2', `spray-${i}@example.com`, 'guess guess')));
    // Unknown e-mails are verified against a dummy hash (made once), so they cost a scrypt call too.
    expect(scrypt.calls - before).toBeLessThanOrEqual(21);
    const statuses = tally(answers.map((a) => a.status));
    expect(statuses[401]).toBeLessThanOrEqual(20);
    expect(statuses[429]).toBeGreaterThanOrEqual(20);
    nextWindow();
  });

  it('shares the limit between two instances on one database', async () => {
    const { email } = await register('203.0.113.2');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(i % 2 ? other : t, '198.51.100.3', email, `wrong password ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await login(other, '198.51.100.3', email, PASSWORD)).status).toBe(429);
    nextWindow();
    expect((await login(other, '198.51.100.3', email, PASSWORD)).status).toBe(200);
  });

  it('counts only failures per address: many good sign-ins from one address are never throttled', async () => {
    const { email } = await register('203.0.113.3');
    for (let i = 0; i < 25; i++) expect((await login(t, '198.51.100.4', email, PASSWORD)).status).toBe(200);
  });
});

describe('a stranger cannot lock the owner out (L1)', () => {
  it("lets the owner's known device in after a stranger's wrong passwords, and keeps the stranger throttled", async () => {
    const owner = await register('203.0.113.10');
    for (let i = 0; i < 5; i++) expect((await login(t, '192.0.2.66', owner.email, `stranger guess ${i}`)).status).toBe(401);
    expect((await login(t, '192.0.2.66', owner.email, PASSWORD)).status).toBe(429);
    // The owner, from the browser they signed up in (signed out: the device cookie alone).
    const ownerIn = await login(t, '203.0.113.10', owner.email, PASSWORD, owner.device);
    expect(ownerIn.status).toBe(200);
    expect(cookieOf(ownerIn.headers, 'rc_session')).toBeDefined();
    expect(owner.device).toMatch(/^rc_device=[\w-]+\.[\w-]+\.[\w-]+$/);
    // The stranger is still throttled, from any address, and a forged or borrowed device cookie does not help.
    expect((await login(t, '192.0.2.67', owner.email, PASSWORD)).status).toBe(429);
    const [id, device] = owner.device!.slice('rc_device='.length).split('.');
    expect((await login(t, '192.0.2.66', owner.email, PASSWORD, `rc_device=${id}.${device}.forged-mac`)).status).toBe(429);
    const strangerAccount = await register('192.0.2.66');
    expect((await login(t, '192.0.2.66', owner.email, PASSWORD, strangerAccount.device)).status).toBe(429);
    nextWindow();
  });

  it('gives a known device its own budget of 5, which a stranger cannot spend', async () => {
    const owner = await register('203.0.113.11');
    for (let i = 0; i < 5; i++) expect((await login(t, '203.0.113.11', owner.email, `my typo ${i}`, owner.device)).status).toBe(401);
    expect((await login(t, '203.0.113.11', owner.email, PASSWORD, owner.device)).status).toBe(429);
    // The device's failures did not spend the strangers' budget either way round: a new browser of the owner still gets in.
    const newBrowser = await login(t, '203.0.113.12', owner.email, PASSWORD);
    expect(newBrowser.status).toBe(200);
    // …and is a known device from then on.
    expect(cookieOf(newBrowser.headers, 'rc_device')).toMatch(/^rc_device=/);
    nextWindow();
  });
});

describe('sign-up (M3, L2)', () => {
  it('checks the invite code before hashing the password, and answers 429 after 10 failures from one address', async () => {
    const before = scrypt.calls;
    const answers = [];
    for (let i = 0; i < 15; i++) {
      answers.push(
        await send(t, 'POST', '/api/auth/register', {
          ip: '198.51.100.20',
          body: { invite_code: `MADE-UP0-CODE-${1000 + i}`, name: 'Flood', email: `flood-${i}@example.com`, password: 'long enough password' },
        }),
      );
    }
    expect(scrypt.calls - before).toBe(0);
    expect(answers.slice(0, 10).map((a) => a.json.error.code)).toEqual(Array(10).fill('invite_code_invalid'));
    expect(answers.slice(10).map((a) => a.status)).toEqual(Array(5).fill(429));
    expect(answers[10]!.json.error.message).toMatch(/^Too many sign-up attempts\. Try again in \d+ min\.$/);
    expect(Number(answers[10]!.headers.get('retry-after'))).toBeGreaterThan(0);
    // A real invite from that address waits too; another address is not affected.
    const { code } = await createInvite(t.deps.db, { now: t.clock.now() });
    const body = { invite_code: code, name: 'Real', email: 'real-after-flood@example.com', password: 'long enough password' };
    expect((await send(t, 'POST', '/api/auth/register', { ip: '198.51.100.20', body })).status).toBe(429);
    expect((await send(t, 'POST', '/api/auth/register', { ip: '198.51.100.21', body })).status).toBe(201);
    nextWindow();
  });

  it('limits probing which e-mails are registered with a valid invite code', async () => {
    const { email } = await register('203.0.113.20');
    const { code } = await createInvite(t.deps.db, { now: t.clock.now() });
    const statuses = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (
          await send(t, 'POST', '/api/auth/register', {
            ip: '198.51.100.22',
            body: { invite_code: code, name: 'Probe', email, password: 'long enough password' },
          })
        ).status,
      );
    expect(statuses).toEqual([...Array(10).fill(409), 429, 429]);
    nextWindow();
  });

  it('does not count successful sign-ups: a household signs up many runners from one address', async () => {
    for (let i = 0; i < 15; i++) await register('198.51.100.23');
  });
});

describe('account deletion (L3)', () => {
  it('answers 429 after 5 wrong passwords, even to the right one, until the window passes', async () => {
    const owner = await register('203.0.113.30');
    const del = (password: string) => send(t, 'DELETE', '/api/account', { ip: '203.0.113.30', cookie: owner.session, body: { password } });
    const before = scrypt.calls;
    for (let i = 0; i < 5; i++) expect((await del(`wrong password ${i}`)).status).toBe(403);
    const blocked = await del(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.message).toMatch(/^Too many wrong passwords\. Try again in 15 min\.$/);
    expect(scrypt.calls - before).toBe(5);
    nextWindow();
    const deleted = await del(PASSWORD);
    expect(deleted.status).toBe(204);
    expect(deleted.headers.getSetCookie().join('\n')).toMatch(/rc_device=;/);
  });
});

describe('maintenance', () => {
  it('purges counters whose window has passed in the hourly job', async () => {
    await login(t, '198.51.100.40', 'purge-me@example.com', 'guess guess');
    const rows = async () => (await t.deps.db.select({ n: count() }).from(authThrottle))[0]!.n;
    expect(await rows()).toBeGreaterThan(0);
    nextWindow();
    expect(await runRetentionPurge(t.deps, undefined)).toMatch(/[1-9]\d* expired throttle counters/);
    expect(await rows()).toBe(0);
  });
});
