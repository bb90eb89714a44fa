import { describe, expect, it } from 'vitest';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';

// The runner's own heart rate and load time constants on the profile (issue 23 §1–2): through
// PUT /api/profile and through sync's profile.update@1 alike, refused whole with the field named
// when a value is out of range or does not fit the rest of the profile.

const t = useTestApp();

const put = (cookie: string, body: unknown) => call(t.app, 'PUT', '/api/profile', { cookie, body });
const profileOf = async (cookie: string) => (await call(t.app, 'GET', '/api/profile', { cookie })).json.profile;

describe('heart rate and load constants on the profile', () => {
  it('starts unknown with the 42/7 constants, and keeps what the runner sets', async () => {
    const { cookie } = await signUp(t);
    expect(await profileOf(cookie)).toMatchObject({ max_hr: null, resting_hr: null, lthr: null, birth_year: null, ctl_days: 42, atl_days: 7 });
    const set = { max_hr: 170, resting_hr: 50, lthr: 158, birth_year: 1986, ctl_days: 28, atl_days: 5 };
    const res = await put(cookie, set);
    expect(res.status).toBe(200);
    expect(res.json.profile).toMatchObject(set);
    expect(await profileOf(cookie)).toMatchObject(set);
    // The optional ones can be cleared again.
    expect((await put(cookie, { lthr: null, birth_year: null })).json.profile).toMatchObject({ lthr: null, birth_year: null, max_hr: 170 });
  });

  it('refuses max 300 with a 400 naming the field, and applies nothing of that update', async () => {
    const { cookie } = await signUp(t);
    const res = await put(cookie, { max_hr: 300, resting_hr: 50, units: 'km' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.issues).toEqual([{ path: 'max_hr', message: 'Max heart rate is between 120 and 230 beats per minute' }]);
    expect(await profileOf(cookie)).toMatchObject({ max_hr: null, resting_hr: null, units: 'mi' });

    const constants = await put(cookie, { max_hr: 170, ctl_days: 99 });
    expect(constants.status).toBe(400);
    expect(constants.json.error.issues).toEqual([{ path: 'ctl_days', message: 'Fitness is averaged over 21 to 60 days' }]);
    expect(await profileOf(cookie)).toMatchObject({ max_hr: null, ctl_days: 42 });
  });

  it('checks resting against the max already stored, and refuses the whole update when they clash', async () => {
    const { cookie } = await signUp(t);
    expect((await put(cookie, { max_hr: 125, resting_hr: 50, lthr: 122 })).status).toBe(200);
    const res = await put(cookie, { resting_hr: 110, units: 'km' });
    expect(res.status).toBe(400);
    expect(res.json.error.issues).toEqual([{ path: 'resting_hr', message: 'Resting heart rate must be at least 20 beats below your max heart rate (125)' }]);
    expect(await profileOf(cookie)).toMatchObject({ resting_hr: 50, units: 'mi' });
    // A max below the threshold already stored names the max.
    expect((await put(cookie, { max_hr: 120 })).json.error.issues).toEqual([
      { path: 'max_hr', message: 'Max heart rate must be above your threshold heart rate (122)' },
    ]);
    // Both in one update are checked together.
    expect((await put(cookie, { max_hr: 128, resting_hr: 110 })).json.error.issues).toEqual([
      { path: 'resting_hr', message: 'Resting heart rate must be at least 20 beats below your max heart rate (128)' },
    ]);
    expect((await put(cookie, { max_hr: 130, resting_hr: 110, lthr: null })).status).toBe(200);
    // A birth year that makes the runner 3 years old.
    expect((await put(cookie, { birth_year: 2023 })).json.error.issues[0]).toMatchObject({ path: 'birth_year', message: expect.stringMatching(/makes you 3/) });
  });

  it('syncs like the other profile fields: pushed by a device, pulled by another, a clash rejected and kept', async () => {
    const { cookie, user } = await signUp(t);
    const now = () => t.clock.now().getTime();
    const phone = new TestDevice(t.app, cookie, now);
    const watch = new TestDevice(t.app, cookie, now);
    const set = phone.mutation('profile.update', { set: { max_hr: 125, resting_hr: 55, ctl_days: 35 } });
    const clash = phone.mutation('profile.update', { set: { resting_hr: 110, units: 'km' } });
    const after = phone.mutation('profile.update', { set: { atl_days: 9 } });
    const res = await phone.push([set, clash, after]);
    expect(res.status).toBe(200);
    expect(res.json.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(res.json.results[1].error).toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'resting_hr', message: expect.stringMatching(/below your max heart rate \(125\)/) }],
    });

    const { changes } = await watch.pullAll();
    const row = changes.find((c) => c.entity === 'user_profiles')!.row;
    expect(row).toMatchObject({ user_id: user.id, max_hr: 125, resting_hr: 55, lthr: null, birth_year: null, ctl_days: 35, atl_days: 9, units: 'mi' });
    // An old device's args (no new fields) still apply.
    const old = await watch.push([watch.mutation('profile.update', { set: { units: 'km' } }, 1)]);
    expect(old.json.results[0].status).toBe('applied');
    expect(await profileOf(cookie)).toMatchObject({ units: 'km', max_hr: 125 });
  });
});
