import { describe, expect, it } from 'vitest';
import { mutate } from './mutations.ts';
import { weekCheckins$ } from './readiness.ts';
import { firstValue, openFreshUserDb } from './test-kit.ts';

// The journal's morning check-ins come from the phone's own rows, so they show offline and as
// soon as a check-in is made; the server sums the same rows with the same readinessWeek.

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

describe('the journal’s check-ins on the phone', () => {
  it('sums the week’s check-ins made on this phone (not yet synced), poor days with their reason', async () => {
    const db = await openFreshUserDb('u1', () => Date.parse('2026-03-05T07:00:00Z'));
    // Monday 2 March to Sunday 8 March; the Sunday before belongs to the week before.
    await mutate(db, 'readiness.checkin', { id: id(1), date: '2026-03-01', set: { sleep: 5, soreness: 5, stress: 5 } });
    await mutate(db, 'readiness.checkin', { id: id(2), date: '2026-03-02', set: { sleep: 2, soreness: 2, stress: 1, resting_hr: 50 } });
    await mutate(db, 'readiness.checkin', { id: id(3), date: '2026-03-04', set: { sleep: 4, soreness: 4, stress: 3 } });
    const week = await firstValue(weekCheckins$(db, '2026-03-02'));
    expect(week.checkins).toBe(2);
    expect(week.average).toEqual({ sleep: 3, soreness: 3, stress: 2, resting_hr: 50 });
    expect(week.poor_days).toEqual([{ date: '2026-03-04', reason: expect.stringMatching(/add up to 11 of 15/) }]);
    expect(await firstValue(weekCheckins$(db, '2026-03-09'))).toEqual({ checkins: 0, average: null, poor_days: [] });
  });
});
