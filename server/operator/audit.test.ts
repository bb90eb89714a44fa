import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, users } from '../db/schema.ts';
import { createInvite } from '../accounts/users.ts';
import { listAudit, pruneAudit, recordAudit, recordAuditAfter, type AuditKind } from '../audit/audit.ts';
import { connectStrava, eventJson, processStoredEvents, pushEvent, useStravaTestApp } from '../strava/test-kit.ts';
import { memoryLogger } from '../lib/log.ts';
import { PUBLIC_URL, sessionCookie } from '../test/harness.ts';

// The operators' audit log: each security event once, with the runner and the address it came
// from; never a secret; readable only on loopback with the admin token; kept past deletion.

const t = useStravaTestApp({ jobs: false });

const UA = 'Mozilla/5.0 (RunCoach audit test)';

/** A request from a socket at `ip` (as @hono/node-server binds it), with a browser's headers. */
async function send(method: string, path: string, options: { ip?: string; body?: unknown; cookie?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'user-agent': UA, origin: PUBLIC_URL, ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  const response = await t.app.request(
    path,
    { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) },
    { incoming: { socket: { remoteAddress: options.ip ?? '198.51.100.7' } } },
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

async function register(email: string, password = 'a long enough password', ip = '198.51.100.7') {
  const { code } = await createInvite(t.deps.db, { now: t.clock.now() });
  const res = await send('POST', '/api/auth/register', { ip, body: { invite_code: code, name: 'Audited Runner', email, password } });
  expect(res.status).toBe(201);
  return { user: res.json.user as { id: string; email: string }, cookie: sessionCookie(res.headers)!, password, code };
}

const eventsOf = async (userId: string, kind?: AuditKind) => listAudit(t.deps.db, { userId, kind, limit: 1000 });
const admin = (query: string, options: { ip?: string; token?: string; headers?: Record<string, string> } = {}) =>
  send('GET', `/api/admin/audit${query}`, {
    ip: options.ip ?? '127.0.0.1',
    headers: { authorization: `Bearer ${options.token ?? t.deps.config.adminToken}`, ...options.headers },
  });

describe('recording', () => {
  it('records sign-up, sign-in, a wrong password, sign-out and an export once each, with the runner, address and browser', async () => {
    const { user, cookie, password } = await register('Audit.One@Example.com', undefined, '203.0.113.10');
    expect(await eventsOf(user.id, 'sign_up')).toMatchObject([{ user_id: user.id, ip: '203.0.113.10', user_agent: UA, email: null }]);

    expect((await send('POST', '/api/auth/login', { ip: '203.0.113.11', body: { email: user.email, password: 'not the password' } })).status).toBe(401);
    expect(await eventsOf(user.id, 'sign_in_failed')).toMatchObject([
      { user_id: user.id, ip: '203.0.113.11', email: 'audit.one@example.com', detail: { reason: 'invalid_credentials' } },
    ]);

    const login = await send('POST', '/api/auth/login', { ip: '203.0.113.12', body: { email: user.email, password } });
    expect(login.status).toBe(200);
    expect(await eventsOf(user.id, 'sign_in')).toMatchObject([{ user_id: user.id, ip: '203.0.113.12', email: null }]);

    expect((await send('GET', '/api/export', { cookie, ip: '203.0.113.13' })).status).toBe(200);
    expect(await eventsOf(user.id, 'data_exported')).toMatchObject([{ user_id: user.id, ip: '203.0.113.13' }]);

    expect((await send('POST', '/api/auth/logout', { cookie, ip: '203.0.113.14' })).status).toBe(204);
    expect(await eventsOf(user.id, 'sign_out')).toMatchObject([{ user_id: user.id, ip: '203.0.113.14' }]);
    // A sign-out without a session is nobody's event.
    const before = (await listAudit(t.deps.db, { kind: 'sign_out', limit: 1000 })).length;
    expect((await send('POST', '/api/auth/logout')).status).toBe(204);
    expect(await listAudit(t.deps.db, { kind: 'sign_out', limit: 1000 })).toHaveLength(before);

    expect((await eventsOf(user.id)).map((e) => e.kind).sort()).toEqual(['data_exported', 'sign_in', 'sign_in_failed', 'sign_out', 'sign_up']);
  });

  it('records a failed sign-in for an unknown e-mail with the e-mail as typed (lower-cased) and no user', async () => {
    const res = await send('POST', '/api/auth/login', { ip: '192.0.2.50', body: { email: '  Nobody.Here@Example.COM ', password: 'guess guess' } });
    expect(res.status).toBe(401);
    const [event] = (await listAudit(t.deps.db, { kind: 'sign_in_failed', limit: 1000 })).filter((e) => e.email === 'nobody.here@example.com');
    expect(event).toMatchObject({ user_id: null, ip: '192.0.2.50', user_agent: UA, detail: { reason: 'invalid_credentials' } });
  });

  it('records throttled attempts as failed sign-ins with reason throttled', async () => {
    const { user } = await register('throttled@example.com');
    for (let i = 0; i < 5; i++) await send('POST', '/api/auth/login', { body: { email: user.email, password: `wrong ${i} wrong` } });
    expect((await send('POST', '/api/auth/login', { body: { email: user.email, password: 'a long enough password' } })).status).toBe(429);
    const failures = await eventsOf(user.id, 'sign_in_failed');
    expect(failures.map((e) => e.detail.reason).sort()).toEqual([...Array(5).fill('invalid_credentials'), 'throttled']);
    t.clock.advance(16 * 60_000);
  });

  it('truncates a long User-Agent to 200 characters', async () => {
    const { user } = await register('long-agent@example.com');
    await send('POST', '/api/auth/login', { body: { email: user.email, password: 'a long enough password' }, headers: { 'user-agent': 'x'.repeat(5000) } });
    const [event] = await eventsOf(user.id, 'sign_in');
    expect(event!.user_agent).toHaveLength(200);
  });

  it('records Strava connects and disconnects, by the runner and by Strava', async () => {
    const { user, cookie } = await register('strava-audit@example.com');
    expect(await connectStrava(t, cookie)).toBe('/settings?strava=connected');
    expect(await eventsOf(user.id, 'strava_connected')).toMatchObject([{ user_id: user.id, detail: { scope: expect.stringContaining('activity:read') } }]);

    expect((await send('POST', '/api/strava/disconnect', { cookie, ip: '203.0.113.20' })).status).toBe(200);
    expect(await eventsOf(user.id, 'strava_disconnected')).toMatchObject([{ ip: '203.0.113.20', detail: { by: 'runner', revoked: 'revoked' } }]);

    await connectStrava(t, cookie);
    const deauth = eventJson({
      object_type: 'athlete',
      aspect_type: 'update',
      object_id: t.standin.athleteId,
      owner_id: t.standin.athleteId,
      event_time: 1_772_437_100,
      updates: { authorized: 'false' },
    });
    t.standin.revokeAccess(); // on strava.com: our token stops working, so the job can confirm the event
    expect(await pushEvent(t, deauth)).toBe(200);
    await processStoredEvents(t);
    const disconnects = await eventsOf(user.id, 'strava_disconnected');
    expect(disconnects.map((e) => e.detail.by).sort()).toEqual(['runner', 'strava']);
    expect(await eventsOf(user.id, 'strava_connected')).toHaveLength(2);
  });

  it('keeps the record of an account deletion after the account and its rows are gone', async () => {
    const { user, cookie, password } = await register('leaving@example.com', undefined, '203.0.113.30');
    await connectStrava(t, cookie);
    const refused = await send('DELETE', '/api/account', { cookie, body: { password: 'not my password' } });
    expect(refused.status).toBe(403);
    expect(await eventsOf(user.id, 'account_deleted')).toHaveLength(0);

    expect((await send('DELETE', '/api/account', { cookie, ip: '203.0.113.31', body: { password } })).status).toBe(204);
    expect(await t.deps.db.select().from(users).where(eq(users.id, user.id))).toHaveLength(0);
    expect(await eventsOf(user.id, 'account_deleted')).toMatchObject([{ user_id: user.id, ip: '203.0.113.31', email: null, detail: { strava: 'revoked' } }]);
    // The earlier history stays too: operators can still read what happened to the account.
    expect((await eventsOf(user.id)).map((e) => e.kind)).toEqual(expect.arrayContaining(['sign_up', 'strava_connected', 'account_deleted']));
  });

  it('never stores a password, session token, invite code, Strava token or the admin token', async () => {
    const password = 'correct horse battery staple 42';
    const { user, cookie, code } = await register('secrets@example.com', password);
    await send('POST', '/api/auth/login', { body: { email: user.email, password: 'a wrong password 99' } });
    await send('POST', '/api/auth/login', { body: { email: user.email, password } });
    await connectStrava(t, cookie);
    // Read now: revoking removes them from the stand-in.
    const stravaTokens = [...t.standin.state.accessTokens.keys(), ...t.standin.state.refreshTokens];
    expect(stravaTokens.length).toBeGreaterThanOrEqual(2);
    await send('GET', '/api/export', { cookie });
    await send('POST', '/api/strava/disconnect', { cookie });
    await send('DELETE', '/api/account', { cookie, body: { password } });

    const table = JSON.stringify(await t.deps.db.select().from(auditEvents));
    const secrets = [password, 'a wrong password 99', code, cookie.split('=')[1]!, t.deps.config.adminToken, t.deps.config.sessionSecret, ...stravaTokens];
    for (const secret of secrets) expect(table).not.toContain(secret);
  });

  it('logs, without failing the action, when an event cannot be written; inside a transaction the failure propagates', async () => {
    const log = memoryLogger();
    const event = { at: t.clock.now(), kind: 'sign_in' as const, user_id: null, ip: '192.0.2.1', user_agent: null };
    const rollback = new Error('rollback');
    await expect(
      t.deps.db.transaction(async (tx) => {
        // The table gone for a moment (this transaction only): the insert fails for real.
        await tx.execute(sql`alter table audit_events rename to audit_events_away`);
        await recordAuditAfter({ db: tx, log }, event);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(log.lines).toHaveLength(1);
    expect(JSON.parse(log.lines[0]!)).toMatchObject({ level: 'error', message: 'audit event not recorded', kind: 'sign_in' });

    await expect(
      t.deps.db.transaction(async (tx) => {
        await tx.execute(sql`alter table audit_events rename to audit_events_away`);
        await recordAudit(tx, event);
      }),
    ).rejects.toThrow();
    expect(await listAudit(t.deps.db, { limit: 1 })).toHaveLength(1);
  });
});

describe('GET /api/admin/audit', () => {
  it('is hidden (404, like every admin route) without the loopback socket, without the token, or through a proxy', async () => {
    expect((await admin('', { ip: '203.0.113.99' })).status).toBe(404);
    expect((await admin('', { token: 'not-the-token' })).status).toBe(404);
    expect((await send('GET', '/api/admin/audit', { ip: '127.0.0.1' })).status).toBe(404);
    expect((await admin('', { headers: { 'x-forwarded-for': '203.0.113.99' } })).status).toBe(404);
    const ok = await admin('');
    expect(ok.status).toBe(200);
    expect(ok.json.events.length).toBeGreaterThan(0);
  });

  it('filters by kind, user, since and limit, newest first', async () => {
    const { user } = await register('filters@example.com');
    t.clock.advance(60 * 60_000);
    const later = t.clock.now().toISOString();
    await send('POST', '/api/auth/login', { body: { email: user.email, password: 'a long enough password' } });
    await send('POST', '/api/auth/login', { body: { email: user.email, password: 'a long enough password' } });

    const mine = await admin(`?user=${user.id}`);
    expect(mine.json.events.map((e: any) => e.kind)).toEqual(['sign_in', 'sign_in', 'sign_up']);
    expect(mine.json.events[0].at >= mine.json.events[2].at).toBe(true);
    expect((await admin(`?user=${user.id}&kind=sign_up`)).json.events).toHaveLength(1);
    expect((await admin(`?user=${user.id}&since=${encodeURIComponent(later)}`)).json.events.map((e: any) => e.kind)).toEqual(['sign_in', 'sign_in']);
    expect((await admin(`?user=${user.id}&limit=1`)).json.events).toHaveLength(1);
    expect((await admin('?kind=sign_in_failed')).json.events.every((e: any) => e.kind === 'sign_in_failed')).toBe(true);
    expect((await admin('?since=2026-03-01')).json.events.length).toBeGreaterThan(3);
  });

  it('answers 400 naming the bad filter', async () => {
    for (const query of ['?kind=everything', '?user=42', '?since=yesterday', '?limit=0', '?limit=5000', '?colour=red']) {
      const res = await admin(query);
      expect(res.status, query).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
    }
  });
});

describe('retention', () => {
  it('prunes events older than 400 days and keeps the rest', async () => {
    const now = t.clock.now();
    const day = 24 * 3600 * 1000;
    await recordAudit(t.deps.db, { at: new Date(now.getTime() - 401 * day), kind: 'sign_in', user_id: null, ip: 'old', user_agent: null });
    await recordAudit(t.deps.db, { at: new Date(now.getTime() - 399 * day), kind: 'sign_in', user_id: null, ip: 'recent', user_agent: null });
    expect(await pruneAudit(t.deps.db, now)).toBe(1);
    const ips = (await t.deps.db.select({ ip: auditEvents.ip }).from(auditEvents)).map((r) => r.ip);
    expect(ips).toContain('recent');
    expect(ips).not.toContain('old');
  });
});
