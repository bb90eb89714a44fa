import { describe, expect, it } from 'vitest';
import { buildTestApp, call, PUBLIC_URL, signUp, useTestApp, type TestApp } from '../test/harness.ts';

const t = useTestApp();

const MINUTE = 60 * 1000;

describe('login throttling', () => {
  it('answers 429 with Retry-After after 5 failures for one e-mail, even for the right password, until the window passes', async () => {
    const { user, password } = await signUp(t);
    for (let i = 0; i < 5; i++) {
      const res = await call(t.app, 'POST', '/api/auth/login', { body: { email: user.email, password: `wrong password ${i}` } });
      expect(res.status).toBe(401);
    }
    const blocked = await call(t.app, 'POST', '/api/auth/login', { body: { email: user.email, password } });
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    t.clock.advance(16 * MINUTE);
    expect((await call(t.app, 'POST', '/api/auth/login', { body: { email: user.email, password } })).status).toBe(200);
  });

  it('blocks one address spraying many accounts after 20 failures', async () => {
    t.clock.advance(16 * MINUTE);
    for (let i = 0; i < 20; i++) {
      await call(t.app, 'POST', '/api/auth/login', { body: { email: `spray${i}@example.com`, password: 'guess guess' } });
    }
    const res = await call(t.app, 'POST', '/api/auth/login', { body: { email: 'spray-next@example.com', password: 'guess guess' } });
    expect(res.status).toBe(429);
    t.clock.advance(16 * MINUTE);
  });
});

describe('cross-origin requests', () => {
  it('refuses a state-changing request from another origin with 403, changing nothing', async () => {
    const { cookie } = await signUp(t);
    const res = await call(t.app, 'PUT', '/api/profile', { cookie, origin: 'https://evil.example', body: { units: 'km' } });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('cross_origin_refused');
    expect((await call(t.app, 'GET', '/api/profile', { cookie })).json.profile.units).toBe('mi');
  });

  it('refuses a cross-site request that hides its Origin', async () => {
    const res = await call(t.app, 'POST', '/api/auth/logout', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
  });

  it("accepts the app's own origin, and reads from anywhere", async () => {
    const { cookie } = await signUp(t);
    expect((await call(t.app, 'PUT', '/api/profile', { cookie, origin: PUBLIC_URL, body: { units: 'km' } })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/profile', { cookie, origin: 'https://evil.example' })).status).toBe(200);
  });
});

describe('cookies', () => {
  it('are HttpOnly and SameSite=Lax, not Secure on http', async () => {
    const { cookie } = await signUp(t);
    const res = await call(t.app, 'POST', '/api/auth/logout', { cookie });
    const login = await signUpRaw(t);
    expect(login).toMatch(/HttpOnly/);
    expect(login).toMatch(/SameSite=Lax/);
    expect(login).not.toMatch(/Secure/);
    expect(res.status).toBe(204);
  });

  it('are Secure when PUBLIC_URL is https', async () => {
    const secure = buildTestApp({ db: t.deps.db, kind: t.deps.dbKind }, { PUBLIC_URL: 'https://coach.example.com' });
    const header = await signUpRaw(secure, 'https://coach.example.com');
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/HttpOnly/);
  });
});

describe('errors and headers', () => {
  it('answers unknown API routes with a JSON 404', async () => {
    const res = await call(t.app, 'GET', '/api/does/not/exist');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: 'not_found', message: 'There is no such API route.' } });
  });

  it('sends security headers on every response', async () => {
    const res = await call(t.app, 'GET', '/api/health');
    expect(res.json).toEqual({ ok: true, db: 'pglite', version: expect.any(String) });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  it('hides the admin endpoint from callers without the loopback socket and token', async () => {
    const res = await call(t.app, 'POST', '/api/admin/invites', { body: {}, headers: { authorization: `Bearer ${t.deps.config.adminToken}` } });
    expect(res.status).toBe(404);
  });
});

async function signUpRaw(app: TestApp, origin?: string): Promise<string> {
  const { createInvite } = await import('./users.ts');
  const { code } = await createInvite(app.deps.db, { now: app.clock.now() });
  const res = await call(app.app, 'POST', '/api/auth/register', {
    ...(origin ? { origin } : {}),
    body: { invite_code: code, name: 'Cookie', email: `cookie-${code}@example.com`, password: 'long enough password' },
  });
  expect(res.status).toBe(201);
  return res.headers.get('set-cookie') ?? '';
}
