import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/database.ts';
import { inviteCodes, sessions, userProfiles, users } from '../db/schema.ts';
import { createInvite } from '../accounts/users.ts';
import { buildTestApp, call, PUBLIC_URL, sessionCookie, signUp, type TestApp } from './harness.ts';

const DAY = 24 * 3600 * 1000;

/**
 * Accounts and profiles, run once per storage implementation (PGlite and Postgres): the same
 * behaviour must hold on both.
 */
export function accountsContract(name: string, open: () => Promise<DatabaseHandle>): void {
  describe(`accounts and profiles on ${name}`, () => {
    let handle: DatabaseHandle;
    let t: TestApp;

    beforeAll(async () => {
      handle = await open();
      t = buildTestApp(handle);
    });
    afterAll(async () => {
      await handle?.close();
    });

    async function register(body: Record<string, unknown>) {
      return call(t.app, 'POST', '/api/auth/register', { body });
    }

    describe('register', () => {
      it('creates the account and an empty profile, consumes the code and signs in', async () => {
        const { code } = await createInvite(t.deps.db, { now: t.clock.now() });
        const res = await register({ invite_code: code, name: 'Ann', email: ' Ann@Example.COM ', password: 'correct horse' });
        expect(res.status).toBe(201);
        expect(res.json.user).toMatchObject({ name: 'Ann', email: 'ann@example.com' });
        expect(res.json.user).not.toHaveProperty('password_hash');
        const cookie = sessionCookie(res.headers);
        const me = await call(t.app, 'GET', '/api/auth/me', { cookie });
        expect(me.status).toBe(200);
        expect(me.json.profile).toMatchObject({ units: 'mi', target_type: 'pace', time_zone: 'UTC', current_weekly_mileage_miles: null });
        const [user] = await t.deps.db.select().from(users).where(eq(users.email, 'ann@example.com'));
        expect(user!.password_hash).toMatch(/^scrypt\$/);
        expect(user!.password_hash).not.toContain('correct horse');
      });

      it('refuses a code that was already used', async () => {
        const { code } = await createInvite(t.deps.db, { now: t.clock.now() });
        expect((await register({ invite_code: code, name: 'B', email: 'b1@example.com', password: 'long enough password' })).status).toBe(201);
        const again = await register({ invite_code: code, name: 'C', email: 'c1@example.com', password: 'long enough password' });
        expect(again.status).toBe(400);
        expect(again.json.error.code).toBe('invite_code_used');
        expect(await t.deps.db.select().from(users).where(eq(users.email, 'c1@example.com'))).toHaveLength(0);
      });

      it('refuses an expired code and an unknown one', async () => {
        const { code } = await createInvite(t.deps.db, { now: t.clock.now(), expiresDays: 2 });
        t.clock.advance(3 * DAY);
        const expired = await register({ invite_code: code, name: 'D', email: 'd1@example.com', password: 'long enough password' });
        expect(expired.status).toBe(400);
        expect(expired.json.error.code).toBe('invite_code_expired');
        const unknown = await register({ invite_code: 'NOPE-NOPE-NOPE-NOPE', name: 'D', email: 'd1@example.com', password: 'long enough password' });
        expect(unknown.json.error.code).toBe('invite_code_invalid');
      });

      it('refuses a weak password, naming the field, and leaves the code unused', async () => {
        const { code } = await createInvite(t.deps.db, { now: t.clock.now() });
        const res = await register({ invite_code: code, name: 'E', email: 'e1@example.com', password: 'short' });
        expect(res.status).toBe(400);
        expect(res.json.error.code).toBe('validation_failed');
        expect(res.json.error.issues).toEqual([{ path: 'password', message: 'must be at least 10 characters' }]);
        const ok = await register({ invite_code: code, name: 'E', email: 'e1@example.com', password: 'long enough password' });
        expect(ok.status).toBe(201);
      });

      it('refuses a duplicate e-mail with 409 and does not consume the code', async () => {
        await signUp(t, { email: 'dup@example.com' });
        const { code } = await createInvite(t.deps.db, { now: t.clock.now() });
        const res = await register({ invite_code: code, name: 'F', email: 'DUP@example.com', password: 'long enough password' });
        expect(res.status).toBe(409);
        expect(res.json.error.code).toBe('email_taken');
        const rows = await t.deps.db.select().from(inviteCodes);
        expect(rows.filter((row) => row.used_at === null).length).toBeGreaterThan(0);
        expect((await register({ invite_code: code, name: 'F', email: 'f1@example.com', password: 'long enough password' })).status).toBe(201);
      });

      it('answers bad JSON, wrong types, unknown fields and wrong content types with 4xx, never 500', async () => {
        const bad = await call(t.app, 'POST', '/api/auth/register', { raw: '{"invite_code": ' });
        expect(bad.status).toBe(400);
        expect(bad.json.error.code).toBe('invalid_json');
        const types = await register({ invite_code: 42, name: ['x'], email: 'not-an-email', password: true });
        expect(types.status).toBe(400);
        expect(types.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'invite_code', 'name', 'password']);
        const extra = await register({ invite_code: 'x', name: 'x', email: 'x@example.com', password: 'long enough password', admin: true });
        expect(extra.status).toBe(400);
        expect(JSON.stringify(extra.json.error.issues)).toContain('admin');
        const form = await call(t.app, 'POST', '/api/auth/register', { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        expect(form.status).toBe(415);
        const huge = await call(t.app, 'POST', '/api/auth/register', { raw: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
        expect(huge.status).toBe(413);
        expect(huge.json.error.code).toBe('payload_too_large');
      });

      it('never logs a password', async () => {
        await signUp(t, { password: 'secret-password-in-logs' });
        await call(t.app, 'POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: 'secret-password-in-logs' } });
        expect(t.log.lines.join('\n')).not.toContain('secret-password-in-logs');
      });
    });

    describe('sessions', () => {
      it('signs in, says who is signed in, and signs out', async () => {
        const { user, password } = await signUp(t);
        const login = await call(t.app, 'POST', '/api/auth/login', { body: { email: user.email, password } });
        expect(login.status).toBe(200);
        const cookie = sessionCookie(login.headers);
        expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).json.user.id).toBe(user.id);
        const logout = await call(t.app, 'POST', '/api/auth/logout', { cookie });
        expect(logout.status).toBe(204);
        expect(logout.headers.get('set-cookie')).toMatch(/rc_session=;.*Max-Age=0/);
        expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
      });

      it('refuses a wrong password and an unknown e-mail alike', async () => {
        const { user } = await signUp(t);
        const wrong = await call(t.app, 'POST', '/api/auth/login', { body: { email: user.email, password: 'not the password' } });
        const unknown = await call(t.app, 'POST', '/api/auth/login', { body: { email: 'ghost@example.com', password: 'not the password' } });
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(401);
        expect(wrong.json).toEqual(unknown.json);
      });

      it('stores only a hash of the session token', async () => {
        const { cookie } = await signUp(t);
        const token = cookie.split('=')[1]!;
        const rows = await t.deps.db.select().from(sessions);
        expect(rows.some((row) => row.token_hash === token)).toBe(false);
      });

      it('slides the 30-day expiry on use and ends unused sessions after 30 days', async () => {
        const { cookie } = await signUp(t);
        t.clock.advance(20 * DAY);
        const used = await call(t.app, 'GET', '/api/auth/me', { cookie });
        expect(used.status).toBe(200);
        expect(used.headers.get('set-cookie')).toContain('Max-Age=2592000');
        t.clock.advance(25 * DAY); // 45 days after sign-up, 25 after last use
        expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
        t.clock.advance(31 * DAY);
        expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
      });

      it('treats a forged cookie as signed out', async () => {
        const res = await call(t.app, 'GET', '/api/auth/me', { cookie: 'rc_session=forged-token' });
        expect(res.status).toBe(401);
        expect(res.json.error.code).toBe('unauthenticated');
      });
    });

    describe('profile', () => {
      it('reads and updates any subset of fields', async () => {
        const { cookie } = await signUp(t);
        const update = {
          current_weekly_mileage_miles: 24.5,
          days_available_per_week: 5,
          easy_pace_per_mile_seconds: 570,
          units: 'km',
          time_zone: 'Europe/Paris',
        };
        const put = await call(t.app, 'PUT', '/api/profile', { cookie, body: update });
        expect(put.status).toBe(200);
        expect(put.json.profile).toMatchObject(update);
        const partial = await call(t.app, 'PUT', '/api/profile', { cookie, body: { injury_notes: 'left calf tight' } });
        expect(partial.json.profile).toMatchObject({ ...update, injury_notes: 'left calf tight' });
        const get = await call(t.app, 'GET', '/api/profile', { cookie });
        expect(get.json.profile).toEqual(partial.json.profile);
      });

      it.each([
        [{ days_available_per_week: 8 }, 'days_available_per_week'],
        [{ days_available_per_week: 2.5 }, 'days_available_per_week'],
        [{ current_weekly_mileage_miles: -1 }, 'current_weekly_mileage_miles'],
        [{ current_weekly_mileage_miles: '20' }, 'current_weekly_mileage_miles'],
        [{ easy_pace_per_mile_seconds: 30 }, 'easy_pace_per_mile_seconds'],
        [{ units: 'furlongs' }, 'units'],
        [{ target_type: 'power' }, 'target_type'],
        [{ time_zone: 'Mars/Olympus_Mons' }, 'time_zone'],
        [{ injury_notes: 'x'.repeat(2001) }, 'injury_notes'],
      ])('refuses %j naming the field', async (body, field) => {
        const { cookie } = await signUp(t);
        const res = await call(t.app, 'PUT', '/api/profile', { cookie, body });
        expect(res.status).toBe(400);
        expect(res.json.error.issues[0].path).toBe(field);
        const get = await call(t.app, 'GET', '/api/profile', { cookie });
        expect(get.json.profile[field]).not.toEqual((body as Record<string, unknown>)[field]);
      });

      it('refuses unknown fields and an empty update, changing nothing', async () => {
        const { cookie, user } = await signUp(t);
        const res = await call(t.app, 'PUT', '/api/profile', { cookie, body: { units: 'km', user_id: 'someone-else' } });
        expect(res.status).toBe(400);
        const [row] = await t.deps.db.select().from(userProfiles).where(eq(userProfiles.user_id, user.id));
        expect(row!.units).toBe('mi');
        expect((await call(t.app, 'PUT', '/api/profile', { cookie, body: {} })).status).toBe(400);
      });

      it("gives no way to read or change another runner's profile", async () => {
        const a = await signUp(t);
        const b = await signUp(t);
        await call(t.app, 'PUT', '/api/profile', { cookie: b.cookie, body: { injury_notes: "B's secret" } });
        const put = await call(t.app, 'PUT', '/api/profile', { cookie: a.cookie, body: { user_id: b.user.id, injury_notes: 'hijacked' } });
        expect(put.status).toBe(400);
        await call(t.app, 'PUT', '/api/profile', { cookie: a.cookie, body: { injury_notes: 'mine' } });
        const bProfile = await call(t.app, 'GET', '/api/profile', { cookie: b.cookie });
        expect(bProfile.json.profile.injury_notes).toBe("B's secret");
        const aProfile = await call(t.app, 'GET', '/api/profile', { cookie: a.cookie });
        expect(aProfile.json.profile.user_id).toBe(a.user.id);
        expect(JSON.stringify(aProfile.json)).not.toContain("B's secret");
        expect((await call(t.app, 'GET', `/api/profile/${b.user.id}`, { cookie: a.cookie })).status).toBe(404);
      });

      it('needs a session', async () => {
        expect((await call(t.app, 'GET', '/api/profile')).status).toBe(401);
        expect((await call(t.app, 'PUT', '/api/profile', { body: { units: 'km' }, origin: PUBLIC_URL })).status).toBe(401);
      });
    });
  });
}
