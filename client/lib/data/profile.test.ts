// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserDb } from './db.ts';
import { mutate, MutationInvalidError } from './mutations.ts';
import { firstValue, openFreshUserDb } from './test-kit.ts';
import { profile$ } from './readers.ts';
import { deviceTrainingLoad } from './training-load.ts';

// The runner's heart rate and load time constants on the phone (issue 23 §1–2): written with
// profile.update like the other fields, predicted as the server will decide, and used by the
// device's own training load.

const USER = '00000000-0000-4000-8000-000000000001';
const now = Date.parse('2026-03-02T07:00:00Z');
let db: UserDb;
afterEach(() => db.close());

describe('heart rate and load constants on the phone', () => {
  it('are written like the other profile fields, and a clash with the stored max is not shown as applied', async () => {
    db = await openFreshUserDb(USER, () => now);
    await mutate(db, 'profile.update', { set: { max_heart_rate: 125, resting_heart_rate: 50, ctl_days: 28 } });
    expect(await firstValue(profile$(db))).toMatchObject({ max_heart_rate: 125, resting_heart_rate: 50, ctl_days: 28, atl_days: 7, pending: true });
    // Out of range: refused before anything is written.
    await expect(mutate(db, 'profile.update', { set: { max_heart_rate: 300 } })).rejects.toBeInstanceOf(MutationInvalidError);
    // In range but too close to the max: the server will refuse it, so the phone does not show it.
    await mutate(db, 'profile.update', { set: { resting_heart_rate: 110 } });
    expect(await firstValue(profile$(db))).toMatchObject({ max_heart_rate: 125, resting_heart_rate: 50 });
    expect(await db.outbox.count()).toBe(2);
  });

  it('feed the device’s training load: hrTSS against the runner’s threshold, CTL with their constant', async () => {
    db = await openFreshUserDb(USER, () => now);
    const row = (r: Record<string, unknown>) => ({ ...r, _hlc: {} });
    await db.view('user_profiles').put(row({ user_id: USER, easy_pace_per_mile_seconds: 570, current_weekly_mileage_miles: 25, days_available_per_week: 5, injury_notes: null, time_zone: 'UTC', units: 'km', max_heart_rate: 170, resting_heart_rate: 50, threshold_heart_rate: 155, birth_year: null, ctl_days: 28, atl_days: 7 }));
    await db.view('strava_activities').put(row({ id: 'r1', local_date: '2026-02-22', activity_type: 'TrailRun', distance_meters: 9000, moving_time_seconds: 3600, average_heartrate: 155 }));
    const report = await deviceTrainingLoad(db, { from: '2026-02-20', to: '2026-02-25' }, new Date(now));
    expect(report.runs.map((r) => [r.method, r.load])).toEqual([['hrtss', 100]]);
    expect(report.constants).toEqual({ ctl_days: 28, atl_days: 7 });
    expect(report.days.find((d) => d.date === '2026-02-22')).toMatchObject({ ctl: 3.6, atl: 14.3 });

    // A row pulled before the server had these columns reads as unknown: pace and 42/7.
    await db.view('user_profiles').put(row({ user_id: USER, easy_pace_per_mile_seconds: 570, current_weekly_mileage_miles: 25, days_available_per_week: 5, injury_notes: null, time_zone: 'UTC', units: 'km' }));
    const old = await deviceTrainingLoad(db, { from: '2026-02-20', to: '2026-02-25' }, new Date(now));
    expect(old.runs[0]!.method).toBe('rtss');
    expect(old.constants).toEqual({ ctl_days: 42, atl_days: 7 });
    expect(old.heart_rate).toBeNull();
  });
});
